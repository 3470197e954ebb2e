import type { Position, RecordedEvent, SubscribeOptions, Subscription, SubscriptionHandler } from '../event-store.port';
import { validateBatchSize } from '../stream-reading';
import { delay, Wait, WakeSignal } from './wake-signal';

export interface SubscriptionSource {
  read(from: Position | 'start', batchSize: number): Promise<RecordedEvent[]>;
  signal: WakeSignal;
}

export interface SubscriptionTiming {
  /** Longest wait between reads when no wake-up arrives: the fallback for lost or late signals. */
  pollIntervalMs: number;
  /** First wait after a read that found nothing; doubles up to pollIntervalMs. */
  minIdleMs: number;
  maxRetryDelayMs: number;
}

export const DEFAULT_TIMING: SubscriptionTiming = { pollIntervalMs: 250, minIdleMs: 5, maxRetryDelayMs: 5_000 };
const DEFAULT_BATCH_SIZE = 500;

/**
 * One loop shared by every adapter that reads the global order with `readAll`: read a batch after
 * the last handled position, hand it over, repeat; when caught up, wait for a wake-up or a poll.
 * The position only moves after the handler resolved, so nothing is skipped or handled twice.
 */
export class CatchUpSubscription implements Subscription {
  private current: Position | 'start';
  private stopped = false;
  private pending: Wait | undefined;
  /** Settles when the loop has ended, by stop() or by a handler failure. */
  readonly done: Promise<void>;
  private readonly batchSize: number;
  private failure: { error: unknown } | undefined;

  constructor(
    private readonly source: SubscriptionSource,
    from: Position | 'start',
    private readonly handler: SubscriptionHandler,
    private readonly options: SubscribeOptions = {},
    private readonly timing: SubscriptionTiming = DEFAULT_TIMING,
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
    await this.done;
  }

  private async run(): Promise<void> {
    let idleMs = this.timing.minIdleMs;
    while (!this.stopped) {
      const seen = this.source.signal.version;
      const batch = await this.readWithRetry();
      if (batch === undefined || (batch.length > 0 && !(await this.deliver(batch)))) return;
      const signalled = this.source.signal.version !== seen;
      if (batch.length > 0 || signalled) idleMs = this.timing.minIdleMs;
      if (batch.length === this.batchSize || signalled) continue;
      await this.pause(this.source.signal.wait(idleMs));
      // A signal means a commit just happened, but it may still sit behind the read horizon, so
      // re-read soon; silence means back off towards the poll interval.
      idleMs = this.source.signal.version !== seen ? this.timing.minIdleMs : Math.min(idleMs * 2, this.timing.pollIntervalMs);
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

  private async readWithRetry(): Promise<RecordedEvent[] | undefined> {
    for (let attempt = 1; !this.stopped; attempt++) {
      try {
        return await this.source.read(this.current, this.batchSize);
      } catch (error) {
        this.options.onRetry?.(error, attempt);
        await this.pause(delay(Math.min(this.timing.maxRetryDelayMs, 25 * 2 ** Math.min(attempt, 16))));
      }
    }
    return undefined;
  }
}
