import 'reflect-metadata';
import { plainToInstance } from 'class-transformer';
import { validate } from 'class-validator';
import { DOCUMENT_LIMITS } from '../validation/document-limits';
import { flattenValidationErrors } from '../validation/validation-errors';
import { BalanceDeductDto, BalanceUnreserveDto, CreateBalanceReserveDto } from './balance-charging.dto';

type Dto = new () => object;

/** The API's ValidationPipe options, so these are the rules a charging system meets. */
async function fields(dto: Dto, body: object): Promise<string[]> {
  const errors = await validate(plainToInstance(dto, body), {
    whitelist: true,
    forbidNonWhitelisted: true,
    forbidUnknownValues: true,
  });
  return flattenValidationErrors(errors).map((e) => e.path);
}

const bucket = { id: 'b-1' };
const eur = (amount: number) => ({ amount, units: 'EUR' });

describe('charging request DTOs', () => {
  it.each<[string, Dto, object]>([
    ['a minimal reserve', CreateBalanceReserveDto, { bucket, reservedAmount: eur(2) }],
    [
      'a reserve with id, expiry and parties',
      CreateBalanceReserveDto,
      {
        id: 'r-1',
        bucket,
        reservedAmount: eur(0.5),
        expiresAt: '2026-01-01T10:15:00+01:00',
        relatedParty: [{ id: 'cust-9', role: 'customer' }],
        requestor: { id: 'ocs-1' },
        description: 'voice session',
      },
    ],
    ['a full unreserve', BalanceUnreserveDto, { bucket, balanceReserve: { id: 'r-1' } }],
    ['a partial unreserve', BalanceUnreserveDto, { bucket, balanceReserve: { id: 'r-1' }, amount: eur(1) }],
    ['a direct deduct', BalanceDeductDto, { bucket, amount: eur(1), reason: 'SMS' }],
    [
      'a final capture',
      BalanceDeductDto,
      { id: 'd-1', bucket, balanceReserve: { id: 'r-1' }, amount: eur(1), final: true },
    ],
  ])('accepts %s', async (_name, dto, body) => {
    expect(await fields(dto, body)).toEqual([]);
  });

  it.each<[string, Dto, object, string]>([
    ['a reserve without a bucket', CreateBalanceReserveDto, { reservedAmount: eur(1) }, 'bucket'],
    ['a reserve of 0', CreateBalanceReserveDto, { bucket, reservedAmount: eur(0) }, 'reservedAmount.amount'],
    [
      'a reserve with a local time',
      CreateBalanceReserveDto,
      { bucket, reservedAmount: eur(1), expiresAt: '2026-01-01T10:15:00' },
      'expiresAt',
    ],
    [
      'a reserve id over the name limit',
      CreateBalanceReserveDto,
      { id: 'x'.repeat(DOCUMENT_LIMITS.nameLength + 1), bucket, reservedAmount: eur(1) },
      'id',
    ],
    ['an unreserve without its reservation', BalanceUnreserveDto, { bucket }, 'balanceReserve'],
    ['a negative deduct', BalanceDeductDto, { bucket, amount: eur(-1) }, 'amount.amount'],
    ['a deduct with final as text', BalanceDeductDto, { bucket, amount: eur(1), final: 'yes' }, 'final'],
    [
      'a deduct reason over the text limit',
      BalanceDeductDto,
      { bucket, amount: eur(1), reason: 'x'.repeat(DOCUMENT_LIMITS.textLength + 1) },
      'reason',
    ],
  ])('refuses %s, naming the field', async (_name, dto, body, field) => {
    expect(await fields(dto, body)).toContain(field);
  });
});
