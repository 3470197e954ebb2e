import type { Position, RecordedEvent, SubscribeOptions, Subscription, SubscriptionHandler } from '../event-store.port';
import { validateBatchSize } from '../stream-reading';
import { delay, Wait } from './wake-signal';

export interface SubscriptionRetryTiming {
  /** First pause after a failed read or subscription; doubles per consecutive failure. */
  minRetryDelayMs: number;
  maxRetryDelayMs: number;
}

/** What an adapter supplies: where the events after a position come from. */
export interface EventFeed {
  /**
   * Batches strictly after `from` in global order, at most `batchSize` events each. Each batch
   * (empty ones too) counts as the feed being healthy again. Throwing or ending makes the loop
   * open the feed again from the last handled position, after a backoff.
   */
  open(from: Position | 'start', batchSize: number): FeedStream;
}

export interface FeedStream {
  readonly batches: AsyncIterable<RecordedEvent[]>;
  /** Makes `batches` end soon, also while it waits: stop() must not sit out a poll or a quiet server. Idempotent. */
  close(): Promise<void>;
}

const DEFAULT_BATCH_SIZE = 500;

/**
 * The loop every adapter's subscription runs: take a batch from the feed, hand it over, repeat.
 * `for await` means a handler call always ends before the next batch is taken, and the position
 * moves only after the handler resolved, so nothing is skipped or handled twice, and reopening
 * the feed from the position after a failure resumes exactly where handling stopped.
 */
export class SubscriptionLoop implements Subscription {
  private current: Position | 'start';
  private stopped = false;
  private active: FeedStream | undefined;
  private pending: Wait | undefined;
  private failure: { error: unknown } | undefined;
  private readonly batchSize: number;
  /** Settles when the loop has ended, by stop() or by a handler failure. */
  readonly done: Promise<void>;

  constructor(
    private readonly feed: EventFeed,
    from: Position | 'start',
    private readonly handler: SubscriptionHandler,
    private readonly options: SubscribeOptions,
    private readonly retry: SubscriptionRetryTiming,
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
    await this.active?.close();
    await this.done;
  }

  private async run(): Promise<void> {
    let failures = 0;
    while (!this.stopped) {
      const stream = this.feed.open(this.current, this.batchSize);
      this.active = stream;
      try {
        for await (const batch of stream.batches) {
          failures = 0;
          if (batch.length > 0 && !(await this.deliver(batch))) return;
          if (this.stopped) return;
        }
        if (!this.stopped) throw new Error('the event feed ended');
      } catch (error) {
        // Closing the stream on stop() may make it throw; that is no failure to report.
        if (this.stopped) return;
        failures++;
        this.options.onRetry?.(error, failures);
        await this.pause(
          delay(Math.min(this.retry.maxRetryDelayMs, this.retry.minRetryDelayMs * 2 ** Math.min(failures - 1, 16))),
        );
      } finally {
        this.active = undefined;
        await stream.close();
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

  /**
   * Runs after the loop has ended, so an onError that calls stop() (or subscribes again) never
   * waits on this subscription. A throwing onError is ignored: it must not take the process down.
   */
  private reportFailure(): void {
    if (!this.failure) return;
    try {
      this.options.onError?.(this.failure.error);
    } catch {
      return;
    }
  }
}
