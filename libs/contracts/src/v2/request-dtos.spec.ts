import 'reflect-metadata';
import { plainToInstance } from 'class-transformer';
import { validate } from 'class-validator';
import { DOCUMENT_LIMITS } from '../validation/document-limits';
import { FieldError, flattenValidationErrors } from '../validation/validation-errors';
import { InexactNumber } from '../validation/exact-amount.validator';
import { CreateBalanceAdjustmentDto } from './balance-adjustment.dto';
import { BalanceTopupStatusDto, CreateBalanceTopupDto } from './balance-topup.dto';
import { CreateBucketDto } from './bucket.dto';

type Dto = new () => object;

/** The same options the API's ValidationPipe uses, so these rules are the ones clients meet. */
async function problems(dto: Dto, body: object): Promise<FieldError[]> {
  const errors = await validate(plainToInstance(dto, body), {
    whitelist: true,
    forbidNonWhitelisted: true,
    forbidUnknownValues: true,
  });
  return flattenValidationErrors(errors);
}

const topup = { type: 'data', channel: { id: 'web' }, amount: { amount: 50, units: 'EUR' }, bucket: { id: 'b-1' } };
const adjustment = { type: 'data', reason: 'outage', amount: { amount: -12.5, units: 'EUR' }, product: { id: 'p-1' } };
const bucket = {
  type: 'deposit',
  amount: { amount: 0, units: 'EUR' },
  validFor: { startDateTime: '2025-01-01T00:00:00Z' },
  product: [{ id: 'p-1' }],
};

