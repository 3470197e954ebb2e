import { randomUUID } from 'node:crypto';
import type { Kafka } from 'kafkajs';
import type { Pool } from 'pg';
import {
  BucketCommand,
  BucketEvent,
  BucketState,
  bucketStream,
  decide,
  evolve,
  initialState,
  isDomainError,
  isLive,
  parseQuantity,
} from '@ledger/domain';
import type { EventStore, RecordedEvent } from '@ledger/event-store';
import { Doc, foldEvent } from '@ledger/ledger-projection';
import { sleep } from '../support/processes';

/**
 * Shared by the fault-injection specs: a workload of real bucket commands decided by the domain
 * and appended to the event store, a fresh in-memory fold of the store to compare the read model
 * with, and a reader of the Kafka topics that checks each bucket's published versions.
 */

// ---------------------------------------------------------------------------------------------
// Workload: valid commands for a set of buckets, decided with the domain and appended.
// ---------------------------------------------------------------------------------------------

interface BucketSlot {
  id: string;
  state: BucketState;
  /** Last revision appended; undefined until the stream exists. */
  revision: bigint | undefined;
  topups: number;
  adjustments: number;
}

/** 0.01 .. max as a two-decimal string ("12.34"): exercises exact decimal amounts. */
function cents(rng: () => number, max: number): string {
  const c = 1 + Math.floor(rng() * max * 100);
  return `${Math.floor(c / 100)}.${String(c % 100).padStart(2, '0')}`;
}

export class BucketWorkload {
  private readonly slots: BucketSlot[];
  appendedEvents = 0;
  appendedCommands = 0;
  refused = 0;

  constructor(
    private readonly store: EventStore,
    private readonly rng: () => number,
    bucketIds: string[],
  ) {
    this.slots = bucketIds.map((id) => ({ id, state: initialState(), revision: undefined, topups: 0, adjustments: 0 }));
  }

  get bucketIds(): string[] {
    return this.slots.map((s) => s.id);
  }

  /** Decides one random command on bucket `index` and appends its events. Returns how many. */
  async step(index: number): Promise<number> {
    const slot = this.slots[index];
    for (let attempt = 0; attempt < 5; attempt++) {
      const command = this.nextCommand(slot, attempt > 0);
      let events: BucketEvent[];
      try {
        events = decide(slot.state, command);
      } catch (error) {
        if (!isDomainError(error)) throw error;
        this.refused++;
        continue;
      }
      if (events.length === 0) continue;
      const result = await this.store.append(
        bucketStream(slot.id),
        events.map((e) => ({
          type: e.type,
          data: e.data as unknown as Record<string, unknown>,
          metadata: { correlationId: randomUUID() },
        })),
        slot.revision ?? 'no_stream',
      );
      slot.revision = result.nextRevision;
      slot.state = events.reduce(evolve, slot.state);
      this.appendedEvents += events.length;
      this.appendedCommands++;
      return events.length;
    }
    throw new Error(`no valid command found for bucket ${slot.id}`);
  }

  /** Opens every bucket that is not open yet. */
  async openAll(): Promise<void> {
    for (let i = 0; i < this.slots.length; i++) if (this.slots[i].revision === undefined) await this.step(i);
  }

  /**
   * Runs `workers` loops, each owning every workers-th bucket (one writer per stream, so expected
   * revisions never conflict), paced to about `eventsPerSecond` in total, until `stop()` is true or
   * `maxEvents` were appended.
   */
  async run(options: {
    workers: number;
    eventsPerSecond?: number;
    maxEvents: number;
    stop: () => boolean;
  }): Promise<void> {
    const { workers, eventsPerSecond, maxEvents, stop } = options;
    const started = Date.now();
    const startCount = this.appendedEvents;
    const loop = async (w: number) => {
      const mine = this.slots.map((_, i) => i).filter((i) => i % workers === w);
      while (!stop() && this.appendedEvents - startCount < maxEvents) {
        await this.step(mine[Math.floor(this.rng() * mine.length)]);
        if (eventsPerSecond !== undefined) {
          // Pacing, not waiting for a condition: keep the total rate near the target.
          const due = started + ((this.appendedEvents - startCount) / eventsPerSecond) * 1000;
          const ahead = due - Date.now();
          if (ahead > 0) await sleep(Math.min(ahead, 200));
        }
      }
    };
    await Promise.all(Array.from({ length: workers }, (_, w) => loop(w)));
  }

