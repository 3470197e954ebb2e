import type { Position, RecordedEvent } from '../event-store.port';
import { waitFor } from '../testing/wait-for';
import { EventFeed, FeedStream, SubscriptionLoop } from './subscription-loop';

const recorded = (n: number): RecordedEvent => ({
  id: `e${n}`,
  type: 'T',
  data: {},
  stream: 's',
  revision: BigInt(n),
  metadata: { recordedAt: '', schemaVersion: 1, prevHash: '', hash: '' },
  position: { commit: BigInt(n + 1), prepare: BigInt(n + 1) },
});

/** Each open() serves the scripted batches, then fails (a dropped connection) or hangs until closed. */
function scriptedFeed(scripts: Array<{ batches: RecordedEvent[][]; then: 'fail' | 'hang' }>) {
  const opened: Array<Position | 'start'> = [];
  const feed: EventFeed = {
    open: (from): FeedStream => {
      opened.push(from);
      const script = scripts[opened.length - 1] ?? { batches: [], then: 'hang' };
      let release = () => {};
      const closed = new Promise<void>((resolve) => (release = resolve));
      async function* batches() {
        yield* script.batches;
        if (script.then === 'fail') throw new Error(`dropped ${opened.length}`);
        await closed;
      }
      return { batches: batches(), close: async () => release() };
    },
  };
  return { feed, opened };
}

const retry = { minRetryDelayMs: 1, maxRetryDelayMs: 5 };

describe('SubscriptionLoop', () => {
  it('reopens the feed after the last handled event, counting consecutive failures', async () => {
    const { feed, opened } = scriptedFeed([
      { batches: [[recorded(0), recorded(1)]], then: 'fail' },
      { batches: [], then: 'fail' },
      { batches: [[recorded(2)]], then: 'hang' },
    ]);
    const seen: string[] = [];
    const attempts: number[] = [];
    const loop = new SubscriptionLoop(
      feed,
      'start',
      async (batch) => {
        seen.push(...batch.map((e) => e.id));
      },
      { onRetry: (_error, attempt) => attempts.push(attempt) },
      retry,
    );
    await waitFor('the event after the failures', () => (seen.length === 3 ? true : undefined));
    await loop.stop();
    expect(seen).toEqual(['e0', 'e1', 'e2']);
    expect(opened).toEqual(['start', recorded(1).position, recorded(1).position]);
    expect(attempts).toEqual([1, 2]);
  });

  it('stops promptly while the feed waits, without reporting a retry', async () => {
    const { feed } = scriptedFeed([]);
    const attempts: number[] = [];
    const loop = new SubscriptionLoop(
      feed,
      'start',
      async () => undefined,
      { onRetry: (_error, attempt) => attempts.push(attempt) },
      retry,
    );
    await new Promise((resolve) => setImmediate(resolve));
    await loop.stop();
    expect(attempts).toEqual([]);
  });
});
