import { BUCKET_EVENT_TYPES } from '@ledger/domain';
import {
  BALANCE_EVENT_SCHEMA,
  BUCKET_STATE_SCHEMA,
  MESSAGE_SCHEMAS,
  loadMessageSchema,
  validateBalanceEvent,
  validateBucketState,
  validateMessageHeaders,
} from '@ledger/contracts';
import type { OutgoingMessage } from '@ledger/kafka-publisher';
import {
  CHARGING,
  type Published,
  TOPICS,
  VALID_FOR,
  command,
  publishingBucket,
  qty,
} from './testing/published-messages';

/** Every event type the decider can produce, with the optional fields both filled and left out. */
function publishEverything(): Published[] {
  const main = publishingBucket('b-main');
  const bare = publishingBucket('b-bare');
  const byTopup = publishingBucket('b-by-topup');
  return [
    ...main.run(
      command('OpenBucket', {
        bucketId: 'b-main',
        type: 'deposit',
        name: 'Main balance',
        description: 'Prepaid line',
        partyAccount: { id: 'acc-1', name: 'Account 1' },
        product: [{ id: 'p-1', name: 'Prepaid 10GB' }],
        realizingResource: [{ id: 'res-1', value: '+34600111222', '@Type': 'MSISDN' }],
        relatedParty: [{ id: 'cust-9', role: 'customer', '@referredType': 'Individual' }],
        amount: qty('100.5'),
        reservedAmount: qty('0.25'),
        creditLimit: qty('20'),
        validFor: VALID_FOR,
      }),
      'corr-1',
    ),
    ...main.run(
      command('TopupBalance', { topupId: 't-1', bucketId: 'b-main', amount: qty('50'), status: 'in progress' }),
    ),
    ...main.run(command('ConfirmTopup', { bucketId: 'b-main', topupId: 't-1' })),
    ...main.run(
      command('TopupBalance', { topupId: 't-2', bucketId: 'b-main', amount: qty('10.000001'), channel: { id: 'web' } }),
    ),
    ...main.run(command('CancelTopup', { bucketId: 'b-main', topupId: 't-2' })),
    ...main.run(
      command('TopupBalance', { topupId: 't-3', bucketId: 'b-main', amount: qty('5'), status: 'in progress' }),
    ),
    ...main.run(command('CancelTopup', { bucketId: 'b-main', topupId: 't-3' })),
    ...CHARGING('b-main').flatMap((c) => main.run(c)),
    ...main.run(
      command('AdjustBalance', {
        adjustmentId: 'a-1',
        bucketId: 'b-main',
        amount: qty('-150.75'),
        reason: 'chargeback',
      }),
    ),
    ...main.run(command('ChangeBucketStatus', { bucketId: 'b-main', status: 'suspended', reason: 'fraud check' })),
    ...main.run(command('ChangeBucketStatus', { bucketId: 'b-main', status: 'expired' })),
    ...main.run(command('DeleteBucket', { bucketId: 'b-main' })),
    ...bare.run(command('OpenBucket', { bucketId: 'b-bare', product: [{ id: 'p-2' }], validFor: {} })),
    ...bare.run(command('TopupBalance', { topupId: 't-4', bucketId: 'b-bare', amount: qty('512', 'MB') })),
    ...byTopup.run(
      command('TopupBalance', { topupId: 't-5', bucketId: 'b-by-topup', openIfMissing: true, amount: qty('3', 'SMS') }),
    ),
  ];
}

const messages = (published: Published[], topic: string): OutgoingMessage[] =>
  published.flatMap((p) => p.messages).filter((m) => m.topic === topic);

