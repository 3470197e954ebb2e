import { startLedgerApp, LedgerApp } from '../support/ledger-app';
import {
  adjustmentBody,
  ApiResponse,
  bucketBody,
  countEvents,
  createBucket,
  expectStatus,
  Json,
  topupBody,
  v2Client,
  V2Client,
} from './v2-client';

jest.setTimeout(60_000);

/**
 * Every rejected request leaves the ledger as it was. Each row: the request, the status it must
 * get, and the text that `message` or `code` must contain to point the client at the fault
 * (undefined where no single field is at fault, e.g. malformed JSON or a state conflict), or the
 * exact domain code.
 */
interface Fixture {
  bucketId: string;
  confirmedTopupId: string;
  cancelledTopupId: string;
}

type Method = 'POST' | 'PUT';
type BadRequest = [
  name: string,
  method: Method,
  path: (f: Fixture) => string,
  body: (f: Fixture) => Json | string,
  status: number | number[],
  names: string | undefined,
];

/** A body with one field removed or replaced; `path` is dotted (`amount.units`, `product.0.id`). */
function without(body: Json, path: string): Json {
  return edit(body, path, () => undefined);
}
function withValue(body: Json, path: string, value: unknown): Json {
  return edit(body, path, () => value);
}
function edit(body: Json, path: string, change: () => unknown): Json {
  const copy = structuredClone(body);
  const keys = path.split('.');
  const parent = keys.slice(0, -1).reduce((node: any, key) => node[key], copy);
  const last = keys[keys.length - 1];
  const value = change();
  if (value === undefined) delete parent[last];
  else parent[last] = value;
  return copy;
}

const BUCKET = '/bucket';
const TOPUP = '/balanceTopup';
const ADJUST = '/balanceAdjustment';
const bucket = (): string => BUCKET;
const topup = (): string => TOPUP;
const adjust = (): string => ADJUST;
const status =
  (id: keyof Fixture) =>
  (f: Fixture): string =>
    `/balanceTopup/${f[id]}/status`;
const newBucket = (change: (b: Json) => Json | string) => (): Json | string => change(bucketBody());
const newTopup =
  (change: (b: Json) => Json | string) =>
  (f: Fixture): Json | string =>
    change(topupBody(f.bucketId, 5));
const newAdjust =
  (change: (b: Json) => Json | string) =>
  (f: Fixture): Json | string =>
    change(adjustmentBody(f.bucketId, -1));
// The raw text of a JSON body with the amount literal swapped: JSON.stringify cannot write 1e400 or NaN.
const rawAmount = (body: Json, literal: string): string =>
  JSON.stringify(body).replace('"amount":{"amount":5', `"amount":{"amount":${literal}`);
const CONFLICT = [409, 422];
/** A `names` entry that is a domain code must be the error's exact code. */
const DOMAIN_CODE = /^[A-Z]+\.[A-Z_]+$/;

