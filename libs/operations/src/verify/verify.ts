import { Client } from 'pg';
import type { EventStore, Position } from '@ledger/event-store';
import { ExpectedLedger, ExpectedRow, ReadModelKind } from './expected-ledger';
import { atOrPast } from '@ledger/projection';
import { Difference, missingRow, rowDifferences, unexpectedRow } from './row-differences';

export interface VerifyProgress {
  events: number;
  position: Position | 'start';
  /** The serving version's checkpoint: the verification folds exactly the events up to it. */
  target: Position | 'start';
  elapsedMs: number;
}

export interface VerifyOptions {
  store: EventStore;
  databaseUrl: string;
  name?: string;
  batchSize?: number;
  pageSize?: number;
  onProgress?: (progress: VerifyProgress) => void;
}

export interface VerifyResult {
  version: number;
  checkpoint: Position | 'start';
  events: number;
  differences: Difference[];
}

const TABLES: Record<Exclude<ReadModelKind, 'activity'>, { table: string; columns: string }> = {
  bucket: { table: 'rm_buckets', columns: 'id, id AS bucket_id, revision, doc, created_at, deleted, updated_at' },
  topup: { table: 'rm_topups', columns: 'id, bucket_id, revision, doc, created_at' },
  adjustment: { table: 'rm_adjustments', columns: 'id, bucket_id, revision, doc, created_at' },
};

interface DbRow {
  id: string;
  bucket_id: string;
  revision: string;
  doc: ExpectedRow['doc'];
  created_at: Date;
  deleted?: boolean;
  updated_at?: Date;
  commit_pos?: string;
  prepare_pos?: string;
}

function fromDb(r: DbRow): ExpectedRow {
  return {
    id: r.id,
    bucketId: r.bucket_id,
    revision: BigInt(r.revision),
    doc: r.doc,
    createdAt: r.created_at.toISOString(),
    deleted: r.deleted,
    updatedAt: r.updated_at?.toISOString(),
    position:
      r.commit_pos === undefined
        ? undefined
        : { commit: BigInt(r.commit_pos), prepare: BigInt(r.prepare_pos as string) },
  };
}

/**
 * Folds the whole event store afresh in memory and compares the result with the serving read
 * model row by row. The read model is read in one REPEATABLE READ snapshot and the fold stops at
 * the checkpoint seen in that snapshot, so a live projector moving on meanwhile causes no false
 * differences. (A read-only transaction takes no transaction id, so it does not hold back the
 * event store's read horizon.)
 */
export async function verifyReadModel(options: VerifyOptions): Promise<VerifyResult> {
  const client = new Client({ connectionString: options.databaseUrl, application_name: 'ledger-verify' });
  await client.connect();
  try {
    await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
    const result = await new Verification(client, options).run();
    await client.query('COMMIT');
    return result;
  } finally {
    await client.end();
  }
}

class Verification {
  private readonly expected = new ExpectedLedger();
  private readonly differences: Difference[] = [];
  private readonly activityIds = new Set<string>();
  private version = 0;

  constructor(
    private readonly client: Client,
    private readonly options: VerifyOptions,
  ) {}

  async run(): Promise<VerifyResult> {
    const name = this.options.name ?? 'ledger';
    const { rows } = await this.client.query<{
      version: number;
      commit_pos: string | null;
      prepare_pos: string | null;
    }>(
      `SELECT v.current_version AS version, c.commit_pos, c.prepare_pos FROM read_model_versions v
         LEFT JOIN projection_checkpoints c ON c.projection = v.name AND c.version = v.current_version WHERE v.name = $1`,
      [name],
    );
    if (!rows[0]) throw new Error(`read model ${name} has no row in read_model_versions; run the migrations`);
    this.version = rows[0].version;
    const { commit_pos: commit, prepare_pos: prepare } = rows[0];
    const target =
      !commit || (commit === '0' && prepare === '0')
        ? 'start'
        : { commit: BigInt(commit), prepare: BigInt(prepare as string) };
    const events = await this.foldEvents(target);
    for (const kind of ['bucket', 'topup', 'adjustment'] as const) await this.compareTable(kind);
    await this.findUnexpectedActivity();
    return { version: this.version, checkpoint: target, events, differences: this.differences };
  }

