import type { RecordedEvent } from '@ledger/event-store';
import type { Doc } from './views/ledger-views';
import { toExactJson } from './published-json';

export interface OutboxMessage {
  topic: string;
  key: string;
  value: string | null;
  headers: Record<string, string>;
}

export const BUCKET_STATE_SCHEMA = 'ledger.bucket-state.v1';
export const BALANCE_EVENT_SCHEMA = 'ledger.balance-event.v1';

/**
 * One outbox row per event, as the projector writes it and the relay reads it: both of the
 * event's messages share the key and all headers but the schema, so the row holds the two values
 * and what the headers are made of. Column names are the outbox table's.
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

function position(event: RecordedEvent) {
  return { commit: event.position.commit.toString(), prepare: event.position.prepare.toString() };
}

/**
 * What the projector writes for one event: the bucket's whole state after it (for the compacted
 * topic; a deletion is a tombstone) and the balance event itself (time-retained topic).
 */
export function outboxEntry(event: RecordedEvent, bucket: { doc: Doc; deleted: boolean } | undefined, activity: Doc, hrefBase: string): OutboxEntry {
  const bucketId = (event.data as { bucketId: string }).bucketId;
  const version = Number(event.revision);
  const state = bucket && !bucket.deleted
    ? toExactJson({ ...bucket.doc, href: `${hrefBase}/bucket/${bucketId}`, version, position: position(event) })
    : null;
  const balanceEvent = {
    eventId: event.id,
    eventType: event.type,
    eventTime: event.metadata.recordedAt,
    bucketId,
    version,
    position: position(event),
    activity,
  };
  return {
    bucket_id: bucketId,
    event_id: event.id,
    event_type: event.type,
    version: event.revision.toString(),
    correlation_id: event.metadata.correlationId ?? event.id,
    state,
    deleted: bucket?.deleted ?? false,
    event: toExactJson(balanceEvent),
  };
}

/**
 * The relay's side: an outbox row becomes its messages, both keyed by bucket id so one partition
 * carries a bucket's history in order, the state first.
 */
export function entryMessages(entry: OutboxEntry, topics: { bucketState: string; balanceEvents: string }): OutboxMessage[] {
  const headers = (schema: string): Record<string, string> => ({
    'event-id': entry.event_id,
    'event-type': entry.event_type,
    version: entry.version,
    'correlation-id': entry.correlation_id,
    'content-type': 'application/json',
    'schema-version': schema,
  });
  const messages: OutboxMessage[] = [];
  if (entry.state !== null || entry.deleted) {
    messages.push({ topic: topics.bucketState, key: entry.bucket_id, value: entry.state, headers: headers(BUCKET_STATE_SCHEMA) });
  }
  messages.push({ topic: topics.balanceEvents, key: entry.bucket_id, value: entry.event, headers: headers(BALANCE_EVENT_SCHEMA) });
  return messages;
}

/** Both messages of one event, as they reach Kafka (the projector's entry through the relay's expansion). */
export function outboxMessages(
  event: RecordedEvent,
  bucket: { doc: Doc; deleted: boolean } | undefined,
  activity: Doc,
  options: { topics: { bucketState: string; balanceEvents: string }; hrefBase: string },
): OutboxMessage[] {
  return entryMessages(outboxEntry(event, bucket, activity, options.hrefBase), options.topics);
}
