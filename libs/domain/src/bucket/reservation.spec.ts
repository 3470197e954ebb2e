import { bucketEvent } from './bucket.events';
import type { BucketCommand } from './bucket.commands';
import { BUCKET_ID, NOW, eur, eurData, meta, opened, spec, statusChanged } from '../testing/bucket.fixtures';

const IN_AN_HOUR = '2025-03-01T11:00:00Z';
const LATER = '2025-03-01T12:00:00Z';
const AFTER_EXPIRY = '2025-03-01T11:00:01Z';

const reserve = (id: string, amount: string, expiresAt = IN_AN_HOUR, now = NOW): BucketCommand => ({
  type: 'ReserveBalance',
  data: { bucketId: BUCKET_ID, reservationId: id, amount: eur(amount), expiresAt },
  metadata: meta(now),
});
const unreserve = (id: string, amount?: string, now = NOW): BucketCommand => ({
  type: 'UnreserveBalance',
  data: { bucketId: BUCKET_ID, reservationId: id, ...(amount === undefined ? {} : { amount: eur(amount) }) },
  metadata: meta(now),
});
const extend = (id: string, expiresAt: string, now = NOW): BucketCommand => ({
  type: 'ExtendReservation',
  data: { bucketId: BUCKET_ID, reservationId: id, expiresAt },
  metadata: meta(now),
});
const expire = (id: string, now: string): BucketCommand => ({
  type: 'ExpireReservation',
  data: { bucketId: BUCKET_ID, reservationId: id },
  metadata: meta(now),
});

const reserved = (id: string, amount: string, before: string, after: string, expiresAt = IN_AN_HOUR) =>
  bucketEvent('BalanceReserved', {
    bucketId: BUCKET_ID,
    reservationId: id,
    amount: eurData(amount),
    expiresAt,
    reservedBefore: eurData(before),
    reservedAfter: eurData(after),
    reservedAt: NOW,
  });
const released = (
  id: string,
  amount: string,
  remaining: string,
  before: string,
  after: string,
  cause: 'released' | 'expired' = 'released',
  at = NOW,
) =>
  bucketEvent('BalanceUnreserved', {
    bucketId: BUCKET_ID,
    reservationId: id,
    amount: eurData(amount),
    remaining: eurData(remaining),
    cause,
    reservedBefore: eurData(before),
    reservedAfter: eurData(after),
    releasedAt: at,
  });

describe('ReserveBalance', () => {
  describe('when the bucket holds 100 EUR and nothing is reserved', () => {
    const given = spec.given([opened('100')]);

    it('holds the amount under the reservation id', () => {
      given.when(reserve('r-1', '40')).then([reserved('r-1', '40', '0', '40')]);
    });

    it('may hold the whole available balance', () => {
      given.when(reserve('r-1', '100')).then([reserved('r-1', '100', '0', '100')]);
    });

    it('refuses to hold more than is available', () => {
      given.when(reserve('r-1', '100.000001')).thenThrows('BUCKET.INSUFFICIENT_BALANCE', 'amount.amount');
    });

    it('refuses an expiry that is not in the future', () => {
      given.when(reserve('r-1', '1', NOW)).thenThrows('RESERVATION.EXPIRY_NOT_IN_FUTURE', 'expiresAt');
    });

    it('refuses a zero amount and another unit', () => {
      given.when(reserve('r-1', '0')).thenThrows('AMOUNT.NOT_POSITIVE', 'amount.amount');
      const usd: BucketCommand = {
        type: 'ReserveBalance',
        data: {
          bucketId: BUCKET_ID,
          reservationId: 'r-1',
          amount: { amount: 1n, units: 'USD' },
          expiresAt: IN_AN_HOUR,
        },
        metadata: meta(),
      };
      given.when(usd).thenThrows('BUCKET.UNITS_MISMATCH', 'amount.units');
    });
  });

  describe('when 60 of the 100 EUR are reserved under r-1', () => {
    const given = spec.given([opened('100'), reserved('r-1', '60', '0', '60')]);

    it('holds only what is still available', () => {
      given.when(reserve('r-2', '40')).then([reserved('r-2', '40', '60', '100')]);
      given.when(reserve('r-2', '40.000001')).thenThrows('BUCKET.INSUFFICIENT_BALANCE');
    });

    it('treats the same id with the same amount as a retry', () => {
      given.when(reserve('r-1', '60')).thenNothingHappens();
    });

    it('refuses the same id with another amount', () => {
      given.when(reserve('r-1', '10')).thenThrows('RESERVATION.CONFLICT', 'reservationId');
    });

    it('lets a debit use only the balance that is not reserved', () => {
      const debit: BucketCommand = {
        type: 'AdjustBalance',
        data: { adjustmentId: 'a-1', bucketId: BUCKET_ID, amount: eur('-40.000001') },
        metadata: meta(),
      };
      given.when(debit).thenThrows('BUCKET.INSUFFICIENT_BALANCE');
    });
  });

  describe('when the bucket allows 20 EUR of credit', () => {
    const given = spec.given([opened('10', { creditLimit: eurData('20') })]);

    it('reserves down to the credit limit and no further', () => {
      given.when(reserve('r-1', '30')).then([reserved('r-1', '30', '0', '30')]);
      given.when(reserve('r-1', '30.000001')).thenThrows('BUCKET.INSUFFICIENT_BALANCE');
    });
  });

  describe('when the bucket is suspended', () => {
    it('refuses to reserve', () => {
      spec
        .given([opened('100'), statusChanged('suspended', 'active')])
        .when(reserve('r-1', '1'))
        .thenThrows('BUCKET.SUSPENDED');
    });
  });
});

