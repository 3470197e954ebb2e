export { entryMessages, outboxEntry, outboxMessages } from './outbox-messages';
export { OUTBOX_RELAY_LOCK_KEY, OutboxRelay, type OutboxRelayOptions } from './outbox-relay';
export type { OutboxEntry, OutboxRow } from './outbox-row';
