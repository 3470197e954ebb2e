import { Logger } from '@nestjs/common';
import { Client } from 'pg';
import { type MessagePublisher, type OutgoingMessage, recordRejection } from '@ledger/kafka-publisher';
import { backoffDelay, cancellableDelay } from '@ledger/projection';
import { type OutboxBatch, splitByBytes } from './outbox-batches';
import type { OutboxRow } from './outbox-row';

/** Advisory-lock key of the single active relay (hashed with hashtextextended(key, 0)). */
export const OUTBOX_RELAY_LOCK_KEY = 'outbox-relay';

/** Half the broker's default message.max.bytes (1 MB): room for the record batch's own overhead. */
export const DEFAULT_RELAY_MAX_BATCH_BYTES = 512 * 1024;

export interface OutboxRelayOptions {
  /** A connection holding the relay's advisory lock: only one relay publishes at a time. */
  client: Client;
  publisher: MessagePublisher;
  /** The messages one outbox row stands for, in the order they must reach Kafka (entryMessages). */
  messages: (row: OutboxRow) => OutgoingMessage[];
  /** Rows per read (default 500). */
  batchSize?: number;
  /** Bytes of messages per publish call (default 512 KiB); a row larger than this goes alone. */
  maxBatchBytes?: number;
  /** Times the broker may refuse a row sent on its own before it is parked (default 3). */
  parkAfterAttempts?: number;
  /**
   * Runs before the first publish and again after every failure, until it succeeds: creates the
   * topics when missing, so the relay can start while the broker is down.
   */
  prepare?: () => Promise<void>;
  idleMs?: number;
  maxBackoffMs?: number;
  /** Called once when the lock connection is gone: the relay has stopped and must be restarted under a new lock. */
  onConnectionLost?: () => void;
}

export interface OutboxRelayStatus {
  running: boolean;
  /** Consecutive failed rounds (Kafka or PostgreSQL); 0 when the last one went through. */
  failures: number;
  lastError: string | undefined;
  /** Rows moved to outbox_parked by this relay since it started. */
  parked: number;
}

/** A row read with whether its bucket has a parked row already: then it must wait behind it. */
type ReadRow = OutboxRow & { behind_parked: boolean };

/**
 * Publishes outbox rows in id order (= the projector's commit order), deleting them only after
 * Kafka acknowledged them (with the next read, or on stop). A crash between the two republishes
 * the batch: at-least-once, in order, with duplicates that consumers drop by version. While Kafka
 * is down it retries the same rows with capped, jittered backoff, so nothing is lost or reordered.
 *
 * Each publish call carries at most `maxBatchBytes`, so a read of large bucket documents never
 * makes one request the broker must refuse. A row the broker still refuses for itself
 * (MESSAGE_TOO_LARGE and the like, see recordRejection) is retried alone, and after
 * `parkAfterAttempts` refusals moved to outbox_parked with the error, together with every later
 * row of its bucket: that bucket's messages stop at the version before it (no gap, no reordering)
 * while every other bucket keeps flowing, until `ledger-cli outbox retry-parked` puts them back.
 */
export class OutboxRelay {
  private readonly logger = new Logger('OutboxRelay');
  private running = false;
  private loop: Promise<void> | undefined;
  private failures = 0;
  private lastError: string | undefined;
  private prepared = false;
  private wait: { cancel: () => void } | undefined;
  /** Refusals of the row at the head of the outbox, sent alone (id → count). */
  private refusals = new Map<string, number>();
  /** Rows, and the messages they stood for, published since start. */
  published = 0;
  publishedMessages = 0;
  parked = 0;
  private lastPublishedId = '0';
  private notified = false;

  constructor(private readonly options: OutboxRelayOptions) {}

  start(): void {
    this.running = true;
    this.options.client.once('error', () => this.connectionLost());
    this.options.client.once('end', () => this.connectionLost());
    this.loop = this.run();
  }

  status(): OutboxRelayStatus {
    return { running: this.running, failures: this.failures, lastError: this.lastError, parked: this.parked };
  }

  private connectionLost(): void {
    if (!this.running) return;
    this.running = false;
    this.wait?.cancel();
    this.logger.warn('lost the outbox lock connection; stopping until the lock is taken again');
    const loop = this.loop ?? Promise.resolve();
    loop
      .then(() => this.options.onConnectionLost?.())
      .catch((error: unknown) => this.logger.error(`restarting the relay failed: ${String(error)}`));
  }

  /** Called when the projector committed new rows, to publish without waiting for the idle poll. */
  notify(): void {
    this.notified = true;
    this.wait?.cancel();
  }

  private async run(): Promise<void> {
    while (this.running) {
      let rows: ReadRow[] = [];
      this.notified = false;
      try {
        if (!this.prepared) await this.options.prepare?.();
        this.prepared = true;
        rows = await this.next();
        await this.publishAll(rows);
        this.failures = 0;
        this.lastError = undefined;
      } catch (error) {
        this.failures++;
        this.lastError = String(error);
        // Topics may be gone with a broker that lost its data: ensure them again before the retry.
        this.prepared = false;
        if (this.running)
          this.logger.warn(`publishing failed (attempt ${this.failures}), will retry: ${String(error)}`);
      }
      if (!this.running) break;
      if (this.failures > 0)
        await this.sleep(backoffDelay(this.failures, { baseMs: 100, maxMs: this.options.maxBackoffMs ?? 5000 }));
      // A notification that came while reading may be for rows that read could not see yet.
      else if (rows.length === 0 && !this.notified) await this.sleep(this.options.idleMs ?? 100);
    }
  }

