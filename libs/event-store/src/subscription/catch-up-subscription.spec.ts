import type { Position, RecordedEvent } from '../event-store.port';
import { comparePositions, START } from '../position';
import { CatchUpSubscription, SubscriptionSource } from './catch-up-subscription';
import { WakeSignal } from './wake-signal';
import { waitFor } from '@ledger/testing';

/** A log whose appends never signal, like a store whose NOTIFY session is down. */
function silentLog() {
  const events: RecordedEvent[] = [];
  const source: SubscriptionSource = {
    signal: new WakeSignal(),
    read: async (from: Position | 'start', size: number) =>
      events.filter((e) => comparePositions(e.position, from === 'start' ? START : from) > 0).slice(0, size),
  };
  const add = (n: number) =>
    events.push({
      id: `e${n}`,
      type: 'T',
      data: {},
      stream: 's',
      revision: BigInt(n),
      metadata: { recordedAt: '', schemaVersion: 1, prevHash: '', hash: '' },
      position: { commit: BigInt(n + 1), prepare: BigInt(n + 1) },
    });
  return { source, add };
}

const timing = { pollIntervalMs: 20, minIdleMs: 1, maxRetryDelayMs: 10 };

describe('CatchUpSubscription', () => {
  it('finds appends by polling when no wake-up signal arrives', async () => {
    const { source, add } = silentLog();
    const seen: string[] = [];
    const subscription = new CatchUpSubscription(
      source,
      'start',
      async (batch) => {
        seen.push(...batch.map((e) => e.id));
      },
      {},
      timing,
    );
    add(0);
    await waitFor('the first event', () => (seen.length === 1 ? true : undefined));
    add(1);
    add(2);
    await waitFor('the later events', () => (seen.length === 3 ? true : undefined));
    await subscription.stop();
    expect(seen).toEqual(['e0', 'e1', 'e2']);
  });

  it('stops promptly while waiting, without sitting out the poll interval', async () => {
    const { source } = silentLog();
    const subscription = new CatchUpSubscription(
      source,
      'start',
      async () => undefined,
      {},
      { ...timing, pollIntervalMs: 60_000, minIdleMs: 60_000 },
    );
    await new Promise((resolve) => setImmediate(resolve));
    const started = Date.now();
    await subscription.stop();
    expect(Date.now() - started).toBeLessThan(1_000);
  });

  it('lets onError stop the subscription and start a new one without deadlock', async () => {
    const { source, add } = silentLog();
    add(0);
    const outcome = await new Promise<{ error: unknown; position: Position | 'start' }>((resolve, reject) => {
      const subscription: CatchUpSubscription = new CatchUpSubscription(
        source,
        'start',
        async () => {
          throw new Error('boom');
        },
        {
          onError: (error) => {
            subscription.stop().then(() => resolve({ error, position: subscription.position }), reject);
          },
        },
        timing,
      );
    });
    expect(outcome).toEqual({ error: new Error('boom'), position: 'start' });
  });

  it('refuses a batch size that is not a positive integer', () => {
    const { source } = silentLog();
    expect(() => new CatchUpSubscription(source, 'start', async () => undefined, { batchSize: 0 }, timing)).toThrow(
      RangeError,
    );
  });
});
