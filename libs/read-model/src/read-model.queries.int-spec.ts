import { createTestDatabase, TestDatabase } from '@ledger/testing';
import { DEFAULT_COUNT_CAP, listStatements, ReadModelQueries, ResourceKind } from './read-model.queries';

/**
 * The list endpoints' cost is bounded: each default page is read from an index in list order (no
 * sort of every match), and the count stops at the cap. Checked with EXPLAIN on the exact SQL
 * `list` runs, over enough rows that the planner prefers a sort when no index fits.
 */

jest.setTimeout(120_000);

const ROWS = 20_000;

interface PlanNode {
  'Node Type': string;
  'Index Name'?: string;
  Plans?: PlanNode[];
}

function nodes(plan: PlanNode): PlanNode[] {
  return [plan, ...(plan.Plans ?? []).flatMap(nodes)];
}

/** Rows of one version with distinct, unordered times; every tenth bucket deleted. */
const FILL: Record<ResourceKind, string> = {
  bucket: `INSERT INTO rm_buckets (model_version, id, revision, doc, deleted, created_at, updated_at)
    SELECT 1, 'b-' || g, 0, jsonb_build_object('id', 'b-' || g), g % 10 = 0,
           now() - (((g * 7919) % ${ROWS}) || ' seconds')::interval, now()
    FROM generate_series(1, ${ROWS}) g`,
  topup: `INSERT INTO rm_topups (model_version, id, bucket_id, revision, doc, created_at)
    SELECT 1, 't-' || g, 'b-1', g, jsonb_build_object('id', 't-' || g), now() - (((g * 7919) % ${ROWS}) || ' s')::interval
    FROM generate_series(1, ${ROWS}) g`,
  adjustment: `INSERT INTO rm_adjustments (model_version, id, bucket_id, revision, doc, created_at)
    SELECT 1, 'a-' || g, 'b-1', g, jsonb_build_object('id', 'a-' || g), now() - (((g * 7919) % ${ROWS}) || ' s')::interval
    FROM generate_series(1, ${ROWS}) g`,
  activity: `INSERT INTO rm_balance_activity (model_version, id, bucket_id, revision, doc, occurred_at, commit_pos, prepare_pos)
    SELECT 1, 'e-' || g, 'b-1', g, jsonb_build_object('id', 'e-' || g), now(), (g * 7919) % ${ROWS}, g
    FROM generate_series(1, ${ROWS}) g`,
  transfer: `INSERT INTO rm_transfers (model_version, id, revision, status, doc, created_at, updated_at)
    SELECT 1, 'x-' || g, g, 'completed', jsonb_build_object('id', 'x-' || g),
           now() - (((g * 7919) % ${ROWS}) || ' s')::interval, now()
    FROM generate_series(1, ${ROWS}) g`,
};

const INDEX: Record<ResourceKind, string> = {
  bucket: 'rm_buckets_created',
  topup: 'rm_topups_created',
  adjustment: 'rm_adjustments_created',
  activity: 'rm_balance_activity_order',
  transfer: 'rm_transfers_created',
};

describe('read-model lists at scale', () => {
  let db: TestDatabase;
  let queries: ReadModelQueries;

  async function planOf(kind: ResourceKind): Promise<PlanNode[]> {
    const { page } = listStatements(kind, { filters: [], offset: 0, limit: 100 });
    const { rows } = await db.pool.query<{ 'QUERY PLAN': [{ Plan: PlanNode }] }>(
      `EXPLAIN (FORMAT JSON) ${page.text}`,
      page.values,
    );
    return nodes(rows[0]['QUERY PLAN'][0].Plan);
  }

  beforeAll(async () => {
    db = await createTestDatabase();
    for (const sql of Object.values(FILL)) await db.pool.query(sql);
    await db.pool.query('ANALYZE rm_buckets, rm_topups, rm_adjustments, rm_balance_activity, rm_transfers');
    queries = new ReadModelQueries(db.pool);
  });
  afterAll(() => db.drop());

  it.each(Object.keys(INDEX) as ResourceKind[])(
    'serves the default %s page from its index, without a sort',
    async (kind) => {
      const plan = await planOf(kind);
      expect(plan.map((n) => n['Index Name']).filter(Boolean)).toContain(INDEX[kind]);
      expect(plan.map((n) => n['Node Type'])).not.toContain('Sort');
    },
  );

  it('sorts every bucket without migration 0005 (the check above can fail)', async () => {
    const client = await db.pool.connect();
    try {
      await client.query('BEGIN');
      await client.query('DROP INDEX rm_buckets_created');
      const { page } = listStatements('bucket', { filters: [], offset: 0, limit: 100 });
      const { rows } = await client.query(`EXPLAIN (FORMAT JSON) ${page.text}`, page.values);
      expect(nodes(rows[0]['QUERY PLAN'][0].Plan).map((n) => n['Node Type'])).toContain('Sort');
    } finally {
      await client.query('ROLLBACK');
      client.release();
    }
  });

  it('pages in list order: oldest bucket first, latest activity first', async () => {
    const buckets = await queries.list<{ id: string }>('bucket', { filters: [], offset: 0, limit: 3 });
    const { rows } = await db.pool.query<{ id: string }>(
      'SELECT id FROM rm_buckets WHERE NOT deleted ORDER BY created_at, id LIMIT 3',
    );
    expect(buckets.items.map((b) => b.id)).toEqual(rows.map((r) => r.id));
    const activity = await queries.list<{ id: string }>('activity', { filters: [], offset: 0, limit: 1 });
    const latest = await db.pool.query<{ id: string }>(
      'SELECT id FROM rm_balance_activity ORDER BY commit_pos DESC, prepare_pos DESC LIMIT 1',
    );
    expect(activity.items[0].id).toBe(latest.rows[0].id);
  });

  it(`counts exactly up to ${DEFAULT_COUNT_CAP.toLocaleString('en')} matches and reports the cap beyond`, async () => {
    const capped = await queries.list('bucket', { filters: [], offset: 0, limit: 1 });
    expect({ total: capped.total, totalCapped: capped.totalCapped }).toEqual({
      total: DEFAULT_COUNT_CAP,
      totalCapped: true,
    });
    const exact = await queries.list('bucket', { filters: [], offset: 0, limit: 1, countCap: ROWS });
    expect({ total: exact.total, totalCapped: exact.totalCapped }).toEqual({ total: ROWS * 0.9, totalCapped: false });
  });
});