  private nextCommand(slot: BucketSlot, fallback: boolean): BucketCommand {
    const metadata = { now: new Date().toISOString() };
    const bucketId = slot.id;
    const state = slot.state;
    if (!isLive(state)) {
      return {
        type: 'OpenBucket',
        metadata,
        data: {
          bucketId,
          type: 'monetary',
          name: `fault bucket ${bucketId}`,
          product: [{ id: `prod-${bucketId}` }],
          partyAccount: { id: `acc-${bucketId}` },
          amount: parseQuantity({ amount: cents(this.rng, 200), units: 'EUR' }),
          validFor: { startDateTime: '2025-01-01T00:00:00Z', endDateTime: '2099-01-01T00:00:00Z' },
        },
      };
    }
    const r = fallback ? 0 : this.rng();
    const open = [...state.topups].filter(([, t]) => t.status !== 'cancelled').map(([id]) => id);
    if (r < 0.4 || (r >= 0.85 && open.length === 0)) {
      return {
        type: 'TopupBalance',
        metadata,
        data: {
          topupId: `${bucketId}-t${++slot.topups}`,
          bucketId,
          amount: parseQuantity({ amount: cents(this.rng, 50), units: 'EUR' }),
          type: 'voucher',
          channel: { id: 'web' },
        },
      };
    }
    if (r < 0.5) {
      return {
        type: 'TopupBalance',
        metadata,
        data: {
          topupId: `${bucketId}-t${++slot.topups}`,
          bucketId,
          status: 'in progress',
          amount: parseQuantity({ amount: cents(this.rng, 50), units: 'EUR' }),
        },
      };
    }
    if (r < 0.85) {
      const sign = this.rng() < 0.5 ? '-' : '';
      return {
        type: 'AdjustBalance',
        metadata,
        data: {
          adjustmentId: `${bucketId}-a${++slot.adjustments}`,
          bucketId,
          amount: parseQuantity({ amount: `${sign}${cents(this.rng, 20)}`, units: 'EUR' }),
          type: 'correction',
          reason: 'fault test',
        },
      };
    }
    const topupId = open[Math.floor(this.rng() * open.length)];
    return { type: 'CancelTopup', metadata, data: { bucketId, topupId } };
  }
}

/**
 * Position of the newest event appended, committed or not yet visible to readers. Not the store's
 * headPosition(): that one stops at the cluster-wide read horizon, so any transaction open anywhere
 * on the server (another test's, the projector's own) makes it lag behind the last append.
 * Call it once every append has returned.
 */
export async function lastAppendedPosition(pool: Pool): Promise<{ commit: bigint; prepare: bigint }> {
  const { rows } = await pool.query<{ c: string; p: string }>(
    'SELECT transaction_id::text AS c, global_position AS p FROM event_store.events ORDER BY transaction_id DESC, global_position DESC LIMIT 1',
  );
  if (rows.length === 0) throw new Error('the event store is empty');
  return { commit: BigInt(rows[0].c), prepare: BigInt(rows[0].p) };
}

/** The ledger projection's checkpoint (version 1) has reached `target`. Throws on overshoot. */
export async function checkpointAt(
  pool: Pool,
  target: { commit: bigint; prepare: bigint },
): Promise<{ reached: boolean; describe: string }> {
  const { rows } = await pool.query<{ commit_pos: string; prepare_pos: string; events: string }>(
    "SELECT commit_pos, prepare_pos, events FROM projection_checkpoints WHERE projection = 'ledger' AND version = 1",
  );
  const at = rows[0];
  const describe = `checkpoint ${at ? `${at.commit_pos}/${at.prepare_pos} (${at.events} events)` : 'none'}, last appended ${target.commit}/${target.prepare}`;
  return {
    reached: at !== undefined && BigInt(at.commit_pos) === target.commit && BigInt(at.prepare_pos) === target.prepare,
    describe,
  };
}

// ---------------------------------------------------------------------------------------------
// A fresh fold of the whole store, independent of anything the projector wrote.
// ---------------------------------------------------------------------------------------------

export interface FreshFold {
  events: RecordedEvent[];
  buckets: Map<string, { doc: Doc; deleted: boolean; revision: bigint }>;
  topups: Map<string, Doc>;
  adjustments: Map<string, Doc>;
  /** Per bucket id, the revision of its last event. */
  lastRevision: Map<string, number>;
  /** Per bucket id, its events in stream order (domain shape, for the domain's own fold). */
  streams: Map<string, BucketEvent[]>;
}

export async function readAllEvents(store: EventStore, batch = 5000): Promise<RecordedEvent[]> {
  const all: RecordedEvent[] = [];
  for (let guard = 0; guard < 10_000; guard++) {
    const next = await store.readAll(all.length === 0 ? 'start' : all[all.length - 1].position, batch);
    all.push(...next);
    if (next.length < batch) return all;
  }
  throw new Error('readAll did not end');
}

