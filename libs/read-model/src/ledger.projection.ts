import type { Client } from 'pg';
import type { RecordedEvent } from '@ledger/event-store';
import { Doc, foldEvent } from './views/ledger-views';
import { OutboxMessage, outboxMessages } from './outbox-messages';
import type { Projection, ProjectionContext } from './projection-runner';

interface Row { id: string; revision: bigint; doc: Doc; deleted: boolean; createdAt: string; updatedAt: string }

export interface LedgerProjectionOptions {
  topics: { bucketState: string; balanceEvents: string };
  /** Base of the absolute `href` carried in published bucket state. */
  hrefBase: string;
}

/**
 * Folds bucket streams into the v2 read model and writes one bucket-state and one balance-event
 * outbox message per event. Per batch: one read of the touched buckets and topups, then one
 * multi-row write per table. Every write is guarded by revision, so a replayed event changes
 * nothing and emits nothing.
 */
export class LedgerProjection implements Projection {
  readonly name = 'ledger';

  constructor(private readonly options: LedgerProjectionOptions) {}

  async apply(events: RecordedEvent[], ctx: ProjectionContext): Promise<void> {
    const buckets = await this.loadBuckets(ctx, events);
    const topups = await this.loadDocs(ctx, 'rm_topups', events.map((e) => (e.data as { topupId?: string }).topupId));
    const changed = { topups: new Map<string, Row>(), adjustments: new Map<string, Row>(), activity: [] as Row[] };
    const outbox: OutboxMessage[] = [];
    const touched = new Set<string>();
    for (const event of events) {
      const bucketId = (event.data as { bucketId: string }).bucketId;
      const current = buckets.get(bucketId);
      if (current && current.revision >= event.revision) continue;
      const topupId = (event.data as { topupId?: string }).topupId;
      const change = foldEvent(current?.doc, event, topupId ? topups.get(topupId)?.doc : undefined);
      const at = event.metadata.recordedAt;
      const row = (id: string, doc: Doc, deleted = false): Row => ({ id, revision: event.revision, doc, deleted, createdAt: at, updatedAt: at });
      if (change.bucket) {
        buckets.set(bucketId, { ...row(bucketId, change.bucket.doc, change.bucket.deleted), createdAt: current?.createdAt ?? at });
        touched.add(bucketId);
      }
      if (change.topup) {
        const topup = { ...row(change.topup.id, change.topup.doc), createdAt: topups.get(change.topup.id)?.createdAt ?? at };
        topups.set(change.topup.id, topup);
        changed.topups.set(change.topup.id, topup);
      }
      if (change.adjustment) changed.adjustments.set(change.adjustment.id, row(change.adjustment.id, change.adjustment.doc));
      changed.activity.push({ ...row(event.id, change.activity), createdAt: at });
      if (ctx.publish(event)) outbox.push(...outboxMessages(event, buckets.get(bucketId), change.activity, this.options));
    }
    await this.upsertBuckets(ctx, [...touched].map((id) => buckets.get(id) as Row));
    await this.upsertActions(ctx, 'rm_topups', [...changed.topups.values()]);
    await this.upsertActions(ctx, 'rm_adjustments', [...changed.adjustments.values()]);
    await this.insertActivity(ctx, events, changed.activity);
    await insertOutbox(ctx.client, outbox);
  }

  private async loadBuckets(ctx: ProjectionContext, events: RecordedEvent[]): Promise<Map<string, Row>> {
    const ids = [...new Set(events.map((e) => (e.data as { bucketId: string }).bucketId))];
    const { rows } = await ctx.client.query<{ id: string; revision: string; doc: Doc; deleted: boolean; created_at: Date; updated_at: Date }>(
      'SELECT id, revision, doc, deleted, created_at, updated_at FROM rm_buckets WHERE model_version = $1 AND id = ANY($2)',
      [ctx.modelVersion, ids],
    );
    return new Map(rows.map((r) => [r.id, { id: r.id, revision: BigInt(r.revision), doc: r.doc, deleted: r.deleted,
      createdAt: r.created_at.toISOString(), updatedAt: r.updated_at.toISOString() }]));
  }