describe('the message schemas', () => {
  const published = publishEverything();

  it('cover every event type the domain can produce', () => {
    expect(new Set(published.map((p) => p.event.type))).toEqual(new Set(BUCKET_EVENT_TYPES));
  });

  it('name the schema versions the projector stamps into the schema-version header', () => {
    expect(loadMessageSchema(MESSAGE_SCHEMAS.bucketState).title).toBe(BUCKET_STATE_SCHEMA);
    expect(loadMessageSchema(MESSAGE_SCHEMAS.balanceEvent).title).toBe(BALANCE_EVENT_SCHEMA);
  });

  it('accept every bucket-state value outboxMessages publishes, and a tombstone only for a deletion', () => {
    for (const message of messages(published, TOPICS.bucketState)) {
      if (message.headers['event-type'] === 'BucketDeleted') {
        expect(message.value).toBeNull();
        continue;
      }
      const value = JSON.parse(message.value!) as { id: string; version: number };
      expect({ type: message.headers['event-type'], errors: validateBucketState(value) }).toEqual({
        type: message.headers['event-type'],
        errors: [],
      });
      expect([value.id, String(value.version)]).toEqual([message.key, message.headers.version]);
    }
  });

  it('accept every balance-event value outboxMessages publishes', () => {
    const values = messages(published, TOPICS.balanceEvents).map((m) => JSON.parse(m.value!) as { eventType: string });
    expect(values).toHaveLength(published.length);
    for (const value of values)
      expect({ type: value.eventType, errors: validateBalanceEvent(value) }).toEqual({
        type: value.eventType,
        errors: [],
      });
  });

  it('accept the headers of every message, with the schema version of its topic', () => {
    for (const message of published.flatMap((p) => p.messages)) {
      expect(validateMessageHeaders(message.headers)).toEqual([]);
      const schema = message.topic === TOPICS.bucketState ? BUCKET_STATE_SCHEMA : BALANCE_EVENT_SCHEMA;
      expect(message.headers['schema-version']).toBe(schema);
    }
  });
});

describe('a wrong message', () => {
  const published = publishEverything();
  const state = JSON.parse(messages(published, TOPICS.bucketState)[0].value!) as Record<string, unknown>;
  const event = (type: string) =>
    JSON.parse(
      messages(published, TOPICS.balanceEvents).find((m) => m.headers['event-type'] === type)!.value!,
    ) as Record<string, unknown>;
  const paths = (errors: { path: string }[]) => errors.map((e) => e.path);

  it('fails when an amount is a string, as a float-unsafe producer might write it', () => {
    const errors = validateBucketState({ ...state, amount: { amount: '100.5', units: 'EUR' } });
    expect(paths(errors)).toContain('/amount/amount');
  });

  it('fails on a negative or fractional version, a numeric position and an unknown status', () => {
    expect(paths(validateBucketState({ ...state, version: -1 }))).toEqual(['/version']);
    expect(paths(validateBucketState({ ...state, version: 1.5 }))).toEqual(['/version']);
    expect(paths(validateBucketState({ ...state, position: { commit: 1, prepare: '01' } }))).toEqual([
      '/position/commit',
      '/position/prepare',
    ]);
    expect(paths(validateBucketState({ ...state, status: 'deleted' }))).toEqual(['/status']);
  });

  it('fails without a required field, with an unknown one, and on a negative reservation', () => {
    const { href: _href, ...withoutHref } = state;
    expect(validateBucketState(withoutHref)).toEqual([{ path: '', message: "must have required property 'href'" }]);
    expect(validateBucketState({ ...state, balance: 1 })).toEqual([
      { path: '', message: 'must not have property "balance"' },
    ]);
    expect(paths(validateBucketState({ ...state, reservedAmount: { amount: -1, units: 'EUR' } }))).toEqual([
      '/reservedAmount/amount',
    ]);
  });

  it('fails when the activity does not match the event type', () => {
    const topup = event('BalanceToppedUp');
    const activity = topup.activity as Record<string, unknown>;
    const { amountAfter: _after, ...withoutAfter } = activity;
    expect(paths(validateBalanceEvent({ ...topup, activity: withoutAfter }))).toContain('/activity');
    expect(paths(validateBalanceEvent({ ...topup, activity: { ...activity, type: 'adjustment' } }))).toContain(
      '/activity/type',
    );
    expect(paths(validateBalanceEvent({ ...event('BucketDeleted'), eventType: 'BucketPurged' }))).toContain(
      '/eventType',
    );
  });

  it('fails on headers without a schema version or with a non-numeric version', () => {
    const headers = published[0].messages[0].headers;
    const { 'schema-version': _schema, ...withoutSchema } = headers;
    expect(validateMessageHeaders(withoutSchema)).toEqual([
      { path: '', message: "must have required property 'schema-version'" },
    ]);
    expect(paths(validateMessageHeaders({ ...headers, version: 'v1' }))).toEqual(['/version']);
  });
});
