import { bucketEvent } from './bucket.events';
import type { AdjustBalanceData } from './bucket.commands';
import { BUCKET_ID, NOW, adjust, eurData, opened, spec } from '../testing/bucket.fixtures';

const adjusted = (adjustmentId: string, amount: string, before: string, after: string) =>
  bucketEvent('BalanceAdjusted', {
    adjustmentId,
    bucketId: BUCKET_ID,
    amount: eurData(amount),
    requestedDate: NOW,
    amountBefore: eurData(before),
    amountAfter: eurData(after),
  });

describe('AdjustBalance', () => {
  describe('when the bucket holds 500 EUR', () => {
    const given = spec.given([opened('500')]);

    it('credits a positive adjustment', () => {
      given.when(adjust('a-1', '12.5')).then([adjusted('a-1', '12.5', '500', '512.5')]);
    });

    it('debits a negative adjustment exactly, down to zero', () => {
      given.when(adjust('a-1', '-499.999999')).then([adjusted('a-1', '-499.999999', '500', '0.000001')]);
      given.when(adjust('a-1', '-500')).then([adjusted('a-1', '-500', '500', '0')]);
    });

    it('refuses a debit that would take the balance below zero', () => {
      given.when(adjust('a-1', '-500.000001')).thenThrows('BUCKET.INSUFFICIENT_BALANCE', 'amount.amount');
    });

    it('keeps every field of the request', () => {
      const fields = {
        type: 'monetary',
        reason: 'goodwill',
        requestor: { name: 'Agent 7', role: 'agent' },
        description: 'network outage',
        product: { id: 'p-1' },
        partyAccount: { id: 'acc-1' },
        relatedParty: [{ id: 'c-1', role: 'customer', '@referredType': 'Individual' }],
        validFor: { startDateTime: NOW },
      } satisfies Partial<AdjustBalanceData>;
      const command = { ...adjust('a-1', '5'), data: { ...adjust('a-1', '5').data, ...fields } };
      const expected = bucketEvent('BalanceAdjusted', { ...adjusted('a-1', '5', '500', '505').data, ...fields });
      given.when(command).then([expected]);
    });

    it('rejects a zero adjustment', () => {
      given.when(adjust('a-1', '0')).thenThrows('AMOUNT.ZERO', 'amount.amount');
    });

    it('rejects an adjustment in other units', () => {
      const base = adjust('a-1', '5');
      const command = { ...base, data: { ...base.data, amount: { amount: 5n, units: 'MB' } } };
      given.when(command).thenThrows('BUCKET.UNITS_MISMATCH', 'amount.units');
    });
  });

  describe('when the bucket holds 500 EUR of which 100 EUR are reserved', () => {
    it('debits only the available 400 EUR', () => {
      const given = spec.given([opened('500', { reservedAmount: eurData('100') })]);
      given.when(adjust('a-1', '-400')).then([adjusted('a-1', '-400', '500', '100')]);
      given.when(adjust('a-1', '-400.000001')).thenThrows('BUCKET.INSUFFICIENT_BALANCE');
    });
  });

  describe('when the bucket holds 10 EUR with a credit limit of 50 EUR', () => {
    const given = spec.given([opened('10', { creditLimit: eurData('50') })]);

    it('lets a debit go negative down to −creditLimit', () => {
      given.when(adjust('a-1', '-60')).then([adjusted('a-1', '-60', '10', '-50')]);
    });

    it('refuses a debit beyond the credit limit', () => {
      given.when(adjust('a-1', '-60.000001')).thenThrows('BUCKET.INSUFFICIENT_BALANCE');
    });
  });

  describe('when the bucket is 20 EUR below its credit limit', () => {
    it('still accepts a credit that leaves it below the line, as any credit helps', () => {
      const given = spec.given([opened('-70', { creditLimit: eurData('50') })]);
      given.when(adjust('a-1', '5')).then([adjusted('a-1', '5', '-70', '-65')]);
    });
  });

  describe('when the bucket holds −999999999999999 EUR against an equal credit limit', () => {
    it('rejects a debit whose result would leave the amount range', () => {
      const given = spec.given([opened('-999999999999999', { creditLimit: eurData('999999999999999') })]);
      given.when(adjust('a-1', '-1')).thenThrows('AMOUNT.OUT_OF_RANGE');
    });
  });

  describe('when adjustment a-1 was already applied', () => {
    it('stays quiet on the repeat', () => {
      spec
        .given([opened('500'), adjusted('a-1', '-50', '500', '450')])
        .when(adjust('a-1', '-50'))
        .thenNothingHappens();
    });
  });

  describe('when no bucket exists', () => {
    it('rejects the adjustment', () => {
      spec.given([]).when(adjust('a-1', '5')).thenThrows('BUCKET.NOT_FOUND');
    });
  });
});
