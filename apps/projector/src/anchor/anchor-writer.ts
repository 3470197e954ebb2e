import { Logger } from '@nestjs/common';
import type { KeyObject } from 'node:crypto';
import {
  AnchorStore,
  type AnchorTip,
  type AuditAnchor,
  FIRST_TIP,
  PendingAnchor,
  anchorKeyId,
  signAnchor,
  tipOf,
} from '@ledger/audit';
import type { EventStore, RecordedEvent, Subscription } from '@ledger/event-store';
import type { MessagePublisher } from '@ledger/kafka-publisher';
import type { PgClient } from '@ledger/postgres';

export interface AnchorWriterOptions {
  store: EventStore;
  /** The connection holding the anchoring lock: anchors are written through it, so a lost lock writes nothing. */
  client: PgClient;
  privateKey: KeyObject;
  publisher: MessagePublisher;
  topic: string;
  everyEvents: number;
  intervalMs: number;
  /** The writer has stopped on an error and must be started again under a new lock. */
  onFailure: (error: unknown) => void;
  now?: () => Date;
}

const MAX_PUBLISH_BACKOFF_MS = 30_000;

/**
 * Anchors the events after the last stored anchor: every `everyEvents` events, and at most
 * `intervalMs` since the last anchor when events wait. Each anchor is signed, stored (chained onto
 * the stored tip, so a restart continues from it), then published to Kafka; anchors Kafka has not
 * acknowledged stay marked and are published again, in sequence order, until it does.
 */
export class AnchorWriter {
  private readonly logger = new Logger('AuditAnchors');
  private readonly anchors: AnchorStore;
  private readonly keyId: string;
  private tip: AnchorTip = FIRST_TIP;
  private pending = new PendingAnchor();
  private subscription: Subscription | undefined;
  private serial: Promise<unknown> = Promise.resolve();
  private timer: NodeJS.Timeout | undefined;
  private publishRetry: NodeJS.Timeout | undefined;
  private publishFailures = 0;
  private lastCutAt = Date.now();
  private stopped = false;
  written = 0;

  constructor(private readonly options: AnchorWriterOptions) {
    this.anchors = new AnchorStore(options.client);
    this.keyId = anchorKeyId(options.privateKey);
  }

  async start(): Promise<void> {
    const last = await this.anchors.last();
    this.tip = last ? tipOf(last) : FIRST_TIP;
    this.logger.log(`anchoring after anchor #${this.tip.sequence} (key ${this.keyId})`);
    this.subscription = this.options.store.subscribe(this.tip.to, (batch) => this.run(() => this.add(batch)), {
      onError: (error) => this.fail(error),
    });
    this.timer = setInterval(
      () => {
        this.run(() => this.cutIfDue()).catch((error: unknown) => this.fail(error));
      },
      Math.min(this.options.intervalMs, 1000),
    );
    this.timer.unref();
    this.publishPending();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    clearTimeout(this.publishRetry);
    await this.subscription?.stop();
    await this.serial.catch(() => undefined);
  }

  /** One task at a time: batches from the subscription and the interval's cuts never interleave. */
  private run<T>(task: () => Promise<T>): Promise<T> {
    const next = this.serial.then(task);
    this.serial = next.catch(() => undefined);
    return next;
  }

  private async add(batch: RecordedEvent[]): Promise<void> {
    for (const event of batch) {
      this.pending.add(event);
      if (this.pending.count >= this.options.everyEvents) await this.cut();
    }
  }

  private async cutIfDue(): Promise<void> {
    if (this.stopped || this.pending.count === 0) return;
    if (Date.now() - this.lastCutAt >= this.options.intervalMs) await this.cut();
  }

  private async cut(): Promise<void> {
    const now = (this.options.now?.() ?? new Date()).toISOString();
    const unsigned = this.pending.cut(this.tip, now, this.keyId);
    if (!unsigned) return;
    const anchor = signAnchor(unsigned, this.options.privateKey);
    if (!(await this.anchors.insert(anchor))) {
      throw new Error(`anchor #${anchor.sequence} was not stored: the stored tip moved (another writer?)`);
    }
    this.tip = tipOf(anchor);
    this.pending = new PendingAnchor();
    this.lastCutAt = Date.now();
    this.written++;
    this.publishPending();
  }

  private publishPending(): void {
    clearTimeout(this.publishRetry);
    this.publishRetry = undefined;
    this.run(() => this.publishOnce()).catch((error: unknown) => {
      if (this.stopped) return;
      this.publishFailures++;
      const delay = Math.min(MAX_PUBLISH_BACKOFF_MS, 200 * 2 ** this.publishFailures);
      this.logger.warn(`anchors not published (retry in ${delay} ms): ${String(error)}`);
      this.publishRetry = setTimeout(() => this.publishPending(), delay);
      this.publishRetry.unref();
    });
  }

  private async publishOnce(): Promise<void> {
    for (;;) {
      const unpublished = await this.anchors.unpublished(100);
      if (unpublished.length === 0) break;
      await this.options.publisher.publish(unpublished.map((anchor) => this.message(anchor)));
      await this.anchors.markPublished(unpublished.map((a) => a.sequence));
    }
    this.publishFailures = 0;
  }

  private message(anchor: AuditAnchor) {
    return {
      topic: this.options.topic,
      key: String(anchor.sequence),
      value: JSON.stringify(anchor),
      headers: { 'content-type': 'application/json', schema: anchor.schema },
    };
  }

  private fail(error: unknown): void {
    if (this.stopped) return;
    this.stopped = true;
    this.options.onFailure(error);
  }
}
