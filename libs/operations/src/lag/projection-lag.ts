import type { Pool } from 'pg';
import { type EventStore, type Position, PostgresEventStore, START } from '@ledger/event-store';
import { OUTBOX_RELAY_LOCK_KEY } from '@ledger/outbox';
import { projectionLockKey } from '@ledger/projection';
import { ReadModelQueries } from '@ledger/read-model';
import {
  type LockHolder,
  countEventsAfter,
  loadCheckpoint,
  lockHolders,
  oldestWriteTransactionSeconds,
  outboxBacklog,
} from './lag-queries';

/** Counts stop here: past it the exact number changes no decision, and counting would cost a scan. */
export const LAG_COUNT_CAP = 100_000;
/** Adapters without a cheap count read one batch of events instead, so they count only this far. */
const GENERIC_COUNT_CAP = 1_000;

export interface LagPosition {
  commit: string;
  prepare: string;
}

/**
 * Where the serving read model's projection stands against the event store and Kafka. Counts
 * marked capped are lower bounds ("at least"). Numbers stay numbers so monitors can compare them.
 */
export interface ProjectionLag {
  projection: string;
  modelVersion: number;
  /** null: nothing projected yet. */
  checkpoint: LagPosition | null;
  checkpointUpdatedAt: string | null;
  /** null: the store is empty. */
  head: LagPosition | null;
  eventsBehind: number;
  eventsBehindCapped: boolean;
  /** Age of the oldest event not yet projected; 0 when caught up. */
  secondsBehind: number;
  outboxBacklog: number;
  outboxBacklogCapped: boolean;
  /** 0 when the outbox is empty. */
  oldestOutboxAgeSeconds: number;
  /**
   * PostgreSQL store only (null otherwise): age of the oldest transaction holding a transaction id
   * anywhere in the cluster. Events committed after it stay invisible to the projector until it
   * ends, so eventsBehind cannot see them: this is the number that shows that stall.
   */
  oldestWriteTransactionSeconds: number | null;
  locks: { projection: LockHolder; outboxRelay: LockHolder };
}

export interface ProjectionLagOptions {
  projection?: string;
  /** Default: the version the API serves (read_model_versions). */
  modelVersion?: number;
  countCap?: number;
  now?: () => Date;
}

const seconds = (value: number): number => Math.max(0, Math.round(value * 1000) / 1000);
const text = (position: Position | undefined): LagPosition | null =>
  position === undefined ? null : { commit: position.commit.toString(), prepare: position.prepare.toString() };

/**
 * Measures with a handful of bounded queries; safe to call on every health probe. `pool` reaches
 * the read-model database (and, with the PostgreSQL store, the event store: they share one).
 */
export async function measureProjectionLag(
  pool: Pool,
  store: EventStore,
  options: ProjectionLagOptions = {},
): Promise<ProjectionLag> {
  const projection = options.projection ?? 'ledger';
  const modelVersion = options.modelVersion ?? (await new ReadModelQueries(pool).servingVersion());
  const cap = options.countCap ?? LAG_COUNT_CAP;
  const stored = await loadCheckpoint(pool, projection, modelVersion);
  const from = stored?.position ?? 'start';
  const projectionKey = projectionLockKey(projection, modelVersion);
  const postgres = store instanceof PostgresEventStore;
  const [head, behind, [oldest], outbox, locks, writer] = await Promise.all([
    store.headPosition(),
    eventsBehind(pool, store, from, cap),
    store.readAll(from, 1),
    outboxBacklog(pool, cap + 1),
    lockHolders(pool, [projectionKey, OUTBOX_RELAY_LOCK_KEY]),
    postgres ? oldestWriteTransactionSeconds(pool) : Promise.resolve(null),
  ]);
  const now = (options.now?.() ?? new Date()).getTime();
  return {
    projection,
    modelVersion,
    checkpoint: text(stored?.position),
    checkpointUpdatedAt: stored?.updatedAt ?? null,
    head: text(head),
    ...behind,
    secondsBehind: oldest === undefined ? 0 : seconds((now - Date.parse(oldest.metadata.recordedAt)) / 1000),
    outboxBacklog: Math.min(outbox.backlog, cap),
    outboxBacklogCapped: outbox.backlog > cap,
    oldestOutboxAgeSeconds: seconds(outbox.oldestSeconds ?? 0),
    oldestWriteTransactionSeconds: writer === null ? null : seconds(writer),
    locks: { projection: locks.get(projectionKey)!, outboxRelay: locks.get(OUTBOX_RELAY_LOCK_KEY)! },
  };
}

async function eventsBehind(pool: Pool, store: EventStore, from: Position | 'start', cap: number) {
  if (store instanceof PostgresEventStore) {
    const counted = await countEventsAfter(pool, from === 'start' ? START : from, cap + 1);
    return { eventsBehind: Math.min(counted, cap), eventsBehindCapped: counted > cap };
  }
  const limit = Math.min(cap, GENERIC_COUNT_CAP);
  const batch = await store.readAll(from, limit + 1);
  return { eventsBehind: Math.min(batch.length, limit), eventsBehindCapped: batch.length > limit };
}