const cases: BadRequest[] = [
  // POST /bucket: mandatory fields
  ['bucket without type', 'POST', bucket, newBucket((b) => without(b, 'type')), 400, 'type'],
  ['bucket without product', 'POST', bucket, newBucket((b) => without(b, 'product')), 400, 'product'],
  ['bucket without amount', 'POST', bucket, newBucket((b) => without(b, 'amount')), 400, 'amount'],
  ['bucket without validFor', 'POST', bucket, newBucket((b) => without(b, 'validFor')), 400, 'validFor'],
  ['bucket without amount.units', 'POST', bucket, newBucket((b) => without(b, 'amount.units')), 400, 'amount.units'],
  ['bucket without amount.amount', 'POST', bucket, newBucket((b) => without(b, 'amount.amount')), 400, 'amount.amount'],
  [
    'bucket without validFor.startDateTime',
    'POST',
    bucket,
    newBucket((b) => without(b, 'validFor.startDateTime')),
    400,
    'validFor.startDateTime',
  ],
  ['bucket with an empty product array', 'POST', bucket, newBucket((b) => withValue(b, 'product', [])), 400, 'product'],
  [
    'bucket with a product ref without id',
    'POST',
    bucket,
    newBucket((b) => withValue(b, 'product', [{ name: 'x' }])),
    400,
    'product[0].id',
  ],
  // POST /bucket: wrong types
  ['bucket with type as a number', 'POST', bucket, newBucket((b) => withValue(b, 'type', 7)), 400, 'type'],
  ['bucket with an empty type', 'POST', bucket, newBucket((b) => withValue(b, 'type', '')), 400, 'type'],
  ['bucket with amount as a string', 'POST', bucket, newBucket((b) => withValue(b, 'amount', '10 EUR')), 400, 'amount'],
  [
    'bucket with amount.amount as a string',
    'POST',
    bucket,
    newBucket((b) => withValue(b, 'amount.amount', '10')),
    400,
    'amount.amount',
  ],
  [
    'bucket with amount.units as a number',
    'POST',
    bucket,
    newBucket((b) => withValue(b, 'amount.units', 978)),
    400,
    'amount.units',
  ],
  [
    'bucket with amount as an array',
    'POST',
    bucket,
    newBucket((b) => withValue(b, 'amount', [10, 'EUR'])),
    400,
    'amount',
  ],
  ['bucket with amount null', 'POST', bucket, newBucket((b) => withValue(b, 'amount', null)), 400, 'amount'],
  [
    'bucket with product as an object',
    'POST',
    bucket,
    newBucket((b) => withValue(b, 'product', { id: 'prod-1' })),
    400,
    'product',
  ],
  [
    'bucket with validFor as an array',
    'POST',
    bucket,
    newBucket((b) => withValue(b, 'validFor', ['2025-01-01T00:00:00Z'])),
    400,
    'validFor',
  ],
  [
    'bucket with relatedParty as an object',
    'POST',
    bucket,
    newBucket((b) => withValue(b, 'relatedParty', { id: 'cust-1' })),
    400,
    'relatedParty',
  ],
  [
    'bucket with partyAccount as a string',
    'POST',
    bucket,
    newBucket((b) => withValue(b, 'partyAccount', 'acc-1')),
    400,
    'partyAccount',
  ],
  // POST /bucket: amounts
  [
    'bucket with a negative opening amount',
    'POST',
    bucket,
    newBucket((b) => withValue(b, 'amount.amount', -5)),
    400,
    'amount.amount',
  ],
  [
    'bucket with an amount of 1e15',
    'POST',
    bucket,
    newBucket((b) => withValue(b, 'amount.amount', 1e15)),
    400,
    'amount.amount',
  ],
  [
    'bucket with an over-precise amount 0.0000001',
    'POST',
    bucket,
    newBucket((b) => withValue(b, 'amount.amount', 0.0000001)),
    400,
    'amount.amount',
  ],
  [
    'bucket with an amount of 1e400',
    'POST',
    bucket,
    newBucket((b) => JSON.stringify(b).replace('"amount":{"amount":10', '"amount":{"amount":1e400')),
    400,
    'amount.amount',
  ],
  // POST /bucket: dates, enums, unknown fields
  [
    'bucket with a date-only startDateTime',
    'POST',
    bucket,
    newBucket((b) => withValue(b, 'validFor.startDateTime', '2025-01-01')),
    400,
    'validFor.startDateTime',
  ],
  [
    'bucket with a startDateTime without offset',
    'POST',
    bucket,
    newBucket((b) => withValue(b, 'validFor.startDateTime', '2025-01-01T00:00:00')),
    400,
    'validFor.startDateTime',
  ],
  [
    'bucket with month 13 in endDateTime',
    'POST',
    bucket,
    newBucket((b) => withValue(b, 'validFor.endDateTime', '2099-13-01T00:00:00Z')),
    400,
    'validFor.endDateTime',
  ],
  [
    'bucket with an epoch-number startDateTime',
    'POST',
    bucket,
    newBucket((b) => withValue(b, 'validFor.startDateTime', 1735689600000)),
    400,
    'validFor.startDateTime',
  ],
  [
    'bucket ending before it starts',
    'POST',
    bucket,
    newBucket((b) => withValue(b, 'validFor.endDateTime', '2024-01-01T00:00:00Z')),
    400,
    'validFor.endDateTime',
  ],
  ['bucket with an unknown status', 'POST', bucket, newBucket((b) => withValue(b, 'status', 'closed')), 400, 'status'],
  [
    'bucket with an unknown top-level field',
    'POST',
    bucket,
    newBucket((b) => withValue(b, 'colour', 'red')),
    400,
    'colour',
  ],
  [
    'bucket with an unknown field in amount',
    'POST',
    bucket,
    newBucket((b) => withValue(b, 'amount.currency', 'EUR')),
    400,
    'amount.currency',
  ],
  [
    'bucket with an unknown field in a product ref',
    'POST',
    bucket,
    newBucket((b) => withValue(b, 'product', [{ id: 'p', foo: 1 }])),
    400,
    'product[0].foo',
  ],
  ['bucket with a server-set id', 'POST', bucket, newBucket((b) => withValue(b, 'id', 'my-own-id')), 400, 'id'],
  ['bucket as malformed JSON', 'POST', bucket, newBucket((b) => JSON.stringify(b).slice(0, -5)), 400, undefined],
  ['bucket as a JSON array', 'POST', bucket, newBucket((b) => JSON.stringify([b])), 400, undefined],

  // POST /balanceTopup
  ['topup without type', 'POST', topup, newTopup((b) => without(b, 'type')), 400, 'type'],
  ['topup without channel', 'POST', topup, newTopup((b) => without(b, 'channel')), 400, 'channel'],
  ['topup without amount', 'POST', topup, newTopup((b) => without(b, 'amount')), 400, 'amount'],
  ['topup without amount.units', 'POST', topup, newTopup((b) => without(b, 'amount.units')), 400, 'amount.units'],
  ['topup without bucket or product', 'POST', topup, newTopup((b) => without(b, 'bucket')), 400, 'bucket'],
  [
    'topup without channel.id',
    'POST',
    topup,
    newTopup((b) => withValue(b, 'channel', { name: 'web' })),
    400,
    'channel.id',
  ],
  ['topup of 0', 'POST', topup, newTopup((b) => withValue(b, 'amount.amount', 0)), 400, 'amount.amount'],
  ['topup of -0', 'POST', topup, newTopup((b) => rawAmount(b, '-0')), 400, 'amount.amount'],
  [
    'topup of a negative amount',
    'POST',
    topup,
    newTopup((b) => withValue(b, 'amount.amount', -5)),
    400,
    'amount.amount',
  ],
  [
    'topup with amount.amount as a string',
    'POST',
    topup,
    newTopup((b) => withValue(b, 'amount.amount', '5')),
    400,
    'amount.amount',
  ],
  [
    'topup with amount.amount "NaN"',
    'POST',
    topup,
    newTopup((b) => withValue(b, 'amount.amount', 'NaN')),
    400,
    'amount.amount',
  ],
  ['topup with a bare NaN literal', 'POST', topup, newTopup((b) => rawAmount(b, 'NaN')), 400, undefined],
  [
    'topup with amount.units as a number',
    'POST',
    topup,
    newTopup((b) => withValue(b, 'amount.units', 978)),
    400,
    'amount.units',
  ],
  [
    'topup with amount as an array',
    'POST',
    topup,
    newTopup((b) => withValue(b, 'amount', [{ amount: 5, units: 'EUR' }])),
    400,
    'amount',
  ],
  ['topup with an amount of 1e400', 'POST', topup, newTopup((b) => rawAmount(b, '1e400')), 400, 'amount.amount'],
  [
    'topup with an amount of 1e15',
    'POST',
    topup,
    newTopup((b) => withValue(b, 'amount.amount', 1e15)),
    400,
    'amount.amount',
  ],
  [
    'topup with an over-precise amount 0.0000001',
    'POST',
    topup,
    newTopup((b) => withValue(b, 'amount.amount', 0.0000001)),
    400,
    'amount.amount',
  ],
  [
    'topup with 22 significant digits',
    'POST',
    topup,
    newTopup((b) => rawAmount(b, '5.000000000000000000001')),
    400,
    'amount.amount',
  ],
  [
    'topup with channel as an array',
    'POST',
    topup,
    newTopup((b) => withValue(b, 'channel', [{ id: 'web' }])),
    400,
    'channel',
  ],
  ['topup with bucket as a string', 'POST', topup, newTopup((b) => withValue(b, 'bucket', 'b-1')), 400, 'bucket'],
  [
    'topup with a bad validFor date',
    'POST',
    topup,
    newTopup((b) => withValue(b, 'validFor', { startDateTime: '2025-02-29T00:00:00Z' })),
    400,
    'validFor.startDateTime',
  ],
  [
    'topup with an unknown top-level field',
    'POST',
    topup,
    newTopup((b) => withValue(b, 'colour', 'red')),
    400,
    'colour',
  ],
  [
    'topup with an unknown field in bucket',
    'POST',
    topup,
    newTopup((b) => withValue(b, 'bucket.size', 3)),
    400,
    'bucket.size',
  ],
  [
    'topup with a server-set confirmationDate',
    'POST',
    topup,
    newTopup((b) => withValue(b, 'confirmationDate', '2025-01-01T00:00:00Z')),
    400,
    'confirmationDate',
  ],
  ['topup with a v4 status', 'POST', topup, newTopup((b) => withValue(b, 'status', 'completed')), 400, 'status'],
  [
    'topup in USD on an EUR bucket',
    'POST',
    topup,
    newTopup((b) => withValue(b, 'amount.units', 'USD')),
    CONFLICT,
    'units',
  ],
  [
    'topup of an unknown bucket',
    'POST',
    topup,
    newTopup((b) => withValue(b, 'bucket.id', 'no-such-bucket')),
    404,
    'bucket',
  ],
  ['topup as malformed JSON', 'POST', topup, newTopup((b) => JSON.stringify(b).replace(':', '')), 400, undefined],

  // POST /balanceAdjustment
  ['adjustment without type', 'POST', adjust, newAdjust((b) => without(b, 'type')), 400, 'type'],
  ['adjustment without reason', 'POST', adjust, newAdjust((b) => without(b, 'reason')), 400, 'reason'],
  ['adjustment without amount', 'POST', adjust, newAdjust((b) => without(b, 'amount')), 400, 'amount'],
  ['adjustment without bucket or product', 'POST', adjust, newAdjust((b) => without(b, 'bucket')), 400, 'bucket'],
  ['adjustment of 0', 'POST', adjust, newAdjust((b) => withValue(b, 'amount.amount', 0)), 400, 'amount.amount'],
  [
    'adjustment with amount.amount as a string',
    'POST',
    adjust,
    newAdjust((b) => withValue(b, 'amount.amount', '-1')),
    400,
    'amount.amount',
  ],
  [
    'adjustment with amount.units as a number',
    'POST',
    adjust,
    newAdjust((b) => withValue(b, 'amount.units', 978)),
    400,
    'amount.units',
  ],
  ['adjustment with reason as a number', 'POST', adjust, newAdjust((b) => withValue(b, 'reason', 42)), 400, 'reason'],
  ['adjustment of -1e15', 'POST', adjust, newAdjust((b) => withValue(b, 'amount.amount', -1e15)), 400, 'amount.amount'],
  [
    'adjustment with an over-precise amount -0.0000001',
    'POST',
    adjust,
    newAdjust((b) => withValue(b, 'amount.amount', -0.0000001)),
    400,
    'amount.amount',
  ],
  [
    'adjustment with an unknown field in amount',
    'POST',
    adjust,
    newAdjust((b) => withValue(b, 'amount.sign', '-')),
    400,
    'amount.sign',
  ],
  [
    'adjustment in USD on an EUR bucket',
    'POST',
    adjust,
    newAdjust((b) => withValue(b, 'amount.units', 'USD')),
    CONFLICT,
    'units',
  ],
  [
    'adjustment of an unknown bucket',
    'POST',
    adjust,
    newAdjust((b) => withValue(b, 'bucket.id', 'no-such-bucket')),
    404,
    'bucket',
  ],
  [
    'adjustment of a product with no bucket',
    'POST',
    adjust,
    newAdjust((b) => withValue(without(b, 'bucket'), 'product', { id: 'no-such-product' })),
    404,
    'product',
  ],
  [
    'adjustment debiting more than the balance',
    'POST',
    adjust,
    newAdjust((b) => withValue(b, 'amount.amount', -11.01)),
    CONFLICT,
    'BUCKET.INSUFFICIENT_BALANCE',
  ],

  // PUT /balanceTopup/{id}/status
  ['status change without status', 'PUT', status('confirmedTopupId'), () => ({ reason: 'why not' }), 400, 'status'],
  ['status change to a v4 status', 'PUT', status('confirmedTopupId'), () => ({ status: 'completed' }), 400, 'status'],
  ['status change with status as a number', 'PUT', status('confirmedTopupId'), () => ({ status: 1 }), 400, 'status'],
  [
    'status change with an unknown field',
    'PUT',
    status('confirmedTopupId'),
    () => ({ status: 'cancelled', force: true }),
    400,
    'force',
  ],
  ['status change as malformed JSON', 'PUT', status('confirmedTopupId'), () => '{"status":"cancelled"', 400, undefined],
  [
    'status change of an unknown topup',
    'PUT',
    () => '/balanceTopup/no-such-topup/status',
    () => ({ status: 'cancelled' }),
    404,
    undefined,
  ],
  [
    'status change from cancelled to confirmed',
    'PUT',
    status('cancelledTopupId'),
    () => ({ status: 'confirmed' }),
    409,
    undefined,
  ],
  [
    'status change from confirmed back to in progress',
    'PUT',
    status('confirmedTopupId'),
    () => ({ status: 'in progress' }),
    409,
    undefined,
  ],
  // Document limits (docs/kafka-cluster.md, "Limits"): each a TMF 400 INVALID_FIELD naming the path
  [
    'bucket with 21 products',
    'POST',
    bucket,
    newBucket((b) =>
      withValue(
        b,
        'product',
        Array.from({ length: 21 }, (_, i) => ({ id: `p-${i}` })),
      ),
    ),
    400,
    'INVALID_FIELD product must contain at most 20 items',
  ],
  [
    'bucket with a 257-character product name',
    'POST',
    bucket,
    newBucket((b) => withValue(b, 'product', [{ id: 'p', name: 'n'.repeat(257) }])),
    400,
    'INVALID_FIELD product[0].name must be at most 256 characters long',
  ],
  [
    'topup with 21 related parties',
    'POST',
    topup,
    newTopup((b) =>
      withValue(
        b,
        'relatedParty',
        Array.from({ length: 21 }, (_, i) => ({ id: `c-${i}` })),
      ),
    ),
    400,
    'INVALID_FIELD relatedParty must contain at most 20 items',
  ],
  [
    'topup with 21 payment details',
    'POST',
    topup,
    newTopup((b) =>
      withValue(b, 'paymentMethod', {
        id: 'pm',
        details: Object.fromEntries(Array.from({ length: 21 }, (_, i) => [`k${i}`, 'v'])),
      }),
    ),
    400,
    'INVALID_FIELD paymentMethod.details must have at most 20 keys',
  ],
  [
    'adjustment with a 1025-character reason',
    'POST',
    adjust,
    newAdjust((b) => withValue(b, 'reason', 'r'.repeat(1025))),
    400,
    'INVALID_FIELD reason must be at most 1024 characters long',
  ],
];

