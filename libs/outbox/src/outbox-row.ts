/**
 * One outbox row per event, as the projector writes it (ledger_project_batch in
 * migrations/0003_one-statement-batches.sql) and the relay reads it: both of the event's messages
 * share the key and all headers but the schema, so the row holds the two values and what the
 * headers are made of. Column names are the outbox table's.
 */
export interface OutboxEntry {
  bucket_id: string;
  event_id: string;
  event_type: string;
  /** The event's stream revision, as a decimal string (a bigint column). */
  version: string;
  correlation_id: string;
  /** The bucket-state value; null with `deleted` is a tombstone, null without it means no state message. */
  state: string | null;
  deleted: boolean;
  /** The balance-event value. */
  event: string;
}

/** A stored row, as the relay reads it back: the id is the publishing order (the projector's commit order). */
export type OutboxRow = OutboxEntry & { id: string; created_at: Date };
