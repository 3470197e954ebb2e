import { randomUUID } from 'node:crypto';
import { validateBalanceEvent, validateBucketState, validateMessageHeaders } from '@ledger/contracts';
import { createKafka } from '@ledger/kafka-publisher';
import { authHeader, waitFor } from '@ledger/testing';
import { LedgerApp, startLedgerApp } from '../support/ledger-app';

interface Received {
  topic: string;
  key: string;
  value: string | null;
  headers: Record<string, string>;
}

const send = async (method: string, url: string, body: unknown): Promise<{ id: string }> => {
  const res = await fetch(url, {
    method,
    headers: { 'content-type': 'application/json', ...(await authHeader()) },
    body: JSON.stringify(body),
  });
  if (res.status >= 300) throw new Error(`${method} ${url}: ${res.status} ${await res.text()}`);
  return (await res.json()) as { id: string };
};

/**
 * The unit spec proves the schemas against the projection's code; this one against the bytes on
 * the real broker, after the read model's jsonb round trip and the relay. Status changes and
 * deletions have no HTTP route yet, so only the unit spec covers them.
 */
describe('messages on the real topics', () => {
  let app: LedgerApp;
  beforeAll(async () => {
    app = await startLedgerApp();
  });
  afterAll(() => app.close());

  it('match the published schemas, headers included', async () => {
    const bucket = await send('POST', `${app.v2}/bucket`, {
      type: 'deposit',
      name: 'Main',
      product: [{ id: `prod-${randomUUID()}`, name: 'Prepaid' }],
      partyAccount: { id: 'acc-1' },
      relatedParty: [{ id: 'cust-1', role: 'customer' }],
      realizingResource: [{ id: 'res-1', value: '+34600111222', '@Type': 'MSISDN' }],
      amount: { amount: 10.5, units: 'EUR' },
      creditLimit: { amount: 5, units: 'EUR' },
      validFor: { startDateTime: '2025-01-01T00:00:00Z' },
    });
    const topup = { type: 'voucher', channel: { id: 'web' }, bucket: { id: bucket.id } };
    const pending = await send('POST', `${app.v2}/balanceTopup`, {
      ...topup,
      amount: { amount: 2, units: 'EUR' },
      status: 'in progress',
    });
    await send('PUT', `${app.v2}/balanceTopup/${pending.id}/status`, { status: 'confirmed' });
    const confirmed = await send('POST', `${app.v2}/balanceTopup`, {
      ...topup,
      amount: { amount: 0.000001, units: 'EUR' },
    });
    await send('PUT', `${app.v2}/balanceTopup/${confirmed.id}/status`, { status: 'cancelled' });
    await send('POST', `${app.v2}/balanceAdjustment`, {
      type: 'fee',
      reason: 'monthly fee',
      bucket: { id: bucket.id },
      amount: { amount: -14, units: 'EUR' },
    });

    const received: Received[] = [];
    const consumer = createKafka({ brokers: app.config.kafkaBrokers, clientId: 'schema-e2e' }).consumer({
      groupId: `schema-e2e-${randomUUID()}`,
    });
    await consumer.connect();
    await consumer.subscribe({
      topics: [app.config.topics.bucketState, app.config.topics.balanceEvents],
      fromBeginning: true,
    });
    await consumer.run({
      eachMessage: async ({ topic, message }) => {
        const headers = Object.fromEntries(Object.entries(message.headers ?? {}).map(([k, v]) => [k, String(v)]));
        received.push({
          topic,
          key: String(message.key),
          value: message.value === null ? null : String(message.value),
          headers,
        });
      },
    });
    try {
      // 7 events (open, request, credit, request + credit, cancel, adjust), two messages each.
      await waitFor('14 messages', () => (received.length >= 14 ? received : undefined), 30_000);
    } finally {
      await consumer.disconnect();
    }
    const types = new Set(received.map((m) => m.headers['event-type']));
    expect(types).toEqual(
      new Set(['BucketOpened', 'TopupRequested', 'BalanceToppedUp', 'TopupCancelled', 'BalanceAdjusted']),
    );
    for (const message of received) {
      const validate = message.topic === app.config.topics.bucketState ? validateBucketState : validateBalanceEvent;
      const problems = {
        headers: validateMessageHeaders(message.headers),
        value: validate(JSON.parse(message.value!)),
      };
      expect({ type: message.headers['event-type'], topic: message.topic, ...problems }).toEqual({
        type: message.headers['event-type'],
        topic: message.topic,
        headers: [],
        value: [],
      });
    }
  });
});
