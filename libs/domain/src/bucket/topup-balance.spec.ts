import { bucketEvent } from './bucket.events';
import { BUCKET_ID, NOW, eurData, opened, requested, spec, topup, toppedUp } from '../testing/bucket.fixtures';

describe('TopupBalance', () => {
  describe('when the bucket holds 500 EUR', () => {
    const given = spec.given([opened('500')]);

    it('confirms a topup posted without a status at once: request and credit in one append', () => {
      given.when(topup('t-1', '50')).then([requested('t-1', '50'), toppedUp('t-1', '50', '500', '550')]);
    });

    it('confirms a topup posted as "confirmed" at once', () => {
      given
        .when(topup('t-1', '0.000001', { status: 'confirmed' }))
        .then([requested('t-1', '0.000001'), toppedUp('t-1', '0.000001', '500', '500.000001')]);
    });

    it('records a topup posted "in progress" without crediting it', () => {
      given.when(topup('t-1', '50', { status: 'in progress' })).then([requested('t-1', '50')]);
    });

    it('keeps every field of the request, auto-topup fields included', () => {
      const fields = {
        type: 'monetary',
        channel: { id: 'web', name: 'Web' },
        product: { id: 'p-1' },
        partyAccount: { id: 'acc-1' },
        relatedParty: [{ name: 'Jerry', role: 'customer' }],
        requestor: { name: 'Agent 7', role: 'agent' },
        paymentMethod: { id: 'pm-1', type: 'bankcard' },
        voucher: 'V-123',
        description: 'monthly',
        isAutoTopup: true,
        recurringPeriod: 'monthly',
        nrOfPeriods: 12,
        validFor: { startDateTime: '2025-03-01T00:00:00Z' },
      };
      const event = bucketEvent('TopupRequested', {
        ...fields,
        topupId: 't-1',
        bucketId: BUCKET_ID,
        amount: eurData('50'),
        status: 'in progress',
        requestedDate: NOW,
      });
      given.when(topup('t-1', '50', { ...fields, status: 'in progress' })).then([event]);
    });

    it('rejects a topup in other units', () => {
      const usd = topup('t-1', '50', { amount: { amount: 50_000_000n, units: 'USD' } });
      given.when(usd).thenThrows('BUCKET.UNITS_MISMATCH', 'amount.units');
    });

    it.each(['0', '-5'])('rejects a topup of %s', (amount) => {
      given.when(topup('t-1', amount)).thenThrows('AMOUNT.NOT_POSITIVE', 'amount.amount');
    });

    it('rejects a topup posted as cancelled', () => {
      given.when(topup('t-1', '50', { status: 'cancelled' })).thenThrows('TOPUP.INVALID_STATUS', 'status');
    });

    it.each([
      [{ recurringPeriod: 'monthly' }, 'recurringPeriod'],
      [{ nrOfPeriods: 3 }, 'nrOfPeriods'],
      [{ isAutoTopup: true }, 'recurringPeriod'],
      [{ isAutoTopup: true, recurringPeriod: 'monthly', nrOfPeriods: 0 }, 'nrOfPeriods'],
      [{ isAutoTopup: true, recurringPeriod: 'monthly', nrOfPeriods: 1.5 }, 'nrOfPeriods'],
      [{ isAutoTopup: true, recurringPeriod: '' }, 'recurringPeriod'],
    ])('rejects inconsistent auto-topup fields %p', (fields, field) => {
      given.when(topup('t-1', '50', fields)).thenThrows('TOPUP.INVALID_AUTO_TOPUP', field);
    });
  });

  describe('when the bucket holds 999999999999999 EUR', () => {
    it('rejects a credit that would leave the amount range', () => {
      spec
        .given([opened('999999999999999')])
        .when(topup('t-1', '1'))
        .thenThrows('AMOUNT.OUT_OF_RANGE');
    });
  });

  describe('when topup t-1 was already applied to the bucket', () => {
    it('stays quiet when a confirmed topup is posted again', () => {
      const history = [opened('500'), requested('t-1', '50'), toppedUp('t-1', '50', '500', '550')];
      spec.given(history).when(topup('t-1', '50')).thenNothingHappens();
    });

    it('stays quiet when an in-progress topup is posted again', () => {
      const history = [opened('500'), requested('t-1', '50')];
      spec
        .given(history)
        .when(topup('t-1', '50', { status: 'in progress' }))
        .thenNothingHappens();
    });
  });

  describe('when no bucket exists', () => {
    it('rejects a topup for a bucket that resolution did not ask to open', () => {
      spec.given([]).when(topup('t-1', '50')).thenThrows('BUCKET.NOT_FOUND');
    });

    it("opens the bucket resolution asked for, with the topup's validFor, in the same append", () => {
      const validFor = { startDateTime: '2025-03-01T00:00:00Z', endDateTime: '2025-04-01T00:00:00Z' };
      const command = topup('t-1', '50', { openIfMissing: true, type: 'monetary', product: { id: 'p-9' }, validFor });
      const opening = opened('0', { type: 'monetary', product: [{ id: 'p-9' }], validFor, openedAt: NOW });
      const fields = { type: 'monetary', product: { id: 'p-9' }, validFor };
      const request = bucketEvent('TopupRequested', { ...requested('t-1', '50').data, ...fields });
      spec
        .given([])
        .when(command)
        .then([opening, request, toppedUp('t-1', '50', '0', '50')]);
    });

    it('opens it valid from now when the topup has no validFor', () => {
      const command = topup('t-1', '50', { openIfMissing: true, status: 'in progress' });
      const opening = opened('0', { product: [], validFor: { startDateTime: NOW }, openedAt: NOW });
      spec
        .given([])
        .when(command)
        .then([opening, requested('t-1', '50')]);
    });
  });

  describe('when the bucket was opened without units', () => {
    const unitless = bucketEvent('BucketOpened', {
      bucketId: BUCKET_ID,
      product: [],
      status: 'active',
      validFor: { startDateTime: '2025-01-01T00:00:00Z' },
      openedAt: '2025-01-01T00:00:00Z',
    });

    it('takes the units of its first topup', () => {
      spec
        .given([unitless])
        .when(topup('t-1', '50'))
        .then([requested('t-1', '50'), toppedUp('t-1', '50', '0', '50')]);
    });

    it('holds every later topup to those units, even while the first is in progress', () => {
      const usd = topup('t-2', '5', { amount: { amount: 5_000_000n, units: 'USD' } });
      spec
        .given([unitless, requested('t-1', '50')])
        .when(usd)
        .thenThrows('BUCKET.UNITS_MISMATCH');
    });
  });
});
