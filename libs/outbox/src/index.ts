export { entryMessages, outboxEntry, outboxMessages } from './outbox-messages';
export { type OutboxBatch, messageBytes, splitByBytes } from './outbox-batches';
export { type ParkedSummary, type RetriedRows, parkedSummary, retryParked } from './outbox-parking';
export {
  DEFAULT_RELAY_MAX_BATCH_BYTES,
  OUTBOX_RELAY_LOCK_KEY,
  OutboxRelay,
  type OutboxRelayOptions,
  type OutboxRelayStatus,
} from './outbox-relay';
export type { OutboxEntry, OutboxRow } from './outbox-row';
