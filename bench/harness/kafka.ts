import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { createKafka, ensureTopics } from '@ledger/kafka-publisher';
import type { OutgoingMessage } from '@ledger/kafka-publisher';
import { OutboxEntry, entryMessages } from '@ledger/outbox';
import { tmf654V2Base } from '@ledger/contracts';

export const BROKERS = (process.env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(',');

export const benchKafka = (name: string) => createKafka({ brokers: BROKERS, clientId: `ledger-bench-${name}` });

/** A fresh pair of topics made as the projector makes them (6 partitions, compacted state topic). */
export async function freshTopics(scenario: string): Promise<{ bucketState: string; balanceEvents: string }> {
  const suffix = randomUUID().slice(0, 8);
  const topics = {
    bucketState: `bench.${scenario}.bucket-state.${suffix}`,
    balanceEvents: `bench.${scenario}.balance-events.${suffix}`,
  };
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

const STATE = (id: string, v: number) =>
  JSON.stringify({
    id,
    type: 'monetary',
    name: 'Main balance',
    partyAccount: { id: `acc-${id}` },
    product: [{ id: `prod-${id}`, name: 'Mobile Prepaid 10GB' }],
    relatedParty: [{ id: 'cust-9', role: 'customer' }],
    amount: { amount: 112.5, units: 'EUR' },
    reservedAmount: { amount: 0, units: 'EUR' },
    creditLimit: { amount: 0, units: 'EUR' },
    status: 'active',
    validFor: { startDateTime: '2025-01-01T00:00:00Z', endDateTime: '2035-01-01T00:00:00Z' },
    href: `${tmf654V2Base('http://127.0.0.1:3000')}/bucket/${id}`,
    version: v,
    position: { commit: '7000000020', prepare: String(v) },
  });
const EVENT = (id: string, v: number) =>
  JSON.stringify({
    eventId: randomUUID(),
    eventType: 'BalanceToppedUp',
    eventTime: '2025-03-01T10:00:00Z',
    bucketId: id,
    version: v,
    position: { commit: '7000000020', prepare: String(v) },
    activity: {
      id: randomUUID(),
      date: '2025-03-01T10:00:00Z',
      bucketBalance: { id },
      product: { id: `prod-${id}` },
      partyAccount: { id: `acc-${id}` },
      relatedParty: [{ id: 'cust-9', role: 'customer' }],
      amount: { amount: 12.5, units: 'EUR' },
      type: 'topup',
      action: { id: randomUUID() },
      amountBefore: { amount: 100, units: 'EUR' },
      amountAfter: { amount: 112.5, units: 'EUR' },
    },
  });

/**
 * Outbox row `i` as the projector writes it (one per event, standing for a bucket-state and a
 * balance-event message with the six headers; README "Kafka topics"), over 1,000 buckets.
 */
export function ledgerEntry(i: number): OutboxEntry {
  const id = `bench-bucket-${i % 1000}`;
  const v = Math.floor(i / 1000);
  return {
    bucket_id: id,
    event_id: randomUUID(),
    event_type: 'BalanceToppedUp',
    version: String(v),
    correlation_id: randomUUID(),
    state: STATE(id, v),
    deleted: false,
    event: EVENT(id, v),
  };
}

export function ledgerEntries(from: number, count: number): OutboxEntry[] {
  return Array.from({ length: count }, (_, n) => ledgerEntry(from + n));
}

/** The messages of `count` outbox rows, as the relay makes them (two per row). */
export function ledgerMessages(
  from: number,
  count: number,
  topics: { bucketState: string; balanceEvents: string },
): OutgoingMessage[] {
  return ledgerEntries(from, count).flatMap((entry) => entryMessages(entry, topics));
}
