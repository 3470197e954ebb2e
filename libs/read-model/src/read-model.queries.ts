import { Pool } from 'pg';

export type ResourceKind = 'bucket' | 'topup' | 'adjustment' | 'activity' | 'transfer';

/**
 * Each list's default order, served by an index so a page costs `offset + limit` index entries
 * rather than a sort of every match: rm_buckets_created (migrations/0005), rm_topups_created,
 * rm_adjustments_created and rm_balance_activity_order (migrations/0002). The EXPLAIN int-spec
 * (read-model.queries.int-spec.ts) fails if one of them stops being used.
 */
const TABLES: Record<ResourceKind, { table: string; order: string }> = {
  bucket: { table: 'rm_buckets', order: 'created_at, id' },
  topup: { table: 'rm_topups', order: 'created_at DESC, id' },
  adjustment: { table: 'rm_adjustments', order: 'created_at DESC, id' },
  activity: { table: 'rm_balance_activity', order: 'commit_pos DESC, prepare_pos DESC' },
  transfer: { table: 'rm_transfers', order: 'created_at DESC, id' },
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
  /** Matches counted at most; default DEFAULT_COUNT_CAP. */
  countCap?: number;
}

export interface Page<T> {
  items: T[];
  /** Matches of the filters, exact up to the count cap, and the cap itself beyond it. */
  total: number;
  /** True when there are more matches than `total` says. */
  totalCapped: boolean;
}

/**
 * Counting every match of a broad filter reads every matching row on every page request; a
 * bounded count reads at most cap + 1 and says whether there were more.
 */
export const DEFAULT_COUNT_CAP = 10_000;

export interface ListStatements {
  count: { text: string; values: unknown[] };
  page: { text: string; values: unknown[] };
}

/** The SQL `list` runs, exported so the EXPLAIN int-spec checks exactly these statements. */
export function listStatements(kind: ResourceKind, query: ListQuery): ListStatements {
  const { table, order } = TABLES[kind];
  const params: unknown[] = [];
  const deleted = kind === 'bucket' ? ' AND NOT deleted' : '';
  const where = `WHERE model_version = (${VERSION})${deleted}${whereClause(query.filters, params)}`;
  const cap = query.countCap ?? DEFAULT_COUNT_CAP;
  const n = params.length;
  return {
    count: {
      text: `SELECT count(*) AS n FROM (SELECT 1 FROM ${table} ${where} LIMIT $${n + 1}) AS bounded`,
      values: [...params, cap + 1],
    },
    page: {
      text: `SELECT doc FROM ${table} ${where} ORDER BY ${order} OFFSET $${n + 1} LIMIT $${n + 2}`,
      values: [...params, query.offset, query.limit],
    },
  };
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

  /** Transfers not final whose last step is older than `quietMs` (rm_transfers_pending, migrations/0008). */
  async pendingTransferIds(quietMs: number, limit: number): Promise<string[]> {
    const { rows } = await this.pool.query<{ id: string }>(
      `SELECT id FROM rm_transfers WHERE model_version = (${VERSION}) AND status NOT IN ('completed', 'failed')
          AND updated_at < clock_timestamp() - make_interval(secs => $1::double precision / 1000)
        ORDER BY updated_at LIMIT $2`,
      [quietMs, limit],
    );
    return rows.map((r) => r.id);
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
    const statements = listStatements(kind, query);
    const cap = query.countCap ?? DEFAULT_COUNT_CAP;
    const count = await this.pool.query<{ n: string }>(statements.count);
    const page = await this.pool.query<{ doc: T }>(statements.page);
    const matches = Number(count.rows[0].n);
    return { items: page.rows.map((r) => r.doc), total: Math.min(matches, cap), totalCapped: matches > cap };
  }
}

const VERSION = "SELECT current_version FROM read_model_versions WHERE name = 'ledger'";