export function freshFold(events: RecordedEvent[]): FreshFold {
  const fold: FreshFold = {
    events,
    buckets: new Map(),
    topups: new Map(),
    adjustments: new Map(),
    lastRevision: new Map(),
    streams: new Map(),
  };
  for (const event of events) {
    const { bucketId, topupId } = event.data as { bucketId: string; topupId?: string };
    const current = fold.buckets.get(bucketId);
    const change = foldEvent(current?.doc, event, topupId ? fold.topups.get(topupId) : undefined);
    if (change.bucket)
      fold.buckets.set(bucketId, { doc: change.bucket.doc, deleted: change.bucket.deleted, revision: event.revision });
    if (change.topup) fold.topups.set(change.topup.id, change.topup.doc);
    if (change.adjustment) fold.adjustments.set(change.adjustment.id, change.adjustment.doc);
    fold.lastRevision.set(bucketId, Number(event.revision));
    const stream = fold.streams.get(bucketId) ?? [];
    stream.push({ type: event.type, data: event.data } as unknown as BucketEvent);
    fold.streams.set(bucketId, stream);
  }
  return fold;
}

// ---------------------------------------------------------------------------------------------
// Kafka: read a topic from the beginning and check each key's versions.
// ---------------------------------------------------------------------------------------------

export interface ReceivedMessage {
  key: string;
  partition: number;
  offset: string;
  /** The `version` header. */
  headerVersion: number;
  /** `version` inside the JSON value; undefined for a tombstone. */
  valueVersion: number | undefined;
  eventId: string;
  value: Record<string, unknown> | null;
}

/**
 * Consumes `topic` from the beginning with a fresh group until `complete(messages)` holds or the
 * deadline passes; returns what arrived either way, so the assertions can say what is missing.
 */
export async function readTopic(
  kafka: Kafka,
  topic: string,
  complete: (byKey: Map<string, ReceivedMessage[]>) => boolean,
  timeoutMs: number,
): Promise<{ byKey: Map<string, ReceivedMessage[]>; total: number; completed: boolean }> {
  const consumer = kafka.consumer({ groupId: `fault-reader-${randomUUID()}`, maxWaitTimeInMs: 200 });
  const byKey = new Map<string, ReceivedMessage[]>();
  let total = 0;
  await consumer.connect();
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({
      eachBatchAutoResolve: true,
      eachBatch: async ({ batch }) => {
        for (const m of batch.messages) {
          const key = m.key?.toString() ?? '';
          const value = m.value === null ? null : (JSON.parse(m.value.toString()) as Record<string, unknown>);
          const list = byKey.get(key) ?? [];
          list.push({
            key,
            partition: batch.partition,
            offset: m.offset,
            headerVersion: Number(m.headers?.version?.toString()),
            valueVersion: value === null ? undefined : (value.version as number),
            eventId: m.headers?.['event-id']?.toString() ?? '',
            value,
          });
          byKey.set(key, list);
          total++;
        }
      },
    });
    const deadline = Date.now() + timeoutMs;
    let completed = complete(byKey);
    while (!completed && Date.now() < deadline) {
      await sleep(100);
      completed = complete(byKey);
    }
    return { byKey, total, completed };
  } finally {
    await consumer.disconnect().catch(() => undefined);
  }
}

/** True once every bucket in `lastRevision` has had each version 0..last at least once. */
export function allVersionsSeen(
  lastRevision: Map<string, number>,
  version: (m: ReceivedMessage) => number | undefined = (m) => m.headerVersion,
) {
  return (byKey: Map<string, ReceivedMessage[]>) => {
    for (const [bucketId, last] of lastRevision) {
      const seen = new Set((byKey.get(bucketId) ?? []).map(version));
      if (seen.size < last + 1) return false;
      for (let v = 0; v <= last; v++) if (!seen.has(v)) return false;
    }
    return true;
  };
}

export interface VersionReport {
  /** One line per violation; empty when every bucket is right. */
  problems: string[];
  messages: number;
  duplicates: number;
  /** Buckets where a message arrived after a higher version (always a re-delivery when no problem). */
  redeliveredBuckets: number;
}

/**
 * The per-bucket contract a consumer relies on: dropping every message whose version it has seen
 * already, it gets versions 0, 1, ..., last in exactly that order. Said message by message: the
 * first occurrences of the versions appear in increasing order, every version 0..last appears,
 * nothing beyond `last` appears, and a message whose version is lower than one already seen is
 * always a re-delivery of a version seen before (never a first delivery arriving late).
 */
