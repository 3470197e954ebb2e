import type { Readable } from 'node:stream';
import type { AllStreamResolvedEvent, AllStreamSubscription } from '@eventstore/db-client';
import type { Position, RecordedEvent, SubscribeOptions, Subscription, SubscriptionHandler } from '../event-store.port';
import { validateBatchSize } from '../stream-reading';
import { delay, Wait } from '../subscription/wake-signal';

export interface SubscriptionRetryTiming {
  /** First pause after a failed subscription; doubles per consecutive failure. */
  minRetryDelayMs: number;
  maxRetryDelayMs: number;
}

export interface AllSubscriptionSource {
  /** A server-side filtered subscribeToAll, exclusive of `from`. */
  open(from: Position | 'start', batchSize: number): AllStreamSubscription;
  /** The port's event, or undefined for an event readers must not see. */
  convert(resolved: AllStreamResolvedEvent): RecordedEvent | undefined;
}

const DEFAULT_BATCH_SIZE = 500;

/**
 * A catch-up subscription on EventStoreDB's own subscribeToAll. The client's stream is consumed
 * with `for await`, so a handler call always ends before the next batch is taken; a batch is what
 * the client has already buffered, up to batchSize. The position moves only after the handler
 * resolved (never from checkpointReached/caughtUp, which the client raises before the events
 * buffered ahead of them were handled). The client never resubscribes by itself: any error or end
 * of the server's stream reopens it from the last handled position, after a backoff.
 */
export class EventStoreDbSubscription implements Subscription {
  private current: Position | 'start';
  private stopped = false;
  private active: AllStreamSubscription | undefined;
  private pending: Wait | undefined;
  private failure: { error: unknown } | undefined;
  private readonly batchSize: number;
  /** Settles when the loop has ended, by stop() or by a handler failure. */
  readonly done: Promise<void>;

  constructor(
    private readonly source: AllSubscriptionSource,
    from: Position | 'start',
    private readonly handler: SubscriptionHandler,
    private readonly options: SubscribeOptions,
    private readonly timing: SubscriptionRetryTiming,
  ) {
    this.current = from;
    this.batchSize = options.batchSize ?? DEFAULT_BATCH_SIZE;
    validateBatchSize(this.batchSize);
    this.done = this.run().then(() => this.reportFailure());
  }

  get position(): Position | 'start' {
    return this.current;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.pending?.cancel();
    if (this.active) await close(this.active);
    await this.done;
  }

  private async run(): Promise<void> {
    let failures = 0;
    while (!this.stopped) {
      const subscription = this.source.open(this.current, this.batchSize);
      this.active = subscription;
      try {
        for await (const batch of inBatches<AllStreamResolvedEvent>(subscription, this.batchSize)) {
          failures = 0;
          const events = batch.map((resolved) => this.source.convert(resolved)).filter((e): e is RecordedEvent => e !== undefined);
          if (events.length > 0 && !(await this.deliver(events))) return;
          if (this.stopped) return;
        }
        if (!this.stopped) throw new Error('EventStoreDB ended the subscription');
      } catch (error) {
        if (this.stopped) return;
        failures++;
        this.options.onRetry?.(error, failures);
        await this.pause(delay(Math.min(this.timing.maxRetryDelayMs, this.timing.minRetryDelayMs * 2 ** Math.min(failures - 1, 16))));
      } finally {
        this.active = undefined;
        await close(subscription);
      }
    }
  }

  /** False when the handler failed: the subscription is over; onError hears of it once the loop has ended. */
  private async deliver(batch: RecordedEvent[]): Promise<boolean> {
    try {
      await this.handler(batch);
    } catch (error) {
      this.stopped = true;
      this.failure = { error };
      return false;
    }
    this.current = batch[batch.length - 1].position;
    return true;
  }

  private async pause(wait: Wait): Promise<void> {
    this.pending = wait;
    if (this.stopped) wait.cancel();
    await wait.done;
    this.pending = undefined;
  }

  /** After the loop has ended, so an onError that stops or resubscribes never waits on this one. */
  private reportFailure(): void {
    if (!this.failure) return;
    try {
      this.options.onError?.(this.failure.error);
    } catch {
      return;
    }
  }
}

/**
 * Batches of what the stream has buffered, taken with `for await` (the first event of a batch)
 * and synchronous reads (the rest). Never more than `max`; never waits to fill a batch.
 */
async function* inBatches<T>(stream: Readable, max: number): AsyncGenerator<T[]> {
  for await (const first of stream) {
    const batch: T[] = [first as T];
    while (batch.length < max) {
      const next: unknown = stream.read();
      if (next === null) break;
      batch.push(next as T);
    }
    yield batch;
  }
}

/** Cancels the gRPC call and ends the client's stream (a cancelled call alone never ends it). */
async function close(subscription: AllStreamSubscription): Promise<void> {
  subscription.destroy();
  await subscription.unsubscribe().catch(() => undefined);
}
