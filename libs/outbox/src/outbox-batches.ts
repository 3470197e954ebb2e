import type { OutgoingMessage } from '@ledger/kafka-publisher';
import type { OutboxRow } from './outbox-row';

/** Rows to publish in one call, with the size the broker will see (an upper bound). */
export interface OutboxBatch {
  rows: OutboxRow[];
  bytes: number;
}

/**
 * Per record, what Kafka's record format adds to key, value and headers (varints, attributes,
 * timestamp and offset deltas): at most about 20 bytes, rounded up so the estimate stays above.
 */
const RECORD_OVERHEAD = 32;

export function messageBytes(message: OutgoingMessage): number {
  let bytes = RECORD_OVERHEAD + Buffer.byteLength(message.key);
  if (message.value !== null) bytes += Buffer.byteLength(message.value);
  for (const [name, value] of Object.entries(message.headers))
    bytes += Buffer.byteLength(name) + Buffer.byteLength(value);
  return bytes;
}

/**
 * Cuts rows (already in publishing order) into consecutive batches of at most `maxBytes` of
 * messages each. A row is never split (its messages go together), so a row larger than
 * `maxBytes` is a batch of its own; whether the broker takes it is its message.max.bytes's call.
 */
export function splitByBytes(
  rows: OutboxRow[],
  messages: (row: OutboxRow) => OutgoingMessage[],
  maxBytes: number,
): OutboxBatch[] {
  const batches: OutboxBatch[] = [];
  let current: OutboxBatch = { rows: [], bytes: 0 };
  for (const row of rows) {
    const bytes = messages(row).reduce((sum, m) => sum + messageBytes(m), 0);
    if (current.rows.length > 0 && current.bytes + bytes > maxBytes) {
      batches.push(current);
      current = { rows: [], bytes: 0 };
    }
    current.rows.push(row);
    current.bytes += bytes;
  }
  if (current.rows.length > 0) batches.push(current);
  return batches;
}