  /**
   * One round trip: deletes what the last batch published (Kafka has acknowledged it) and reads
   * the next batch. It starts after the last id this relay published: an `ORDER BY id` from the
   * start would walk every deleted row still in the index (measured: 0.5 ms → 150 ms after 200k
   * deletes). Each row says whether its bucket has parked rows (an index probe per row).
   */
  private async next(): Promise<ReadRow[]> {
    const { rows } = await this.options.client.query<ReadRow>({
      name: 'outbox-relay/next',
      text: `WITH published AS (DELETE FROM outbox WHERE id <= $1)
             SELECT o.*, EXISTS (SELECT 1 FROM outbox_parked p WHERE p.bucket_id = o.bucket_id) AS behind_parked
               FROM outbox o WHERE o.id > $1 ORDER BY o.id LIMIT $2`,
      values: [this.lastPublishedId, this.options.batchSize ?? 500],
    });
    return rows;
  }

  /** Publishes the rows in order, chunk by chunk; rows of a bucket with a parked row are parked behind it. */
  private async publishAll(rows: ReadRow[]): Promise<void> {
    const blocked = new Set(rows.filter((r) => r.behind_parked).map((r) => r.bucket_id));
    let pending: OutboxRow[] = [];
    const flush = async () => {
      for (const batch of splitByBytes(pending, this.options.messages, this.maxBatchBytes)) {
        await this.publishBatch(batch, blocked);
      }
      pending = [];
    };
    for (const row of rows) {
      if (!blocked.has(row.bucket_id)) {
        pending.push(row);
        continue;
      }
      await flush();
      // A row published or parked above may have blocked this bucket meanwhile: ask again.
      if (blocked.has(row.bucket_id)) await this.park([row], 0, 'behind an earlier parked row of the same bucket');
      else pending.push(row);
    }
    await flush();
  }

  private async publishBatch(batch: OutboxBatch, blocked: Set<string>): Promise<void> {
    const rows = batch.rows.filter((r) => !blocked.has(r.bucket_id));
    if (rows.length < batch.rows.length) {
      for (const row of batch.rows) await this.publishRows([row], blocked);
      return;
    }
    await this.publishRows(rows, blocked);
  }

  private async publishRows(rows: OutboxRow[], blocked: Set<string>): Promise<void> {
    if (rows.length === 1 && blocked.has(rows[0].bucket_id)) {
      await this.park(rows, 0, 'behind an earlier parked row of the same bucket');
      return;
    }
    // A row refused before goes alone at once: a batch around it would fail again, after its other
    // partitions took their messages (re-deliveries, harmless but useless).
    if (rows.length > 1 && rows.some((r) => this.refusals.has(r.id))) {
      for (const row of rows) await this.publishRows([row], blocked);
      return;
    }
    const messages = rows.flatMap((row) => this.options.messages(row));
    try {
      await this.options.publisher.publish(messages);
    } catch (error) {
      const rejection = recordRejection(error);
      if (rejection === undefined) throw error;
      // Refused for what it carries: find which row, by sending them one by one.
      if (rows.length > 1) {
        for (const row of rows) await this.publishRows([row], blocked);
        return;
      }
      await this.refused(rows[0], rejection, error, blocked);
      return;
    }
    this.acknowledged(rows, messages.length);
  }

  private async refused(row: OutboxRow, rejection: string, error: unknown, blocked: Set<string>): Promise<void> {
    const attempts = (this.refusals.get(row.id) ?? 0) + 1;
    this.refusals = new Map([[row.id, attempts]]);
    if (attempts < (this.options.parkAfterAttempts ?? 3)) throw error;
    const reason = `${rejection}: ${error instanceof Error ? error.message : String(error)}`;
    await this.park([row], attempts, reason);
    blocked.add(row.bucket_id);
    this.refusals.clear();
    this.logger.error(
      `parked outbox row ${row.id} (bucket ${row.bucket_id}, version ${row.version}) after ${attempts} refusals: ${reason}; ` +
        'later rows of this bucket wait behind it (ledger-cli outbox retry-parked)',
    );
  }

  /** Moves rows from the outbox to outbox_parked in one statement: each is in exactly one of the two. */
  private async park(rows: OutboxRow[], attempts: number, error: string): Promise<void> {
    await this.options.client.query({
      name: 'outbox-relay/park',
      text: `WITH moved AS (DELETE FROM outbox WHERE id = ANY($1::bigint[]) RETURNING *)
             INSERT INTO outbox_parked (id, bucket_id, event_id, event_type, version, correlation_id, state, deleted,
                                        event, created_at, attempts, error)
             SELECT id, bucket_id, event_id, event_type, version, correlation_id, state, deleted, event, created_at, $2, $3
               FROM moved`,
      values: [rows.map((r) => r.id), attempts, error],
    });
    this.parked += rows.length;
    this.advance(rows[rows.length - 1].id);
  }

  private acknowledged(rows: OutboxRow[], messages: number): void {
    this.advance(rows[rows.length - 1].id);
    this.published += rows.length;
    this.publishedMessages += messages;
  }

  private advance(id: string): void {
    if (BigInt(id) > BigInt(this.lastPublishedId)) this.lastPublishedId = id;
  }

  private get maxBatchBytes(): number {
    return this.options.maxBatchBytes ?? DEFAULT_RELAY_MAX_BATCH_BYTES;
  }

  private async sleep(ms: number): Promise<void> {
    const wait = cancellableDelay(ms);
    this.wait = wait;
    await wait.done;
    this.wait = undefined;
  }

  async stop(): Promise<void> {
    const connected = this.running;
    this.running = false;
    this.wait?.cancel();
    await this.loop;
    // Best effort: rows left behind are only published again by the next relay.
    if (connected)
      await this.options.client
        .query('DELETE FROM outbox WHERE id <= $1', [this.lastPublishedId])
        .catch(() => undefined);
    await this.options.publisher.close();
  }
}
