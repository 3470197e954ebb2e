import type { Readable } from 'node:stream';
import type { AllStreamResolvedEvent, AllStreamSubscription } from '@eventstore/db-client';
import type { Position, RecordedEvent, SubscribeOptions, SubscriptionHandler } from '../event-store.port';
import { EventFeed, FeedStream, SubscriptionLoop, SubscriptionRetryTiming } from '../subscription/subscription-loop';

export interface AllSubscriptionSource {
  /** A server-side filtered subscribeToAll, exclusive of `from`. */
  open(from: Position | 'start', batchSize: number): AllStreamSubscription;
  /** The port's event, or undefined for an event readers must not see. */
  convert(resolved: AllStreamResolvedEvent): RecordedEvent | undefined;
}

/**
 * A catch-up subscription on EventStoreDB's own subscribeToAll: the shared loop on a feed that is
 * the client's stream, consumed with `for await`; a batch is what the client has already buffered,
 * up to batchSize. The position moves only after the handler resolved (never from
 * checkpointReached/caughtUp, which the client raises before the events buffered ahead of them
 * were handled). The client never resubscribes by itself: any error or end of the server's stream
 * makes the loop reopen it from the last handled position, after a backoff. subscribeToAll is
 * exclusive of its position (readAll is not), so reopening there repeats nothing.
 */
export class EventStoreDbSubscription extends SubscriptionLoop {
  constructor(
    source: AllSubscriptionSource,
    from: Position | 'start',
    handler: SubscriptionHandler,
    options: SubscribeOptions,
    timing: SubscriptionRetryTiming,
  ) {
    super(allStreamFeed(source), from, handler, options, timing);
  }
}

function allStreamFeed(source: AllSubscriptionSource): EventFeed {
  return {
    open: (from: Position | 'start', batchSize: number): FeedStream => {
      const subscription = source.open(from, batchSize);
      return { batches: converted(source, subscription, batchSize), close: () => close(subscription) };
    },
  };
}

async function* converted(
  source: AllSubscriptionSource,
  subscription: AllStreamSubscription,
  max: number,
): AsyncGenerator<RecordedEvent[]> {
  for await (const batch of inBatches<AllStreamResolvedEvent>(subscription, max)) {
    yield batch.map((resolved) => source.convert(resolved)).filter((e): e is RecordedEvent => e !== undefined);
  }
  throw new Error('EventStoreDB ended the subscription');
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
