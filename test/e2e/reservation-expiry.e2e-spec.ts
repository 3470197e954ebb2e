import { randomUUID } from 'node:crypto';
import { BucketCommandHandler } from '@ledger/application';
import { EVENT_STORE, type EventStore } from '@ledger/event-store';
import { createKafka } from '@ledger/kafka-publisher';
import { validateBalanceEvent, validateBucketState } from '@ledger/contracts';
import { AdvisoryLock } from '@ledger/projection';
import { ReservationExpiryScheduler } from '../../apps/projector/src/reservation-expiry/reservation-expiry.scheduler';
import { readBucketStates } from '../support/bucket-states';
import { startLedgerApp, LedgerApp } from '../support/ledger-app';
import { waitFor } from '../support/wait-for';
import { createBucket, expectStatus, v2Client, V2Client } from './v2-client';

jest.setTimeout(90_000);

const eur = (amount: number) => ({ amount, units: 'EUR' });

describe('reservation expiry', () => {
  let app: LedgerApp;
  let setup: V2Client;
  let ocs: V2Client;

  beforeAll(async () => {
    app = await startLedgerApp({ env: { RESERVATION_EXPIRY_SCAN_MS: '100' } });
    setup = v2Client(app.v2, { roles: ['admin'], clientId: 'setup' });
    ocs = v2Client(app.v2, { roles: ['charging'], clientId: 'ocs' });
  });
  afterAll(async () => {
    await app?.close();
  });

  async function reserved(expiresAt: Date) {
    const bucketId = (await createBucket(setup, { amount: eur(10) })).id as string;
    const body = { bucket: { id: bucketId }, reservedAmount: eur(4), expiresAt: expiresAt.toISOString() };
    const res = await ocs.post('/balanceReserve', body);
    expectStatus(res, 201);
    return { bucketId, reservationId: res.body.id as string };
  }

  const expiries = async (bucketId: string) => {
    const { rows } = await app.db.pool.query<{ n: string }>(
      "SELECT count(*) AS n FROM event_store.events WHERE stream_id = $1 AND data->>'cause' = 'expired'",
      [`bucket-${bucketId}`],
    );
    return Number(rows[0].n);
  };

  describe('when a reservation is left alone past its expiry', () => {
    let target: { bucketId: string; reservationId: string };

    beforeAll(async () => {
      target = await reserved(new Date(Date.now() + 1500));
      await waitFor(
        'the reservation released by the scheduler',
        async () => ((await ocs.get(`/bucket/${target.bucketId}`)).body.reservedAmount.amount === 0 ? true : undefined),
        20_000,
      );
    });

    it('is released in full, once, and reads closed', async () => {
      const res = await ocs.get(`/bucket/${target.bucketId}/reservation/${target.reservationId}`);
      expect(res.body).toMatchObject({ status: 'closed', remainingAmount: eur(0), reservedAmount: eur(4) });
      expect(await ocs.get(`/bucket/${target.bucketId}`)).toMatchObject({
        body: { amount: eur(10), reservedAmount: eur(0) },
      });
      expect(await expiries(target.bucketId)).toBe(1);
    });

    it('publishes the bucket state with reservedAmount back to 0', async () => {
      const states = await readBucketStates(app.config.kafkaBrokers, app.config.topics.bucketState, target.bucketId, 3);
      expect(states.map((s) => s.reservedAmount)).toEqual([eur(0), eur(4), eur(0)]);
      expect(states.map((s) => validateBucketState(s))).toEqual([[], [], []]);
    });

    it('publishes a reservationExpiry activity on the events topic', async () => {
      const activities: { type: string; action?: { id: string }; amount: unknown }[] = [];
      const problems: unknown[] = [];
      const consumer = createKafka({ brokers: app.config.kafkaBrokers, clientId: 'expiry-e2e' }).consumer({
        groupId: `expiry-e2e-${randomUUID()}`,
        maxWaitTimeInMs: 100,
      });
      await consumer.connect();
      try {
        await consumer.subscribe({ topic: app.config.topics.balanceEvents, fromBeginning: true });
        await consumer.run({
          eachMessage: async ({ message }) => {
            if (String(message.key) === target.bucketId && message.value) {
              const value = JSON.parse(String(message.value));
              problems.push(...validateBalanceEvent(value));
              activities.push(value.activity);
            }
          },
        });
        const expiry = await waitFor(
          'a reservationExpiry activity',
          () => activities.find((a) => a.type === 'reservationExpiry'),
          30_000,
        );
        expect(expiry).toMatchObject({ action: { id: target.reservationId }, amount: eur(4) });
        expect(activities.map((a) => a.type)).toEqual(['bucketCreation', 'reservation', 'reservationExpiry']);
        expect(problems).toEqual([]);
      } finally {
        await consumer.disconnect();
      }
    });
  });

  describe('when two scheduler instances scan the same expired reservation', () => {
    it('releases it once', async () => {
      const target = await reserved(new Date(Date.now() + 3_600_000));
      const store = app.projector!.get<EventStore>(EVENT_STORE);
      const later = { now: () => new Date(Date.now() + 7_200_000) };
      // Two locks with distinct keys: both instances active at once, the worst case the single-active lock prevents.
      const schedulers = ['a', 'b'].map(
        (name) =>
          new ReservationExpiryScheduler({
            pool: app.db.pool,
            store,
            handler: new BucketCommandHandler(store, { cacheBuckets: 0 }),
            clock: later,
            lock: new AdvisoryLock(app.db.url, `reservation-expiry-test-${name}-${randomUUID()}`),
            scanMs: 100,
          }),
      );
      try {
        const results = await Promise.all(schedulers.map((s) => s.scan()));
        expect(results.map((r) => r!.released + r!.closed).reduce((a, b) => a + b)).toBeGreaterThanOrEqual(1);
        expect(await expiries(target.bucketId)).toBe(1);
        const again = await schedulers[0].scan();
        expect(again).toMatchObject({ released: 0 });
        expect(await expiries(target.bucketId)).toBe(1);
      } finally {
        await Promise.all(schedulers.map((s) => s.stop()));
      }
    });
  });
});
