import { Pool } from 'pg';

export type ResourceKind = 'bucket' | 'topup' | 'adjustment' | 'activity';

const TABLES: Record<ResourceKind, { table: string; order: string }> = {
  bucket: { table: 'rm_buckets', order: 'created_at, id' },
  topup: { table: 'rm_topups', order: 'created_at DESC, id' },
  adjustment: { table: 'rm_adjustments', order: 'created_at DESC, id' },
  activity: { table: 'rm_balance_activity', order: 'commit_pos DESC, prepare_pos DESC' },
};

export interface AttributeFilter {
  /** Dotted path into the published model, e.g. `relatedParty.id`. */
  path: string;
  value: string;
}

export interface ListQuery {
  filters: AttributeFilter[];
  offset: number;
  limit: number;
}

export interface Page<T> {
  items: T[];
  total: number;
}

/**
 * Every shape `path = value` can take in a document: each segment may hold an object or a list
 * (TMF models mix both: `product` is a list on a bucket but one ref on a topup), so a filter is
 * the OR of 2^depth jsonb containments, each served by the GIN index.
 */
export function containmentAlternatives(path: string, value: string): unknown[] {
  let shapes: unknown[] = [value];
  for (const segment of path.split('.').reverse()) {
    shapes = shapes.flatMap((inner) => [{ [segment]: inner }, { [segment]: [inner] }]);
  }
  return shapes;
}

function whereClause(filters: AttributeFilter[], params: unknown[]): string {
  return filters
    .map((f) => {
      const alternatives = containmentAlternatives(f.path, f.value).map((shape) => {
        params.push(JSON.stringify(shape));
        return `doc @> $${params.length}::jsonb`;
      });
      return ` AND (${alternatives.join(' OR ')})`;
    })
    .join('');
}

/** Reads the version of the read model the API currently serves. */
export class ReadModelQueries {
  constructor(private readonly pool: Pool) {}

  async servingVersion(): Promise<number> {
    const { rows } = await this.pool.query<{ v: number }>(
      "SELECT current_version AS v FROM read_model_versions WHERE name = 'ledger'",
    );
    return rows[0].v;
  }

  async get<T>(kind: ResourceKind, id: string): Promise<T | undefined> {
    const { table } = TABLES[kind];
    const deleted = kind === 'bucket' ? ' AND NOT deleted' : '';
    const { rows } = await this.pool.query<{ doc: T }>(
      `SELECT doc FROM ${table} WHERE model_version = (${VERSION}) AND id = $1${deleted}`,
      [id],
    );
    return rows[0]?.doc;
  }

  async list<T>(kind: ResourceKind, query: ListQuery): Promise<Page<T>> {
    const { table, order } = TABLES[kind];
    const params: unknown[] = [];
    const deleted = kind === 'bucket' ? ' AND NOT deleted' : '';
    const where = `WHERE model_version = (${VERSION})${deleted}${whereClause(query.filters, params)}`;
    const count = await this.pool.query<{ n: string }>(`SELECT count(*) AS n FROM ${table} ${where}`, params);
    const page = await this.pool.query<{ doc: T }>(
      `SELECT doc FROM ${table} ${where} ORDER BY ${order} OFFSET $${params.length + 1} LIMIT $${params.length + 2}`,
      [...params, query.offset, query.limit],
    );
    return { items: page.rows.map((r) => r.doc), total: Number(count.rows[0].n) };
  }
}

const VERSION = "SELECT current_version FROM read_model_versions WHERE name = 'ledger'";
