import {
  adjust,
  cancel,
  confirm,
  eur,
  openCommand,
  opened,
  requested,
  spec,
  topup,
  toppedUp,
} from '../testing/bucket.fixtures';
import { bucketDecider, decide, foldBucket } from './bucket.decider';
import type { BucketEvent } from './bucket.events';
import { evolve, evolveOwned } from './bucket.evolve';
import { type BucketState, bucketStream, initialState, isLive } from './bucket.state';

/** Runs commands through decide and evolve, as a command handler would against a stream. */
function run(commands: Parameters<typeof decide>[1][]): { state: BucketState; events: BucketEvent[] } {
  return commands.reduce(
    (acc, command) => {
      const produced = decide(acc.state, command);
      return { state: produced.reduce(evolve, acc.state), events: [...acc.events, ...produced] };
    },
    { state: initialState(), events: [] as BucketEvent[] },
  );
}

describe('evolve', () => {
  it('folds a bucket history into the balance and the facts decisions need', () => {
    const history = [opened('500'), requested('t-1', '50'), toppedUp('t-1', '50', '500', '550'), requested('t-2', '7')];
    const state = foldBucket(history);
    expect(state).toMatchObject({ status: 'active', units: 'EUR', amount: 550_000_000n, reservedAmount: 0n });
    expect(state.status !== 'none' && state.status !== 'deleted' && Object.fromEntries(state.topups)).toEqual({
      't-1': { status: 'confirmed', amount: eur('50') },
      't-2': { status: 'in progress', amount: eur('7') },
    });
  });

  it('keeps decisions and folds consistent over a whole lifecycle, with no rounding', () => {
    const { state, events } = run([
      openCommand({ amount: eur('0.1') }),
      topup('t-1', '0.2'),
      topup('t-2', '1', { status: 'in progress' }),
      confirm('t-2'),
      cancel('t-1'),
      adjust('a-1', '-0.3'),
      adjust('a-1', '-0.3'),
    ]);
    expect(state).toMatchObject({ amount: 800_000n });
    expect(events.map((e) => e.type)).toEqual([
      'BucketOpened',
      'TopupRequested',
      'BalanceToppedUp',
      'TopupRequested',
      'BalanceToppedUp',
      'TopupCancelled',
      'BalanceAdjusted',
    ]);
    expect(JSON.parse(JSON.stringify(events))).toEqual(events);
    expect(foldBucket(events)).toEqual(state);
  });

  it('stamps every event with the schema version', () => {
    expect(opened('1').data.schemaVersion).toBe(1);
  });

  it('ignores an event that cannot apply to the state instead of throwing', () => {
    expect(evolve(initialState(), toppedUp('t-1', '1', '0', '1'))).toEqual(initialState());
  });

  it('folds in place (evolveOwned) to exactly the state the pure evolve reaches, event by event', () => {
    const { events } = run([
      openCommand({ amount: eur('10') }),
      topup('t-1', '2'),
      topup('t-2', '1', { status: 'in progress' }),
      adjust('a-1', '-0.5'),
      confirm('t-2'),
      cancel('t-1'),
      adjust('a-2', '3'),
    ]);
    let pure = initialState();
    let owned = initialState();
    for (const event of events) {
      pure = evolve(pure, event);
      owned = evolveOwned(owned, event);
      expect(owned).toEqual(pure);
    }
    expect(foldBucket(events)).toEqual(pure);
  });

  it('never changes the state passed to the pure evolve, so earlier states stay valid', () => {
    const { events } = run([
      openCommand({ amount: eur('10') }),
      topup('t-1', '1', { status: 'in progress' }),
      confirm('t-1'),
      adjust('a-1', '-1'),
    ]);
    const before = foldBucket(events.slice(0, 2));
    const copy = (s: BucketState) =>
      isLive(s) ? { topups: new Map(s.topups), adjustmentIds: new Set(s.adjustmentIds) } : undefined;
    const snapshot = copy(before);
    const after = events.slice(2).reduce(evolve, before);
    expect(copy(before)).toEqual(snapshot);
    expect(copy(after)).not.toEqual(snapshot);
  });

  it('folds reservations and deductions in place to the state the pure evolve reaches, leaving earlier states intact', () => {
    const m = { now: '2025-03-01T10:00:00Z' };
    const reservation = (id: string, amount: string) => ({
      type: 'ReserveBalance' as const,
      data: { bucketId: 'b-1', reservationId: id, amount: eur(amount), expiresAt: '2025-03-01T11:00:00Z' },
      metadata: m,
    });
    const { events } = run([
      openCommand({ amount: eur('10') }),
      reservation('r-1', '4'),
      reservation('r-2', '3'),
      {
        type: 'DeductBalance',
        data: { bucketId: 'b-1', deductionId: 'd-1', amount: eur('1'), reservationId: 'r-1' },
        metadata: m,
      },
      { type: 'UnreserveBalance', data: { bucketId: 'b-1', reservationId: 'r-2', amount: eur('1') }, metadata: m },
      {
        type: 'DeductBalance',
        data: { bucketId: 'b-1', deductionId: 'd-2', amount: eur('2'), reservationId: 'r-1', final: true },
        metadata: m,
      },
    ]);
    const copy = (s: BucketState) =>
      isLive(s) ? { reservations: new Map(s.reservations), deductionIds: new Set(s.deductionIds) } : undefined;
    let pure = initialState();
    let owned = initialState();
    for (const event of events) {
      const snapshot = copy(pure);
      const next = evolve(pure, event);
      expect(copy(pure)).toEqual(snapshot);
      pure = next;
      owned = evolveOwned(owned, event);
      expect(owned).toEqual(pure);
    }
    if (!isLive(pure)) throw new Error('bucket should be live');
    expect({ amount: pure.amount, reserved: pure.reservedAmount }).toEqual({
      amount: 7_000_000n,
      reserved: 2_000_000n,
    });
    expect(pure.reservations.get('r-1')).toMatchObject({ held: 0n, closed: true });
    expect(pure.reservations.get('r-2')).toMatchObject({ held: 2_000_000n, closed: false });
  });

  it('exposes the decider triple for a generic command handler', () => {
    expect(bucketDecider.initialState()).toEqual({ status: 'none' });
    expect(bucketStream('b-1')).toBe('bucket-b-1');
  });
});

describe('decide', () => {
  it('rejects a command whose metadata.now is not an RFC 3339 instant', () => {
    spec
      .given([opened('500')])
      .when(topup('t-1', '5', {}, 'yesterday'))
      .thenThrows('DATE.INVALID', 'metadata.now');
  });
});