  private async foldEvents(target: Position | 'start'): Promise<number> {
    const started = Date.now();
    let position: Position | 'start' = 'start';
    let events = 0;
    while (!atOrPast(position, target)) {
      const read = await this.options.store.readAll(position, this.options.batchSize ?? 5000);
      const batch = read.filter((e) => atOrPast(target, e.position));
      if (batch.length === 0) break;
      const activity = batch.map((e) => this.expected.apply(e)).filter((row): row is ExpectedRow => row !== undefined);
      await this.compareActivity(activity);
      events += batch.length;
      position = batch[batch.length - 1].position;
      this.options.onProgress?.({ events, position, target, elapsedMs: Date.now() - started });
    }
    return events;
  }

  private async compareActivity(expected: ExpectedRow[]): Promise<void> {
    const { rows } = await this.client.query<DbRow>(
      `SELECT id, bucket_id, revision, doc, occurred_at AS created_at, commit_pos, prepare_pos
         FROM rm_balance_activity WHERE model_version = $1 AND id = ANY($2::text[])`,
      [this.version, expected.map((row) => row.id)],
    );
    const actual = new Map(rows.map((r) => [r.id, fromDb(r)]));
    for (const row of expected) {
      this.activityIds.add(row.id);
      const found = actual.get(row.id);
      this.differences.push(...(found ? rowDifferences('activity', row, found) : [missingRow('activity', row.id)]));
    }
  }

  /** Keyset pages in id order; what is left unmatched in the expected map is missing. */
  private async compareTable(kind: keyof typeof TABLES): Promise<void> {
    const { table, columns } = TABLES[kind];
    const expected = {
      bucket: this.expected.buckets,
      topup: this.expected.topups,
      adjustment: this.expected.adjustments,
    }[kind];
    const unmatched = new Set(expected.keys());
    for (let after = ''; ;) {
      const { rows } = await this.client.query<DbRow>(
        `SELECT ${columns} FROM ${table} WHERE model_version = $1 AND id > $2 ORDER BY id LIMIT $3`,
        [this.version, after, this.options.pageSize ?? 10_000],
      );
      for (const row of rows.map(fromDb)) {
        const want = expected.get(row.id);
        unmatched.delete(row.id);
        this.differences.push(...(want ? rowDifferences(kind, want, row) : [unexpectedRow(kind, row.id)]));
      }
      if (rows.length === 0) break;
      after = rows[rows.length - 1].id;
    }
    for (const id of [...unmatched].sort()) this.differences.push(missingRow(kind, id));
  }

  /** Activity rows were matched by event id; only when the count says so is the table scanned for strays. */
  private async findUnexpectedActivity(): Promise<void> {
    const {
      rows: [{ n }],
    } = await this.client.query<{ n: string }>(
      'SELECT count(*) AS n FROM rm_balance_activity WHERE model_version = $1',
      [this.version],
    );
    const missing = this.differences.filter((d) => d.kind === 'activity' && d.path === '(row)').length;
    if (Number(n) === this.activityIds.size - missing) return;
    for (let after = ''; ;) {
      const { rows } = await this.client.query<{ id: string }>(
        'SELECT id FROM rm_balance_activity WHERE model_version = $1 AND id > $2 ORDER BY id LIMIT $3',
        [this.version, after, this.options.pageSize ?? 10_000],
      );
      for (const { id } of rows) if (!this.activityIds.has(id)) this.differences.push(unexpectedRow('activity', id));
      if (rows.length === 0) break;
      after = rows[rows.length - 1].id;
    }
  }
}