describe('request DTOs', () => {
  it.each<[string, Dto, object]>([
    ['a minimal topup', CreateBalanceTopupDto, topup],
    [
      'a topup identified by product, with every optional field',
      CreateBalanceTopupDto,
      {
        ...topup,
        bucket: undefined,
        product: { id: 'p-1', name: 'Prepaid', '@referredType': 'Product' },
        '@type': 'BalanceTopup',
        description: 'd',
        status: 'in progress',
        requestor: { id: 'agent-7', role: 'agent' },
        isAutoTopup: true,
        recurringPeriod: 'monthly',
        nrOfPeriods: 12,
        paymentMethod: { id: 'pm-1', type: 'voucher', details: { code: '1234' } },
        voucher: 'V-1',
        partyAccount: { id: 'acc-1' },
        validFor: { startDateTime: '2025-01-01T00:00:00+01:00', endDateTime: '2025-02-01T00:00:00+01:00' },
        relatedParty: [{ id: 'c-1' }],
      },
    ],
    ['a debit adjustment', CreateBalanceAdjustmentDto, adjustment],
    [
      'a bucket',
      CreateBucketDto,
      { ...bucket, creditLimit: { amount: 20, units: 'EUR' }, realizingResource: [{ id: 'r', '@Type': 'MSISDN' }] },
    ],
    ['a status change', BalanceTopupStatusDto, { status: 'in progress', reason: 'retry' }],
  ])('accepts %s', async (_case, dto, body) => {
    expect(await problems(dto, body)).toEqual([]);
  });

  it('defaults a new bucket to active', () => {
    expect(plainToInstance(CreateBucketDto, bucket).status).toBe('active');
  });

  it.each<[string, Dto, object, string, FieldError['code']]>([
    ['no amount', CreateBalanceTopupDto, { ...topup, amount: undefined }, 'amount', 'MISSING_FIELD'],
    [
      'null units',
      CreateBalanceTopupDto,
      { ...topup, amount: { amount: 5, units: null } },
      'amount.units',
      'MISSING_FIELD',
    ],
    [
      'empty units',
      CreateBalanceTopupDto,
      { ...topup, amount: { amount: 5, units: '' } },
      'amount.units',
      'INVALID_FIELD',
    ],
    [
      'a zero topup',
      CreateBalanceTopupDto,
      { ...topup, amount: { amount: 0, units: 'EUR' } },
      'amount.amount',
      'INVALID_FIELD',
    ],
    [
      'an amount as a string',
      CreateBalanceTopupDto,
      { ...topup, amount: { amount: '5', units: 'EUR' } },
      'amount.amount',
      'INVALID_FIELD',
    ],
    [
      'an inexact amount',
      CreateBalanceTopupDto,
      { ...topup, amount: { amount: new InexactNumber('0.10000000000000000001'), units: 'EUR' } },
      'amount.amount',
      'INVALID_FIELD',
    ],
    ['neither bucket nor product', CreateBalanceTopupDto, { ...topup, bucket: undefined }, 'bucket', 'MISSING_FIELD'],
    [
      'a bucket ref without id',
      CreateBalanceTopupDto,
      { ...topup, bucket: { href: '/b' } },
      'bucket.id',
      'MISSING_FIELD',
    ],
    ['a channel given as a string', CreateBalanceTopupDto, { ...topup, channel: 'web' }, 'channel', 'INVALID_FIELD'],
    [
      'an unknown nested field',
      CreateBalanceTopupDto,
      { ...topup, relatedParty: [{ id: 'c' }, { id: 'd', colour: 1 }] },
      'relatedParty[1].colour',
      'UNKNOWN_FIELD',
    ],
    ['a server-set id', CreateBalanceTopupDto, { ...topup, id: 't-1' }, 'id', 'UNKNOWN_FIELD'],
    ['a topup created cancelled', CreateBalanceTopupDto, { ...topup, status: 'cancelled' }, 'status', 'INVALID_FIELD'],
    [
      'a server-set date',
      CreateBalanceTopupDto,
      { ...topup, requestedDate: '2025-01-01T00:00:00Z' },
      'requestedDate',
      'UNKNOWN_FIELD',
    ],
    [
      'an auto topup without period',
      CreateBalanceTopupDto,
      { ...topup, isAutoTopup: true },
      'recurringPeriod',
      'MISSING_FIELD',
    ],
    [
      'isAutoTopup as a string',
      CreateBalanceTopupDto,
      { ...topup, isAutoTopup: 'true' },
      'isAutoTopup',
      'INVALID_FIELD',
    ],
    ['zero periods', CreateBalanceTopupDto, { ...topup, nrOfPeriods: 0 }, 'nrOfPeriods', 'INVALID_FIELD'],
    [
      'a fractional period count',
      CreateBalanceTopupDto,
      { ...topup, nrOfPeriods: 1.5 },
      'nrOfPeriods',
      'INVALID_FIELD',
    ],
    [
      'a nested payment detail',
      CreateBalanceTopupDto,
      { ...topup, paymentMethod: { id: 'pm', details: { a: { b: 1 } } } },
      'paymentMethod.details',
      'INVALID_FIELD',
    ],
    [
      'a date without offset',
      CreateBalanceTopupDto,
      { ...topup, validFor: { startDateTime: '2025-01-01T00:00:00' } },
      'validFor.startDateTime',
      'INVALID_FIELD',
    ],
    [
      'an adjustment without reason',
      CreateBalanceAdjustmentDto,
      { ...adjustment, reason: undefined },
      'reason',
      'MISSING_FIELD',
    ],
    [
      'a zero adjustment',
      CreateBalanceAdjustmentDto,
      { ...adjustment, amount: { amount: 0, units: 'EUR' } },
      'amount.amount',
      'INVALID_FIELD',
    ],
    ['a bucket without products', CreateBucketDto, { ...bucket, product: [] }, 'product', 'INVALID_FIELD'],
    ['a bucket without validFor', CreateBucketDto, { ...bucket, validFor: undefined }, 'validFor', 'MISSING_FIELD'],
    ['an unknown bucket status', CreateBucketDto, { ...bucket, status: 'closed' }, 'status', 'INVALID_FIELD'],
    [
      'a negative opening balance',
      CreateBucketDto,
      { ...bucket, amount: { amount: -1, units: 'EUR' } },
      'amount.amount',
      'INVALID_FIELD',
    ],
    [
      'a period ending before it starts',
      CreateBucketDto,
      { ...bucket, validFor: { startDateTime: '2025-01-02T00:00:00Z', endDateTime: '2025-01-01T00:00:00Z' } },
      'validFor.endDateTime',
      'INVALID_FIELD',
    ],
    [
      'the R17 name of the amount',
      CreateBucketDto,
      { ...bucket, remainedAmount: { amount: 1, units: 'EUR' } },
      'remainedAmount',
      'UNKNOWN_FIELD',
    ],
    ['a v4 topup status', BalanceTopupStatusDto, { status: 'completed' }, 'status', 'INVALID_FIELD'],
  ])('rejects %s, naming the field', async (_case, dto, body, path, code) => {
    const found = await problems(dto, body);
    expect(found).toContainEqual(expect.objectContaining({ path, code }));
    expect(found.find((problem) => problem.path === path)?.message.startsWith(path)).toBe(true);
  });
});

