import {
  BUCKET_ID,
  adjust,
  changeStatus,
  confirm,
  opened,
  requested,
  spec,
  statusChanged,
  topup,
  toppedUp,
} from '../testing/bucket.fixtures';
import { bucketEvent } from './bucket.events';
import { bucketStatusAt } from './bucket.guards';

// VALID_FOR in the fixtures runs from 2025-01-01T00:00:00Z to 2026-01-01T00:00:00Z (end exclusive).
const AT_END = '2026-01-01T00:00:00Z';
const JUST_BEFORE_END = '2025-12-31T23:59:59.999Z';
const BEFORE_START = '2024-12-31T23:59:59Z';

describe('bucket validity', () => {
  describe('when the bucket holds 500 EUR and its validFor has ended, with no job having marked it', () => {
    const given = spec.given([opened('500'), requested('t-1', '50')]);

    it('behaves as expired for topups, confirmations and adjustments', () => {
      given.when(topup('t-2', '5', {}, AT_END)).thenThrows('BUCKET.EXPIRED');
      given.when(confirm('t-1', AT_END)).thenThrows('BUCKET.EXPIRED');
      given.when(adjust('a-1', '-5', AT_END)).thenThrows('BUCKET.EXPIRED');
    });

    it('still accepts changes up to the last instant before the end', () => {
      given.when(adjust('a-1', '5', JUST_BEFORE_END)).then([
        bucketEvent('BalanceAdjusted', {
          adjustmentId: 'a-1',
          bucketId: BUCKET_ID,
          amount: { amount: '5', units: 'EUR' },
          requestedDate: JUST_BEFORE_END,
          amountBefore: { amount: '500', units: 'EUR' },
          amountAfter: { amount: '505', units: 'EUR' },
        }),
      ]);
    });

    it('accepts recording the expiry, as an expiry job does', () => {
      given.when(changeStatus('expired', AT_END)).then([statusChanged('expired', 'active', AT_END)]);
    });

    it('refuses to reactivate or suspend it', () => {
      given.when(changeStatus('suspended', AT_END)).thenThrows('BUCKET.EXPIRED', 'status');
    });
  });

  describe('when the bucket was marked expired', () => {
    const given = spec.given([opened('500'), statusChanged('expired', 'active')]);

    it('refuses any balance change', () => {
      given.when(topup('t-1', '5')).thenThrows('BUCKET.EXPIRED');
      given.when(adjust('a-1', '5')).thenThrows('BUCKET.EXPIRED');
    });

    it('refuses to become active again: expired is terminal', () => {
      given.when(changeStatus('active')).thenThrows('BUCKET.EXPIRED');
    });

    it('stays quiet when marked expired again', () => {
      given.when(changeStatus('expired')).thenNothingHappens();
    });
  });

  describe('when the bucket is suspended', () => {
    const given = spec.given([opened('500'), statusChanged('suspended', 'active')]);

    it('refuses any balance change', () => {
      given.when(topup('t-1', '5')).thenThrows('BUCKET.SUSPENDED');
      given.when(adjust('a-1', '-5')).thenThrows('BUCKET.SUSPENDED');
    });
  });

  describe('when the bucket holds 500 EUR but its validFor has not started yet', () => {
    const given = spec.given([opened('500')]);

    it('refuses balance changes before validFor.startDateTime', () => {
      given.when(topup('t-1', '5', {}, BEFORE_START)).thenThrows('BUCKET.NOT_YET_VALID');
      given.when(adjust('a-1', '5', BEFORE_START)).thenThrows('BUCKET.NOT_YET_VALID');
    });

    it('still lets its status change', () => {
      given.when(changeStatus('suspended', BEFORE_START)).then([statusChanged('suspended', 'active', BEFORE_START)]);
    });
  });

  describe('when a topup was already confirmed before the bucket expired', () => {
    it('stays quiet on a repeated confirmation after the end', () => {
      const history = [opened('500'), requested('t-1', '5'), toppedUp('t-1', '5', '500', '505')];
      spec.given(history).when(confirm('t-1', AT_END)).thenNothingHappens();
    });
  });

  describe('when a read side shows a bucket recorded active whose validFor has ended', () => {
    it('reads it as expired from the end on, and untouched before', () => {
      const validFor = { startDateTime: '2025-01-01T00:00:00Z', endDateTime: AT_END };
      expect(bucketStatusAt('active', validFor, AT_END)).toBe('expired');
      expect(bucketStatusAt('suspended', validFor, AT_END)).toBe('expired');
      expect(bucketStatusAt('suspended', validFor, JUST_BEFORE_END)).toBe('suspended');
      expect(bucketStatusAt('active', { startDateTime: '2025-01-01T00:00:00Z' }, AT_END)).toBe('active');
    });
  });
});