  private async loadDocs(ctx: ProjectionContext, table: string, ids: (string | undefined)[]): Promise<Map<string, Row>> {
    const wanted = [...new Set(ids.filter((id): id is string => id !== undefined))];
    if (wanted.length === 0) return new Map();
    const { rows } = await ctx.client.query<{ id: string; revision: string; doc: Doc; created_at: Date }>(
      `SELECT id, revision, doc, created_at FROM ${table} WHERE model_version = $1 AND id = ANY($2)`,
      [ctx.modelVersion, wanted],
    );
    return new Map(rows.map((r) => [r.id, { id: r.id, revision: BigInt(r.revision), doc: r.doc, deleted: false,
      createdAt: r.created_at.toISOString(), updatedAt: r.created_at.toISOString() }]));
  }

  private async upsertBuckets(ctx: ProjectionContext, rows: Row[]): Promise<void> {
    if (rows.length === 0) return;
    await ctx.client.query(
      `INSERT INTO rm_buckets (model_version, id, revision, doc, deleted, created_at, updated_at)
       SELECT $1, * FROM unnest($2::text[], $3::bigint[], $4::jsonb[], $5::boolean[], $6::timestamptz[], $7::timestamptz[])
       ON CONFLICT (model_version, id) DO UPDATE
          SET revision = EXCLUDED.revision, doc = EXCLUDED.doc, deleted = EXCLUDED.deleted, updated_at = EXCLUDED.updated_at
        WHERE rm_buckets.revision < EXCLUDED.revision`,
      [ctx.modelVersion, rows.map((r) => r.id), rows.map((r) => r.revision.toString()), rows.map((r) => JSON.stringify(r.doc)),
        rows.map((r) => r.deleted), rows.map((r) => r.createdAt), rows.map((r) => r.updatedAt)],
    );
  }

  private async upsertActions(ctx: ProjectionContext, table: 'rm_topups' | 'rm_adjustments', rows: Row[]): Promise<void> {
    if (rows.length === 0) return;
    await ctx.client.query(
      `INSERT INTO ${table} (model_version, id, bucket_id, revision, doc, created_at)
       SELECT $1, * FROM unnest($2::text[], $3::text[], $4::bigint[], $5::jsonb[], $6::timestamptz[])
       ON CONFLICT (model_version, id) DO UPDATE SET revision = EXCLUDED.revision, doc = EXCLUDED.doc
        WHERE ${table}.revision < EXCLUDED.revision`,
      [ctx.modelVersion, rows.map((r) => r.id), rows.map((r) => (r.doc.bucket as { id: string }).id),
        rows.map((r) => r.revision.toString()), rows.map((r) => JSON.stringify(r.doc)), rows.map((r) => r.createdAt)],
    );
  }

  private async insertActivity(ctx: ProjectionContext, events: RecordedEvent[], rows: Row[]): Promise<void> {
    if (rows.length === 0) return;
    const byId = new Map(events.map((e) => [e.id, e]));
    await ctx.client.query(
      `INSERT INTO rm_balance_activity (model_version, id, bucket_id, revision, doc, occurred_at, commit_pos, prepare_pos)
       SELECT $1, * FROM unnest($2::text[], $3::text[], $4::bigint[], $5::jsonb[], $6::timestamptz[], $7::bigint[], $8::bigint[])
       ON CONFLICT (model_version, id) DO NOTHING`,
      [ctx.modelVersion, rows.map((r) => r.id), rows.map((r) => (r.doc.bucketBalance as { id: string }).id),
        rows.map((r) => r.revision.toString()), rows.map((r) => JSON.stringify(r.doc)), rows.map((r) => r.createdAt),
        rows.map((r) => byId.get(r.id)!.position.commit.toString()), rows.map((r) => byId.get(r.id)!.position.prepare.toString())],
    );
  }
}

async function insertOutbox(client: Client, messages: OutboxMessage[]): Promise<void> {
  if (messages.length === 0) return;
  // WITH ORDINALITY + ORDER BY: ids are drawn in the order the messages must reach Kafka.
  await client.query(
    `INSERT INTO outbox (topic, key, value, headers)
     SELECT topic, key, value, headers FROM unnest($1::text[], $2::text[], $3::text[], $4::jsonb[])
       WITH ORDINALITY AS m(topic, key, value, headers, n) ORDER BY n`,
    [messages.map((m) => m.topic), messages.map((m) => m.key), messages.map((m) => m.value), messages.map((m) => JSON.stringify(m.headers))],
  );
}
