import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { createKafka, ensureTopics } from '@ledger/kafka-publisher';
import type { OutgoingMessage } from '@ledger/kafka-publisher';

export const BROKERS = (process.env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(',');

export const benchKafka = (name: string) => createKafka({ brokers: BROKERS, clientId: `ledger-bench-${name}` });

/** A fresh pair of topics made as the projector makes them (6 partitions, compacted state topic). */
export async function freshTopics(scenario: string): Promise<{ bucketState: string; balanceEvents: string }> {
  const suffix = randomUUID().slice(0, 8);
  const topics = { bucketState: `bench.${scenario}.bucket-state.${suffix}`, balanceEvents: `bench.${scenario}.balance-events.${suffix}` };
  await ensureTopics(benchKafka('admin'), { ...topics, partitions: 6, eventsRetentionMs: 3_600_000 });
  return topics;
}

/** The pid of the broker scripts/kafka.sh started, if it is alive (a reused broker may have none). */
export function brokerPid(): number | undefined {
  const file = join(__dirname, '..', '..', '.run', 'kafka.pid');
  if (!existsSync(file)) return undefined;
  const pid = Number(readFileSync(file, 'utf8').trim());
  return existsSync(`/proc/${pid}`) ? pid : undefined;
}

const STATE = (id: string, v: number) => JSON.stringify({ id, type: 'monetary', name: 'Main balance', partyAccount: { id: `acc-${id}` },
  product: [{ id: `prod-${id}`, name: 'Mobile Prepaid 10GB' }], relatedParty: [{ id: 'cust-9', role: 'customer' }],
  amount: { amount: 112.5, units: 'EUR' }, reservedAmount: { amount: 0, units: 'EUR' }, creditLimit: { amount: 0, units: 'EUR' },
  status: 'active', validFor: { startDateTime: '2025-01-01T00:00:00Z', endDateTime: '2035-01-01T00:00:00Z' },
  href: `http://127.0.0.1:3000/tmf-api/prepayBalanceManagement/v2/bucket/${id}`, version: v, position: { commit: '7000000020', prepare: String(v) } });
const EVENT = (id: string, v: number) => JSON.stringify({ eventId: randomUUID(), eventType: 'BalanceToppedUp', eventTime: '2025-03-01T10:00:00Z',
  bucketId: id, version: v, position: { commit: '7000000020', prepare: String(v) }, activity: { id: randomUUID(), date: '2025-03-01T10:00:00Z',
    bucketBalance: { id }, product: { id: `prod-${id}` }, partyAccount: { id: `acc-${id}` }, relatedParty: [{ id: 'cust-9', role: 'customer' }],
    amount: { amount: 12.5, units: 'EUR' }, type: 'topup', action: { id: randomUUID() }, amountBefore: { amount: 100, units: 'EUR' },
    amountAfter: { amount: 112.5, units: 'EUR' } } });

/**
 * Message `i` of a stream shaped like the projection's (README "Kafka topics"): even i a
 * bucket-state, odd i a balance-event message, with the six headers, over 1,000 buckets.
 */
export function ledgerMessage(i: number, topics: { bucketState: string; balanceEvents: string }): OutgoingMessage {
  const event = Math.floor(i / 2);
  const id = `bench-bucket-${event % 1000}`;
  const v = Math.floor(event / 1000);
  const state = i % 2 === 0;
  const headers = { 'event-id': randomUUID(), 'event-type': 'BalanceToppedUp', version: String(v), 'correlation-id': randomUUID(),
    'content-type': 'application/json', 'schema-version': state ? 'ledger.bucket-state.v1' : 'ledger.balance-event.v1' };
  return state
    ? { topic: topics.bucketState, key: id, value: STATE(id, v), headers }
    : { topic: topics.balanceEvents, key: id, value: EVENT(id, v), headers };
}

export function ledgerMessages(from: number, count: number, topics: { bucketState: string; balanceEvents: string }): OutgoingMessage[] {
  return Array.from({ length: count }, (_, n) => ledgerMessage(from + n, topics));
}
