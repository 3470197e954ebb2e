import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import { plainToInstance } from 'class-transformer';
import { validate } from 'class-validator';
import {
  CreateBalanceAdjustmentDto,
  CreateBalanceTopupDto,
  CreateBucketDto,
  DOCUMENT_LIMITS,
  flattenValidationErrors,
} from '@ledger/contracts';
import {
  type AdjustBalanceInput,
  type OpenBucketInput,
  type TopupBalanceInput,
  adjustBalanceCommand,
  openBucketCommand,
  topupBalanceCommand,
} from '@ledger/application';
import {
  NOW,
  type Published,
  VALID_FOR,
  publishingBucket,
} from '../../libs/ledger-projection/src/testing/published-messages';

/**
 * The largest bucket the request DTOs accept, topped up and adjusted by the largest valid
 * requests, through the real mappers, decider, projection fold and outbox messages: every message
 * it publishes must stay far below the broker's default message.max.bytes (1,048,588 bytes).
 *
 * Every free-text character is U+0001: the DTOs accept it (only NUL and lone surrogates are
 * refused), and JSON writes it as `\u0001`, 6 bytes, the most any one character can take.
 */

const BROKER_DEFAULT_MAX_MESSAGE_BYTES = 1_048_588;
/** "Well below": half the broker's default leaves room for headers, batching and future fields. */
const BUDGET_BYTES = Math.floor(BROKER_DEFAULT_MAX_MESSAGE_BYTES / 2);
const { arrayItems, codeLength, nameLength, textLength, mapKeys, mapKeyLength, mapValueLength } = DOCUMENT_LIMITS;

function worst(ch: string) {
  const code = (i = 0) => `${i}`.padEnd(codeLength, ch);
  const name = (i = 0) => `${i}`.padEnd(nameLength, ch);
  const text = ch.repeat(textLength);
  const meta = { '@baseType': code(), '@schemaLocation': name(), '@type': code() };
  const ref = (i: number) => ({ ...meta, id: name(i), href: name(i), '@referredType': code(), name: name(i) });
  const units = code();
  const details = Object.fromEntries(
    Array.from({ length: mapKeys }, (_, i) => [`${i}`.padEnd(mapKeyLength, ch), ch.repeat(mapValueLength)]),
  );
  const items = <T>(f: (i: number) => T) => Array.from({ length: arrayItems }, (_, i) => f(i));
  const relatedParty = items((i) => ({ ...ref(i), role: code(i) }));
  const bucket = {
    ...meta,
    name: name(),
    description: text,
    type: code(),
    amount: { amount: 1000, units },
    reservedAmount: { amount: 0, units },
    creditLimit: { amount: 1000, units },
    validFor: VALID_FOR,
    status: 'active',
    product: items(ref),
    partyAccount: ref(0),
    realizingResource: items((i) => ({ ...ref(i), value: name(i), '@Type': code(i) })),
    relatedParty,
  };
  const common = { ...meta, description: text, requestor: relatedParty[0], partyAccount: ref(0), relatedParty };
  const topup = {
    ...common,
    type: code(),
    channel: ref(0),
    amount: { amount: 999_999, units },
    status: 'confirmed',
    isAutoTopup: true,
    recurringPeriod: 'monthly',
    nrOfPeriods: Number.MAX_SAFE_INTEGER,
    paymentMethod: { ...ref(0), type: code(), details },
    voucher: name(),
    validFor: VALID_FOR,
  };
  const adjustment = { ...common, type: code(), reason: text, amount: { amount: -1, units }, validFor: VALID_FOR };
  return { bucket, topup, adjustment };
}

async function problems(dto: new () => object, body: object) {
  const errors = await validate(plainToInstance(dto, body), {
    whitelist: true,
    forbidNonWhitelisted: true,
    forbidUnknownValues: true,
  });
  return flattenValidationErrors(errors);
}

function publishAll(docs: ReturnType<typeof worst>): Published[] {
  const bucketId = randomUUID();
  const stream = publishingBucket(bucketId);
  const metadata = { now: NOW };
  const target = { bucketId };
  return [
    ...stream.run(openBucketCommand(docs.bucket as unknown as OpenBucketInput, bucketId, metadata)),
    ...stream.run(topupBalanceCommand(docs.topup as unknown as TopupBalanceInput, randomUUID(), target, metadata)),
    ...stream.run(
      adjustBalanceCommand(docs.adjustment as unknown as AdjustBalanceInput, randomUUID(), target, metadata),
    ),
  ];
}

function sizes(published: Published[]) {
  return published.flatMap((p) =>
    p.messages.map((m) => ({ topic: m.topic, event: p.event.type, bytes: Buffer.byteLength(m.value ?? '') })),
  );
}

describe('the largest bucket the request DTOs accept', () => {
  const worstCase = worst('\u0001');

  it('is valid: bucket, topup and adjustment pass the DTOs at every limit', async () => {
    expect(await problems(CreateBucketDto, worstCase.bucket)).toEqual([]);
    expect(await problems(CreateBalanceTopupDto, { ...worstCase.topup, bucket: { id: 'b' } })).toEqual([]);
    expect(await problems(CreateBalanceAdjustmentDto, { ...worstCase.adjustment, bucket: { id: 'b' } })).toEqual([]);
  });

  it('one item more than a limit is refused, so these are the largest documents', async () => {
    const bucket = { ...worstCase.bucket, product: [...worstCase.bucket.product, worstCase.bucket.product[0]] };
    expect((await problems(CreateBucketDto, bucket)).map((p) => p.path)).toEqual(['product']);
  });

  it('publishes every state and event message well below the broker limit', () => {
    const published = sizes(publishAll(worstCase));
    const largest = Math.max(...published.map((s) => s.bytes));
    // eslint-disable-next-line no-console
    console.log(`worst-case messages (bytes): ${JSON.stringify(published)}`);
    expect(published.filter((s) => s.topic.includes('bucket-state')).length).toBeGreaterThanOrEqual(3);
    expect(largest).toBeLessThan(BUDGET_BYTES);
  });

  it('with plain ASCII text the largest message is under a quarter of that', () => {
    const ascii = Math.max(...sizes(publishAll(worst('x'))).map((s) => s.bytes));
    const escaped = Math.max(...sizes(publishAll(worstCase)).map((s) => s.bytes));
    // eslint-disable-next-line no-console
    console.log(`largest message: ${escaped} bytes (U+0001 text), ${ascii} bytes (ASCII text)`);
    expect(ascii).toBeLessThan(escaped / 4);
  });
});
