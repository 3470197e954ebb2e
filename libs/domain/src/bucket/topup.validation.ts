import { checkedAmount } from '../amount/decimal';
import { parseUnits } from '../amount/quantity';
import { domainError } from '../domain-error';
import { parsePeriod } from '../time/time-period';
import type { TopupBalanceData } from './bucket.commands';

/**
 * Request-level rules of a topup that need no bucket. Auto-topup fields are stored, not executed
 * (no scheduler runs them yet), so they are only checked for consistency: a recurrence makes
 * sense only on an auto-topup, and an auto-topup needs a recurrence to mean anything.
 */
export function validateTopup(data: TopupBalanceData): void {
  parseUnits(data.amount.units, 'amount.units');
  if (checkedAmount(data.amount.amount, 'amount.amount') <= 0n) {
    throw domainError('AMOUNT.NOT_POSITIVE', 'amount.amount of a topup must be greater than 0', 'amount.amount');
  }
  if (data.status !== undefined && data.status !== 'in progress' && data.status !== 'confirmed') {
    throw domainError(
      'TOPUP.INVALID_STATUS',
      `a topup is created "in progress" or "confirmed", not "${data.status}"`,
      'status',
    );
  }
  validateAutoTopup(data);
  parsePeriod(data.validFor);
}

function validateAutoTopup(data: TopupBalanceData): void {
  if (data.isAutoTopup !== undefined && typeof data.isAutoTopup !== 'boolean') {
    throw invalid('isAutoTopup', 'isAutoTopup must be true or false');
  }
  const auto = data.isAutoTopup === true;
  const period = data.recurringPeriod;
  if (period !== undefined && (typeof period !== 'string' || period.trim() === '')) {
    throw invalid('recurringPeriod', 'recurringPeriod must be a non-empty string such as "monthly"');
  }
  if (data.nrOfPeriods !== undefined && !(Number.isSafeInteger(data.nrOfPeriods) && data.nrOfPeriods > 0)) {
    throw invalid('nrOfPeriods', 'nrOfPeriods must be a positive whole number');
  }
  if (!auto && period !== undefined) throw invalid('recurringPeriod', 'recurringPeriod needs isAutoTopup: true');
  if (!auto && data.nrOfPeriods !== undefined) throw invalid('nrOfPeriods', 'nrOfPeriods needs isAutoTopup: true');
  if (auto && period === undefined) throw invalid('recurringPeriod', 'an auto-topup needs a recurringPeriod');
}

function invalid(field: string, message: string) {
  return domainError('TOPUP.INVALID_AUTO_TOPUP', message, field);
}
