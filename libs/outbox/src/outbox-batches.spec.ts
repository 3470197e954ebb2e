import type { OutgoingMessage } from '@ledger/kafka-publisher';
import { messageBytes, splitByBytes } from './outbox-batches';
import type { OutboxRow } from './outbox-row';

const row = (id: number, size: number): OutboxRow => ({
  id: String(id),
  bucket_id: `b-${id}`,
  event_id: '00000000-0000-4000-8000-000000000000',
  event_type: 'BalanceAdjusted',
  version: '1',
  correlation_id: 'c',
  state: null,
  deleted: false,
  event: 'x'.repeat(size),
  created_at: new Date(0),
});
const asMessages = (r: OutboxRow): OutgoingMessage[] => [
  { topic: 't', key: r.bucket_id, value: r.event, headers: { version: r.version } },
];

describe('cutting outbox rows into publish calls by bytes', () => {
  it('counts key, value and headers, in UTF-8 bytes, plus the record overhead', () => {
    const plain = messageBytes({ topic: 't', key: 'k', value: 'abc', headers: { h: 'v' } });
    expect(messageBytes({ topic: 't', key: 'k', value: 'äbc', headers: { h: 'v' } })).toBe(plain + 1);
    expect(messageBytes({ topic: 't', key: 'k', value: null, headers: {} })).toBeLessThan(plain);
  });

  it('keeps every batch within the bound and the rows in order', () => {
    const rows = Array.from({ length: 50 }, (_, i) => row(i + 1, 1000));
    const batches = splitByBytes(rows, asMessages, 10_000);
    expect(batches.length).toBeGreaterThan(1);
    for (const b of batches) expect(b.bytes).toBeLessThanOrEqual(10_000);
    expect(batches.flatMap((b) => b.rows.map((r) => r.id))).toEqual(rows.map((r) => r.id));
  });

  it('sends a row larger than the bound alone, never splitting it', () => {
    const batches = splitByBytes([row(1, 10), row(2, 50_000), row(3, 10)], asMessages, 10_000);
    expect(batches.map((b) => b.rows.map((r) => r.id))).toEqual([['1'], ['2'], ['3']]);
  });

  it('puts everything in one batch when it fits', () => {
    expect(splitByBytes([row(1, 10), row(2, 10)], asMessages, 10_000)).toHaveLength(1);
    expect(splitByBytes([], asMessages, 10_000)).toEqual([]);
  });
});
