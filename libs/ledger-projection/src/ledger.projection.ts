import { LRUCache } from 'lru-cache';
import { type TransferEvent, isTransferEvent } from '@ledger/domain';
import type { RecordedEvent } from '@ledger/event-store';
import { type OutboxEntry, outboxEntry } from '@ledger/outbox';
import type { Projection, ProjectionContext, ProjectionWrite } from '@ledger/projection';
import { Doc, foldEvent } from './ledger-views';
import { foldTransferDoc } from './transfer-views';

/** Every versioned table of the ledger read model; a version's rows are those with its model_version. */
export const READ_MODEL_TABLES = [
  'rm_buckets',
  'rm_topups',
  'rm_adjustments',
  'rm_balance_activity',
  'rm_transfers',
] as const;

interface Row {
  id: string;
  revision: bigint;
  doc: Doc;
  deleted: boolean;
  createdAt: string;
  updatedAt: string;
}

export interface LedgerProjectionOptions {
  topics: { bucketState: string; balanceEvents: string };
  /** Base of the absolute `href` carried in published bucket state. */
  hrefBase: string;
  /** Bucket and topup rows kept between batches (each; default 100,000). */
  cacheSize?: number;
}

/** The rows a batch writes, as ledger_project_batch (migrations/0003) reads them. */
interface BatchRows {
  buckets: object[];
  topups: object[];
  adjustments: object[];
  activity: object[];
  outbox: (OutboxEntry & { commit_pos: string; prepare_pos: string })[];
}

/** Rows written by earlier (committed) batches of this runner. */
interface Memory {
  buckets: LRUCache<string, Row>;
  topups: LRUCache<string, Row>;
}

/**
 * Folds bucket streams into the v2 read model and writes one outbox row (two messages) per event.
 * The runner holds this version's lock, so nobody else writes its rows: the bucket and topup rows
 * of earlier batches are kept in the runner's memory and read back only on a miss. A batch is one
 * call of ledger_project_batch. Every write is guarded by revision, so a replayed event changes
 * nothing and emits nothing.
 * The SQL that writes a batch, ledger_project_batch, lives in migrations/0003_one-statement-batches.sql.
 */
export class LedgerProjection implements Projection {
  readonly name = 'ledger';

  constructor(private readonly options: LedgerProjectionOptions) {}

  /**
   * Transfer streams are folded into rm_transfers and the bucket streams as before; both go in one
   * call (the 13-argument ledger_project_batch of migrations/0008, which wraps 0003's), so the
   * checkpoint and every row still commit together.
   */
  async apply(all: RecordedEvent[], ctx: ProjectionContext): Promise<ProjectionWrite> {
    const events = all.filter((e) => !isTransferEvent(e));
    const transfers = await this.transferRows(
      all.filter((e) => isTransferEvent(e)),
      ctx,
    );
    const write = await this.applyBuckets(events, ctx);
    return { fn: 'ledger_project_batch', args: [...write.args, JSON.stringify(transfers)] };
  }

  /** The rows of the transfers the batch touches, each folded from its row (if any) and its events. */
  private async transferRows(events: RecordedEvent[], ctx: ProjectionContext): Promise<object[]> {
    if (events.length === 0) return [];
    const idOf = (e: RecordedEvent) => (e.data as { transferId: string }).transferId;
    const rows = await this.loadTransfers(ctx, existing(events, idOf, 'TransferRequested'));
    const touched = new Set<string>();
    for (const event of events) {
      const id = idOf(event);
      const current = rows.get(id);
      if (current && current.revision >= event.revision) continue;
      const doc = foldTransferDoc(current?.doc, { type: event.type, data: event.data } as TransferEvent);
      if (!doc) continue;
      const at = event.metadata.recordedAt;
      rows.set(id, {
        id,
        revision: event.revision,
        doc,
        deleted: false,
        createdAt: current?.createdAt ?? at,
        updatedAt: at,
      });
      touched.add(id);
    }
    return [...touched].map((id) => {
      const r = rows.get(id) as Row;
      return { id, revision: r.revision.toString(), doc: r.doc, createdAt: r.createdAt, updatedAt: r.updatedAt };
    });
  }

  private async loadTransfers(ctx: ProjectionContext, ids: string[]): Promise<Map<string, Row>> {
    const found = new Map<string, Row>();
    if (ids.length === 0) return found;
    const { rows } = await ctx.client.query<{
      id: string;
      revision: string;
      doc: Doc;
      created_at: Date;
      updated_at: Date;
    }>({
      name: 'ledger-projection/load-rm_transfers',
      text: 'SELECT id, revision, doc, created_at, updated_at FROM rm_transfers WHERE model_version = $1 AND id = ANY($2)',
      values: [ctx.modelVersion, ids],
    });
    for (const r of rows) {
      found.set(r.id, {
        id: r.id,
        revision: BigInt(r.revision),
        doc: r.doc,
        deleted: false,
        createdAt: r.created_at.toISOString(),
        updatedAt: r.updated_at.toISOString(),
      });
    }
    return found;
  }