describe('TMF654 v2 bad requests: a TMF error, and no event appended', () => {
  let app: LedgerApp;
  let api: V2Client;
  const fixture = {} as Fixture;

  beforeAll(async () => {
    app = await startLedgerApp();
    api = v2Client(app.v2);
    fixture.bucketId = (await createBucket(api, { product: [{ id: 'prod-bad' }] })).id;
    const confirmed = await api.post(TOPUP, topupBody(fixture.bucketId, 1));
    expectStatus(confirmed, 201);
    fixture.confirmedTopupId = confirmed.body.id;
    const cancelled = await api.post(TOPUP, topupBody(fixture.bucketId, 2));
    expectStatus(cancelled, 201);
    fixture.cancelledTopupId = cancelled.body.id;
    expectStatus(await api.put(`/balanceTopup/${fixture.cancelledTopupId}/status`, { status: 'cancelled' }), 200, 204);
  });
  afterAll(async () => {
    await app?.close();
  });

  it('has enough cases', () => {
    expect(cases.length).toBeGreaterThanOrEqual(40);
    expect(new Set(cases.map(([name]) => name)).size).toBe(cases.length);
  });

  it('starts from a bucket of 11 EUR (10 + 1, the cancelled 2 reversed)', async () => {
    const res = await api.get(`/bucket/${fixture.bucketId}`);
    expect(res.body.amount).toEqual({ amount: 11, units: 'EUR' });
  });

  it.each(cases)('rejects %s', async (_name, method, path, body, expected, names) => {
    const before = await countEvents(app.db.pool);
    const payload = body(fixture);
    const raw = typeof payload === 'string' ? payload : JSON.stringify(payload);
    const res: ApiResponse =
      method === 'POST'
        ? await api.post(path(fixture), undefined, { raw, headers: { 'content-type': 'application/json' } })
        : await api.put(path(fixture), undefined, { raw, headers: { 'content-type': 'application/json' } });

    expectStatus(res, ...(Array.isArray(expected) ? expected : [expected]));
    expect(res.body).toEqual(
      expect.objectContaining({
        code: expect.any(String),
        reason: expect.any(String),
        message: expect.any(String),
        status: String(res.status),
      }),
    );
    if (names !== undefined && DOMAIN_CODE.test(names)) expect(res.body.code).toBe(names);
    else if (names !== undefined)
      expect(`${res.body.code} ${res.body.message}`.toLowerCase()).toContain(names.toLowerCase());
    expect(await countEvents(app.db.pool)).toBe(before);
  });

  it('still holds 11 EUR after every rejected request', async () => {
    const res = await api.get(`/bucket/${fixture.bucketId}`);
    expect(res.body.amount).toEqual({ amount: 11, units: 'EUR' });
    expect((await api.get(`/balanceTopup/${fixture.confirmedTopupId}/status`)).body.status).toBe('confirmed');
    expect((await api.get(`/balanceTopup/${fixture.cancelledTopupId}/status`)).body.status).toBe('cancelled');
  });
});
