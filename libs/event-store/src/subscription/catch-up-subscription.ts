import type { Position, RecordedEvent, SubscribeOptions, SubscriptionHandler } from '../event-store.port';
import { EventFeed, FeedStream, SubscriptionLoop } from './subscription-loop';
import { Wait, WakeSignal } from './wake-signal';

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
const FIRST_RETRY_DELAY_MS = 50;

/**
 * The subscription of every adapter that reads the global order with `readAll`: the shared loop
 * on a feed that reads a batch after the last handled position and, when caught up, waits for a
 * wake-up or a poll.
 */
export class CatchUpSubscription extends SubscriptionLoop {
  constructor(
    source: SubscriptionSource,
    from: Position | 'start',
    handler: SubscriptionHandler,
    options: SubscribeOptions = {},
    timing: SubscriptionTiming = DEFAULT_TIMING,
  ) {
    super(new PollingFeed(source, timing), from, handler, options, {
      minRetryDelayMs: FIRST_RETRY_DELAY_MS,
      maxRetryDelayMs: timing.maxRetryDelayMs,
    });
  }
}

interface PollState {
  closed: boolean;
  wait: Wait | undefined;
}

/** One per subscription: the idle backoff and the last signal seen outlive a failed read. */
class PollingFeed implements EventFeed {
  private idleMs: number;
  /**
   * The signal's version before the read in progress. A failed read keeps it, so a wake-up that
   * arrived while reads were failing still counts once a read succeeds.
   */
  private seen: number | undefined;

  constructor(
    private readonly source: SubscriptionSource,
    private readonly timing: SubscriptionTiming,
  ) {
    this.idleMs = timing.minIdleMs;
  }

  open(from: Position | 'start', batchSize: number): FeedStream {
    const state: PollState = { closed: false, wait: undefined };
    const close = async () => {
      state.closed = true;
      state.wait?.cancel();
    };
    return { batches: this.poll(from, batchSize, state), close };
  }

  private async *poll(from: Position | 'start', batchSize: number, state: PollState): AsyncGenerator<RecordedEvent[]> {
    const { signal } = this.source;
    let position = from;
    while (!state.closed) {
      this.seen ??= signal.version;
      const batch = await this.source.read(position, batchSize);
      yield batch;
      if (batch.length > 0) position = batch[batch.length - 1].position;
      const seen = this.seen;
      this.seen = undefined;
      const signalled = signal.version !== seen;
      if (batch.length > 0 || signalled) this.idleMs = this.timing.minIdleMs;
      if (batch.length === batchSize || signalled) continue;
      await this.idle(state, signal.wait(this.idleMs));
      // A signal means a commit just happened, but it may still sit behind the read horizon, so
      // re-read soon; silence means back off towards the poll interval.
      this.idleMs =
        signal.version !== seen ? this.timing.minIdleMs : Math.min(this.idleMs * 2, this.timing.pollIntervalMs);
    }
  }

  private async idle(state: PollState, wait: Wait): Promise<void> {
    state.wait = wait;
    if (state.closed) wait.cancel();
    await wait.done;
    state.wait = undefined;
  }
}