describe('document limits', () => {
  const { arrayItems, codeLength, nameLength, textLength, mapKeys, mapValueLength } = DOCUMENT_LIMITS;
  const refs = (n: number) => Array.from({ length: n }, (_, i) => ({ id: `r-${i}` }));
  const details = (n: number, valueLength = 1) =>
    Object.fromEntries(Array.from({ length: n }, (_, i) => [`k${i}`, 'v'.repeat(valueLength)]));

  it.each<[string, Dto, object]>([
    [
      'a bucket with every array at its limit',
      CreateBucketDto,
      { ...bucket, product: refs(arrayItems), relatedParty: refs(arrayItems), realizingResource: refs(arrayItems) },
    ],
    [
      'names, codes and text at their limits',
      CreateBucketDto,
      {
        ...bucket,
        type: 't'.repeat(codeLength),
        name: 'n'.repeat(nameLength),
        description: 'd'.repeat(textLength),
        product: [
          { id: 'i'.repeat(nameLength), href: 'h'.repeat(nameLength), '@referredType': 'p'.repeat(codeLength) },
        ],
      },
    ],
    [
      'a name of 256 emoji (code points, not UTF-16 units)',
      CreateBucketDto,
      { ...bucket, name: '😀'.repeat(nameLength) },
    ],
    [
      'payment details at their limits',
      CreateBalanceTopupDto,
      { ...topup, paymentMethod: { id: 'pm', details: details(mapKeys, mapValueLength) } },
    ],
  ])('accepts %s', async (_case, dto, body) => {
    expect(await problems(dto, body)).toEqual([]);
  });

  it.each<[string, Dto, object, string, string]>([
    ['21 products', CreateBucketDto, { ...bucket, product: refs(21) }, 'product', 'at most 20 items'],
    ['21 related parties', CreateBalanceTopupDto, { ...topup, relatedParty: refs(21) }, 'relatedParty', 'at most 20'],
    ['21 realizing resources', CreateBucketDto, { ...bucket, realizingResource: refs(21) }, 'realizingResource', '20'],
    ['a 257-character id', CreateBalanceTopupDto, { ...topup, bucket: { id: 'b'.repeat(257) } }, 'bucket.id', '256'],
    [
      'a 257-character product name',
      CreateBucketDto,
      { ...bucket, product: [{ id: 'p', name: 'n'.repeat(257) }] },
      'product[0].name',
      'at most 256 characters',
    ],
    ['a 65-character type', CreateBalanceAdjustmentDto, { ...adjustment, type: 't'.repeat(65) }, 'type', '64'],
    [
      'a 65-character unit',
      CreateBucketDto,
      { ...bucket, amount: { amount: 1, units: 'u'.repeat(65) } },
      'amount.units',
      '64',
    ],
    [
      'a 1025-character reason',
      CreateBalanceAdjustmentDto,
      { ...adjustment, reason: 'r'.repeat(1025) },
      'reason',
      '1024',
    ],
    [
      'a description of 1026 code points that class-validator MaxLength would count as 513 characters',
      CreateBucketDto,
      { ...bucket, description: 'a\ufe0f'.repeat(513) },
      'description',
      '1024',
    ],
    [
      'a 1025-character status reason',
      BalanceTopupStatusDto,
      { status: 'cancelled', reason: 'r'.repeat(1025) },
      'reason',
      '1024',
    ],
    [
      '21 payment details',
      CreateBalanceTopupDto,
      { ...topup, paymentMethod: { id: 'pm', details: details(21) } },
      'paymentMethod.details',
      'at most 20 keys',
    ],
    [
      'a 257-character payment detail',
      CreateBalanceTopupDto,
      { ...topup, paymentMethod: { id: 'pm', details: details(1, 257) } },
      'paymentMethod.details',
      'values of at most 256 characters (k0 is longer)',
    ],
    [
      'a 65-character payment detail key',
      CreateBalanceTopupDto,
      { ...topup, paymentMethod: { id: 'pm', details: { ['k'.repeat(65)]: 'v' } } },
      'paymentMethod.details',
      'keys of at most 64 characters',
    ],
  ])('rejects %s as INVALID_FIELD naming the field', async (_case, dto, body, path, says) => {
    const found = (await problems(dto, body)).find((problem) => problem.path === path);
    expect(found).toMatchObject({ code: 'INVALID_FIELD' });
    expect(found?.message).toMatch(
      new RegExp(`^${path.replace(/[[\].]/g, '\\$&')} .*${says.replace(/[()]/g, '\\$&')}`),
    );
  });
});