  private async applyBuckets(events: RecordedEvent[], ctx: ProjectionContext): Promise<ProjectionWrite> {
    const memory = this.memoryOf(ctx);
    const bucketOf = (e: RecordedEvent) => (e.data as { bucketId: string }).bucketId;
    const buckets = await this.load(ctx, memory.buckets, 'rm_buckets', existing(events, bucketOf, 'BucketOpened'));
    // Events a bucket row has already seen are skipped below; the topups to read are those of the others.
    const fresh = events.filter((e) => !((buckets.get(bucketOf(e))?.revision ?? -1n) >= e.revision));
    const topups = await this.load(
      ctx,
      memory.topups,
      'rm_topups',
      existing(fresh, (e) => (e.data as { topupId?: string }).topupId, 'TopupRequested'),
    );
    const rows: BatchRows = { buckets: [], topups: [], adjustments: [], activity: [], outbox: [] };
    const touchedBuckets = new Set<string>();
    const touchedTopups = new Set<string>();
    for (const event of events) {
      const bucketId = (event.data as { bucketId: string }).bucketId;
      const current = buckets.get(bucketId);
      if (current && current.revision >= event.revision) continue;
      const topupId = (event.data as { topupId?: string }).topupId;
      const change = foldEvent(current?.doc, event, topupId ? topups.get(topupId)?.doc : undefined);
      const at = event.metadata.recordedAt;
      if (change.bucket) {
        buckets.set(bucketId, {
          id: bucketId,
          revision: event.revision,
          doc: change.bucket.doc,
          deleted: change.bucket.deleted,
          createdAt: current?.createdAt ?? at,
          updatedAt: at,
        });
        touchedBuckets.add(bucketId);
      }
      if (change.topup) {
        const createdAt = topups.get(change.topup.id)?.createdAt ?? at;
        topups.set(change.topup.id, {
          id: change.topup.id,
          revision: event.revision,
          doc: change.topup.doc,
          deleted: false,
          createdAt,
          updatedAt: at,
        });
        touchedTopups.add(change.topup.id);
      }
      // Adjustments are written once, when created; no later event changes one.
      if (change.adjustment) {
        rows.adjustments.push({
          id: change.adjustment.id,
          bucketId,
          revision: event.revision.toString(),
          doc: change.adjustment.doc,
          createdAt: at,
        });
      }
      const commitPos = event.position.commit.toString();
      const preparePos = event.position.prepare.toString();
      rows.activity.push({
        id: event.id,
        bucketId,
        revision: event.revision.toString(),
        doc: change.activity,
        occurredAt: at,
        commitPos,
        preparePos,
      });
      if (ctx.publish(event)) {
        rows.outbox.push({
          commit_pos: commitPos,
          prepare_pos: preparePos,
          ...outboxEntry(event, buckets.get(bucketId), change.activity, this.options.hrefBase),
        });
      }
    }
    for (const id of touchedBuckets) {
      const b = buckets.get(id) as Row;
      memory.buckets.set(id, b);
      rows.buckets.push({
        id,
        revision: b.revision.toString(),
        doc: b.doc,
        deleted: b.deleted,
        createdAt: b.createdAt,
        updatedAt: b.updatedAt,
      });
    }
    for (const id of touchedTopups) {
      const t = topups.get(id) as Row;
      memory.topups.set(id, t);
      rows.topups.push({
        id,
        bucketId: (t.doc.bucket as { id: string }).id,
        revision: t.revision.toString(),
        doc: t.doc,
        createdAt: t.createdAt,
      });
    }
    return {
      fn: 'ledger_project_batch',
      args: [
        JSON.stringify(rows.buckets),
        JSON.stringify(rows.topups),
        JSON.stringify(rows.adjustments),
        JSON.stringify(rows.activity),
        JSON.stringify(rows.outbox),
      ],
    };
  }

  private memoryOf(ctx: ProjectionContext): Memory {
    let memory = ctx.memory.get(this.name) as Memory | undefined;
    if (!memory) {
      const max = Math.max(1, this.options.cacheSize ?? 100_000);
      memory = { buckets: new LRUCache({ max }), topups: new LRUCache({ max }) };
      ctx.memory.set(this.name, memory);
    }
    return memory;
  }

  /**
   * The rows the batch builds on, from memory or else from the table (one query for all misses),
   * in a map of the batch's own that it then extends: memory may evict, the batch must not forget.
   */
  private async load(
    ctx: ProjectionContext,
    cache: LRUCache<string, Row>,
    table: 'rm_buckets' | 'rm_topups',
    ids: string[],
  ): Promise<Map<string, Row>> {
    const found = new Map<string, Row>();
    const missing: string[] = [];
    for (const id of ids) {
      const row = cache.get(id);
      if (row) found.set(id, row);
      else missing.push(id);
    }
    if (missing.length === 0) return found;
    const deleted = table === 'rm_buckets' ? 'deleted, updated_at' : 'false AS deleted, created_at AS updated_at';
    const { rows } = await ctx.client.query<{
      id: string;
      revision: string;
      doc: Doc;
      deleted: boolean;
      created_at: Date;
      updated_at: Date;
    }>({
      name: `ledger-projection/load-${table}`,
      text: `SELECT id, revision, doc, ${deleted}, created_at FROM ${table} WHERE model_version = $1 AND id = ANY($2)`,
      values: [ctx.modelVersion, missing],
    });
    for (const r of rows) {
      found.set(r.id, {
        id: r.id,
        revision: BigInt(r.revision),
        doc: r.doc,
        deleted: r.deleted,
        createdAt: r.created_at.toISOString(),
        updatedAt: r.updated_at.toISOString(),
      });
    }
    return found;
  }
}

/**
 * The ids (by `key`) of rows the batch builds on: all but those whose first event in the batch
 * creates the row, which cannot exist yet. (Should such an event be delivered again, it is
 * folded as new and then changes nothing: each upsert keeps the newer revision, and
 * ledger_project_batch writes outbox rows only for events whose activity row is new.) Reading
 * those back would cost a query per batch that returns nothing and, in a pipelined catch-up,
 * waits for the batch before it.
 */
function existing(events: RecordedEvent[], key: (e: RecordedEvent) => string | undefined, creator: string): string[] {
  const first = new Map<string, string>();
  for (const event of events) {
    const id = key(event);
    if (id !== undefined && !first.has(id)) first.set(id, event.type);
  }
  return [...first].filter(([, type]) => type !== creator).map(([id]) => id);
}
