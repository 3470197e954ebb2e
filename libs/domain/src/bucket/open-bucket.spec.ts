import { bucketEvent } from './bucket.events';
import { BUCKET_ID, NOW, VALID_FOR, eur, eurData, openCommand, opened, spec } from '../testing/bucket.fixtures';

describe('OpenBucket', () => {
  describe('when no bucket exists', () => {
    const given = spec.given([]);

    it('opens the bucket with every request field, balances in exact decimal text', () => {
      const request = {
        type: 'monetary',
        name: 'Main balance',
        description: 'Prepaid euros',
        partyAccount: { id: 'acc-1', href: 'https://crm/acc-1' },
        product: [{ id: 'p-1', name: 'Mobile' }],
        realizingResource: [{ id: 'msisdn-1', '@Type': 'msisdn', value: '+3312345678' }],
        relatedParty: [{ name: 'Jerry', role: 'customer' }],
        amount: eur('12.5'),
        reservedAmount: eur('2'),
        creditLimit: eur('10'),
        validFor: VALID_FOR,
      };
      given.when(openCommand(request)).then([
        bucketEvent('BucketOpened', {
          ...request,
          bucketId: BUCKET_ID,
          amount: eurData('12.5'),
          reservedAmount: eurData('2'),
          creditLimit: eurData('10'),
          status: 'active',
          openedAt: NOW,
        }),
      ]);
    });

    it('defaults reservedAmount and creditLimit to 0 in the units of the amount', () => {
      given.when(openCommand({ amount: eur('500') })).then([opened('500', { openedAt: NOW })]);
    });

    it('opens without balances when no quantity fixes the units yet', () => {
      given.when(openCommand({ type: 'monetary' })).then([
        bucketEvent('BucketOpened', {
          bucketId: BUCKET_ID,
          type: 'monetary',
          product: [{ id: 'p-1' }],
          status: 'active',
          validFor: VALID_FOR,
          openedAt: NOW,
        }),
      ]);
    });

    it('opens a suspended bucket when asked to', () => {
      const command = openCommand({ amount: eur('500'), status: 'suspended' });
      given.when(command).then([opened('500', { openedAt: NOW, status: 'suspended' })]);
    });

    it('may open below zero within the credit limit', () => {
      const command = openCommand({ amount: eur('-100'), creditLimit: eur('100') });
      given.when(command).then([opened('-100', { openedAt: NOW, creditLimit: eurData('100') })]);
    });

    it('rejects an opening balance below −creditLimit', () => {
      const command = openCommand({ amount: eur('-100.000001'), creditLimit: eur('100') });
      given.when(command).thenThrows('BUCKET.INSUFFICIENT_BALANCE');
    });

    it('rejects opening as expired', () => {
      given.when(openCommand({ status: 'expired' as 'active' })).thenThrows('BUCKET.INVALID_STATUS', 'status');
    });

    it('rejects balances in different units', () => {
      const command = openCommand({ amount: eur('1'), creditLimit: { amount: 1n, units: 'USD' } });
      given.when(command).thenThrows('BUCKET.UNITS_MISMATCH', 'creditLimit.units');
    });

    it('rejects a negative credit limit or reservation', () => {
      given.when(openCommand({ creditLimit: eur('-1') })).thenThrows('AMOUNT.NEGATIVE', 'creditLimit.amount');
      given.when(openCommand({ reservedAmount: eur('-1') })).thenThrows('AMOUNT.NEGATIVE', 'reservedAmount.amount');
    });

    it('rejects a validity period that ends before it starts', () => {
      const validFor = { startDateTime: '2025-02-01T00:00:00Z', endDateTime: '2025-01-01T00:00:00Z' };
      given.when(openCommand({ validFor })).thenThrows('PERIOD.INVALID', 'validFor.endDateTime');
    });
  });

  describe('when the bucket already exists', () => {
    it('rejects opening it again', () => {
      spec
        .given([opened('500')])
        .when(openCommand({ amount: eur('500') }))
        .thenThrows('BUCKET.ALREADY_EXISTS');
    });
  });

  describe('when the bucket was deleted', () => {
    it('never reuses its id', () => {
      const deleted = bucketEvent('BucketDeleted', { bucketId: BUCKET_ID, deletedAt: NOW });
      spec
        .given([opened('500'), deleted])
        .when(openCommand())
        .thenThrows('BUCKET.ALREADY_EXISTS');
    });
  });
});