describe('UnreserveBalance', () => {
  describe('when r-1 holds 60 EUR', () => {
    const given = spec.given([opened('100'), reserved('r-1', '60', '0', '60')]);

    it('releases all of it when no amount is given', () => {
      given.when(unreserve('r-1')).then([released('r-1', '60', '0', '60', '0')]);
    });

    it('releases part of it', () => {
      given.when(unreserve('r-1', '25')).then([released('r-1', '25', '35', '60', '35')]);
    });

    it('refuses to release more than it holds', () => {
      given.when(unreserve('r-1', '60.000001')).thenThrows('RESERVATION.INSUFFICIENT_BALANCE', 'amount.amount');
    });

    it('refuses an unknown reservation', () => {
      given.when(unreserve('r-9')).thenThrows('RESERVATION.NOT_FOUND', 'reservationId');
    });
  });

  describe('when r-1 was released in full', () => {
    const given = spec.given([opened('100'), reserved('r-1', '60', '0', '60'), released('r-1', '60', '0', '60', '0')]);

    it('treats a full release again as a retry', () => {
      given.when(unreserve('r-1')).thenNothingHappens();
    });

    it('treats the original reserve again as a retry, not a new hold', () => {
      given.when(reserve('r-1', '60')).thenNothingHappens();
    });

    it('makes the released units available again', () => {
      given.when(reserve('r-2', '100')).then([reserved('r-2', '100', '0', '100')]);
    });
  });
});

describe('ExtendReservation', () => {
  const given = spec.given([opened('100'), reserved('r-1', '60', '0', '60')]);

  it('moves the expiry later', () => {
    given.when(extend('r-1', LATER)).then([
      bucketEvent('ReservationExtended', {
        bucketId: BUCKET_ID,
        reservationId: 'r-1',
        expiresAt: LATER,
        previousExpiresAt: IN_AN_HOUR,
        extendedAt: NOW,
      }),
    ]);
  });

  it('changes nothing for the same or an earlier expiry', () => {
    given.when(extend('r-1', IN_AN_HOUR)).thenNothingHappens();
    given.when(extend('r-1', '2025-03-01T10:30:00Z')).thenNothingHappens();
  });

  it('refuses to extend a reservation past its expiry', () => {
    given.when(extend('r-1', LATER, AFTER_EXPIRY)).thenThrows('RESERVATION.EXPIRED', 'reservationId');
  });
});

describe('ExpireReservation', () => {
  const given = spec.given([opened('100'), reserved('r-1', '60', '0', '60')]);

  it('releases what a reservation holds once its expiry has passed', () => {
    given.when(expire('r-1', AFTER_EXPIRY)).then([released('r-1', '60', '0', '60', '0', 'expired', AFTER_EXPIRY)]);
  });

  it('does nothing before the expiry: the scheduler may act on a stale view', () => {
    given.when(expire('r-1', '2025-03-01T10:59:59Z')).thenNothingHappens();
  });

  it('does nothing once the reservation is closed', () => {
    spec
      .given([opened('100'), reserved('r-1', '60', '0', '60'), released('r-1', '60', '0', '60', '0')])
      .when(expire('r-1', AFTER_EXPIRY))
      .thenNothingHappens();
  });

  it('does nothing after an extension moved the expiry', () => {
    spec
      .given([
        opened('100'),
        reserved('r-1', '60', '0', '60'),
        bucketEvent('ReservationExtended', {
          bucketId: BUCKET_ID,
          reservationId: 'r-1',
          expiresAt: LATER,
          previousExpiresAt: IN_AN_HOUR,
          extendedAt: NOW,
        }),
      ])
      .when(expire('r-1', AFTER_EXPIRY))
      .thenNothingHappens();
  });
});
