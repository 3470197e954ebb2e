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

function headers(event: RecordedEvent, schema: string): Record<string, string> {
  return {
    'event-id': event.id,
    'event-type': event.type,
    version: event.revision.toString(),
    'correlation-id': event.metadata.correlationId ?? event.id,
    'content-type': 'application/json',
    'schema-version': schema,
  };
}

function position(event: RecordedEvent) {
  return { commit: event.position.commit.toString(), prepare: event.position.prepare.toString() };
}

/**
 * Two messages per event, both keyed by bucket id so one partition carries a bucket's history in
 * order: the bucket's whole state after the event (compacted topic; a deletion is a tombstone)
 * and the balance event itself (time-retained topic).
 */
export function outboxMessages(
  event: RecordedEvent,
  bucket: { doc: Doc; deleted: boolean } | undefined,
  activity: Doc,
  options: { topics: { bucketState: string; balanceEvents: string }; hrefBase: string },
): OutboxMessage[] {
  const bucketId = (event.data as { bucketId: string }).bucketId;
  const messages: OutboxMessage[] = [];
  if (bucket) {
    const state = bucket.deleted
      ? null
      : toExactJson({ ...bucket.doc, href: `${options.hrefBase}/bucket/${bucketId}`, version: Number(event.revision), position: position(event) });
    messages.push({ topic: options.topics.bucketState, key: bucketId, value: state, headers: headers(event, BUCKET_STATE_SCHEMA) });
  }
  const balanceEvent = {
    eventId: event.id,
    eventType: event.type,
    eventTime: event.metadata.recordedAt,
    bucketId,
    version: Number(event.revision),
    position: position(event),
    activity,
  };
  messages.push({ topic: options.topics.balanceEvents, key: bucketId, value: toExactJson(balanceEvent), headers: headers(event, BALANCE_EVENT_SCHEMA) });
  return messages;
}
