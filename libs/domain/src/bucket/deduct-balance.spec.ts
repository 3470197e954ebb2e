import { bucketEvent } from './bucket.events';
import type { BucketCommand } from './bucket.commands';
import { foldBucket } from './bucket.decider';
import { isLive } from './bucket.state';
import { BUCKET_ID, NOW, eur, eurData, meta, opened, spec, statusChanged } from '../testing/bucket.fixtures';

const IN_AN_HOUR = '2025-03-01T11:00:00Z';
const AFTER_EXPIRY = '2025-03-01T11:00:01Z';

const deduct = (id: string, amount: string, reservationId?: string, final?: boolean, now = NOW): BucketCommand => ({
  type: 'DeductBalance',
  data: { bucketId: BUCKET_ID, deductionId: id, amount: eur(amount), reservationId, final },
  metadata: meta(now),
});
const reserved = (id: string, amount: string, before: string, after: string) =>
  bucketEvent('BalanceReserved', {
    bucketId: BUCKET_ID,
    reservationId: id,
    amount: eurData(amount),
    expiresAt: IN_AN_HOUR,
    reservedBefore: eurData(before),
    reservedAfter: eurData(after),
    reservedAt: NOW,
  });
const deducted = (
  id: string,
  amount: string,
  balance: [before: string, after: string],
  reserve: [before: string, after: string],
  extra: { reservationId?: string; released?: string } = {},
) =>
  bucketEvent('BalanceDeducted', {
    bucketId: BUCKET_ID,
    deductionId: id,
    amount: eurData(amount),
    reservationId: extra.reservationId,
    amountBefore: eurData(balance[0]),
    amountAfter: eurData(balance[1]),
    reservedBefore: eurData(reserve[0]),
    reservedAfter: eurData(reserve[1]),
    released: extra.released === undefined ? undefined : eurData(extra.released),
    deductedAt: NOW,
  });

describe('DeductBalance', () => {
  describe('when r-1 holds 60 of the bucket’s 100 EUR', () => {
    const history = [opened('100'), reserved('r-1', '60', '0', '60')];
    const given = spec.given(history);

    it('captures part of the reservation and keeps the rest reserved', () => {
      given
        .when(deduct('d-1', '25', 'r-1'))
        .then([deducted('d-1', '25', ['100', '75'], ['60', '35'], { reservationId: 'r-1' })]);
    });

    it('captures with final: the rest is released and the reservation closes', () => {
      given
        .when(deduct('d-1', '25', 'r-1', true))
        .then([deducted('d-1', '25', ['100', '75'], ['60', '0'], { reservationId: 'r-1', released: '35' })]);
    });

    it('refuses to capture more than the reservation holds', () => {
      given.when(deduct('d-1', '60.000001', 'r-1')).thenThrows('RESERVATION.INSUFFICIENT_BALANCE', 'amount.amount');
    });

    it('refuses to capture from an expired reservation', () => {
      given.when(deduct('d-1', '1', 'r-1', false, AFTER_EXPIRY)).thenThrows('RESERVATION.EXPIRED', 'reservationId');
    });

    it('captures even after the bucket was suspended: the units were already consumed', () => {
      spec
        .given([...history, statusChanged('suspended', 'active')])
        .when(deduct('d-1', '10', 'r-1'))
        .then([deducted('d-1', '10', ['100', '90'], ['60', '50'], { reservationId: 'r-1' })]);
    });

    it('treats a repeated deduction id as a retry', () => {
      const first = deducted('d-1', '25', ['100', '75'], ['60', '35'], { reservationId: 'r-1' });
      spec
        .given([...history, first])
        .when(deduct('d-1', '25', 'r-1'))
        .thenNothingHappens();
    });

    it('leaves reservation and balance exact after interim captures and a final one', () => {
      const events = [
        ...history,
        deducted('d-1', '10', ['100', '90'], ['60', '50'], { reservationId: 'r-1' }),
        deducted('d-2', '20', ['90', '70'], ['50', '30'], { reservationId: 'r-1' }),
        deducted('d-3', '5', ['70', '65'], ['30', '0'], { reservationId: 'r-1', released: '25' }),
      ];
      const state = foldBucket(events);
      if (!isLive(state)) throw new Error('bucket should be live');
      expect(state.amount).toBe(65_000_000n);
      expect(state.reservedAmount).toBe(0n);
      expect(state.reservations.get('r-1')).toMatchObject({ held: 0n, closed: true });
      spec
        .given(events)
        .when(deduct('d-4', '1', 'r-1'))
        .thenThrows('RESERVATION.EXPIRED');
    });

    it('deducts directly from the part of the balance that is not reserved', () => {
      given.when(deduct('d-1', '40')).then([deducted('d-1', '40', ['100', '60'], ['60', '60'])]);
      given.when(deduct('d-1', '40.000001')).thenThrows('BUCKET.INSUFFICIENT_BALANCE', 'amount.amount');
    });
  });

  describe('when the bucket is suspended and nothing is reserved', () => {
    it('refuses a direct deduction', () => {
      spec
        .given([opened('100'), statusChanged('suspended', 'active')])
        .when(deduct('d-1', '1'))
        .thenThrows('BUCKET.SUSPENDED');
    });
  });

  it('refuses a zero deduction', () => {
    spec
      .given([opened('100')])
      .when(deduct('d-1', '0'))
      .thenThrows('AMOUNT.NOT_POSITIVE', 'amount.amount');
  });
});