export function checkVersions(
  byKey: Map<string, ReceivedMessage[]>,
  lastRevision: Map<string, number>,
  label: string,
): VersionReport {
  const problems: string[] = [];
  let messages = 0;
  let duplicates = 0;
  let redeliveredBuckets = 0;
  for (const key of byKey.keys()) {
    if (!lastRevision.has(key)) problems.push(`${label}: messages for unknown key ${key}`);
  }
  for (const [bucketId, last] of lastRevision) {
    const received = byKey.get(bucketId) ?? [];
    messages += received.length;
    const seen = new Set<number>();
    const firsts: number[] = [];
    let highest = -1;
    let redelivered = false;
    const partitions = new Set(received.map((m) => m.partition));
    if (partitions.size > 1)
      problems.push(`${label}: ${bucketId}: spread over partitions ${[...partitions].join(',')}`);
    for (const m of received) {
      const v = m.headerVersion;
      if (m.valueVersion !== undefined && m.valueVersion !== v) {
        problems.push(
          `${label}: ${bucketId} offset ${m.offset}: header version ${v} but value version ${m.valueVersion}`,
        );
      }
      if (seen.has(v)) {
        duplicates++;
        if (v < highest) redelivered = true;
        continue;
      }
      if (v < highest) problems.push(`${label}: ${bucketId}: version ${v} first arrived after version ${highest}`);
      seen.add(v);
      firsts.push(v);
      highest = Math.max(highest, v);
    }
    if (redelivered) redeliveredBuckets++;
    const missing: number[] = [];
    for (let v = 0; v <= last; v++) if (!seen.has(v)) missing.push(v);
    if (missing.length > 0)
      problems.push(`${label}: ${bucketId}: versions missing ${summarise(missing)} (last revision ${last})`);
    const beyond = firsts.filter((v) => v > last || v < 0);
    if (beyond.length > 0) problems.push(`${label}: ${bucketId}: versions outside 0..${last}: ${summarise(beyond)}`);
    const expected = Array.from({ length: last + 1 }, (_, i) => i);
    if (missing.length === 0 && beyond.length === 0 && firsts.join(',') !== expected.join(',')) {
      problems.push(`${label}: ${bucketId}: first occurrences not in order: ${summarise(firsts)}`);
    }
  }
  return { problems, messages, duplicates, redeliveredBuckets };
}

function summarise(values: number[]): string {
  return values.length > 20 ? `${values.slice(0, 20).join(',')}… (${values.length})` : values.join(',');
}

/**
 * A redelivery is harmless only if it is the same message again: a consumer that drops versions
 * it has seen keeps whichever copy came first. One line per copy whose event id or value differs
 * from the first delivery of its version.
 */
export function redeliveryDiscrepancies(byKey: Map<string, ReceivedMessage[]>): string[] {
  const problems: string[] = [];
  for (const [key, messages] of byKey) {
    const first = new Map<number, ReceivedMessage>();
    for (const m of messages) {
      const earlier = first.get(m.headerVersion);
      if (!earlier) first.set(m.headerVersion, m);
      else if (earlier.eventId !== m.eventId || JSON.stringify(earlier.value) !== JSON.stringify(m.value))
        problems.push(
          `${key} v${m.headerVersion}: offset ${m.offset} differs from the first copy at offset ${earlier.offset}`,
        );
    }
  }
  return problems;
}

/** How many times each (key, version) arrived. */
export function deliveryCounts(byKey: Map<string, ReceivedMessage[]>): Map<string, number> {
  const counts = new Map<string, number>();
  for (const [key, messages] of byKey)
    for (const m of messages)
      counts.set(`${key}@${m.headerVersion}`, (counts.get(`${key}@${m.headerVersion}`) ?? 0) + 1);
  return counts;
}

/**
 * A `readTopic` condition: true once the consumer has read up to the end each partition had when
 * this was called. Once the outbox is drained everything is on the broker already, so this ends
 * the read even when versions are missing (allVersionsSeen would wait out its deadline then).
 */
export async function endOfTopic(
  kafka: Kafka,
  topic: string,
): Promise<(byKey: Map<string, ReceivedMessage[]>) => boolean> {
  const admin = kafka.admin();
  await admin.connect();
  let ends: Map<number, bigint>;
  try {
    ends = new Map((await admin.fetchTopicOffsets(topic)).map((p) => [p.partition, BigInt(p.high)]));
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
  return (byKey) => {
    const read = new Map<number, bigint>();
    for (const messages of byKey.values())
      for (const m of messages)
        read.set(
          m.partition,
          BigInt(m.offset) + 1n > (read.get(m.partition) ?? 0n) ? BigInt(m.offset) + 1n : read.get(m.partition)!,
        );
    return [...ends].every(([partition, high]) => high === 0n || (read.get(partition) ?? 0n) >= high);
  };
}
