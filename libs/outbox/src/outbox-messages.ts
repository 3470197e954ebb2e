import type { BalanceActivity, BalanceEventMessage, BucketStateMessage, LedgerEventType } from '@ledger/contracts';
import { BALANCE_EVENT_SCHEMA, BUCKET_STATE_SCHEMA, toExactJson } from '@ledger/contracts';
import type { RecordedEvent } from '@ledger/event-store';
import type { OutgoingMessage } from '@ledger/kafka-publisher';
import type { OutboxEntry } from './outbox-row';

/** A projected document (the ledger's fold writes the TMF654 models as plain records). */
type Doc = Record<string, unknown>;

function position(event: RecordedEvent) {
  return { commit: event.position.commit.toString(), prepare: event.position.prepare.toString() };
}

/**
 * The fold's bucket document: the published state but for what the outbox adds. The documents are
 * narrowed, not checked, here; message-schemas.spec.ts checks every event type against the schemas.
 */
type ProjectedBucket = Omit<BucketStateMessage<string>, 'href' | 'version' | 'position'>;

/**
 * What the projector writes for one event: the bucket's whole state after it (for the compacted
 * topic; a deletion is a tombstone) and the balance event itself (time-retained topic).
 */
export function outboxEntry(
  event: RecordedEvent,
  bucket: { doc: Doc; deleted: boolean } | undefined,
  activity: Doc,
  hrefBase: string,
): OutboxEntry {
  const bucketId = (event.data as { bucketId: string }).bucketId;
  const version = Number(event.revision);
  const state: BucketStateMessage<string> | undefined =
    bucket && !bucket.deleted
      ? {
          ...(bucket.doc as ProjectedBucket),
          href: `${hrefBase}/bucket/${bucketId}`,
          version,
          position: position(event),
        }
      : undefined;
  const balanceEvent: BalanceEventMessage<string> = {
    eventId: event.id,
    eventType: event.type as LedgerEventType,
    eventTime: event.metadata.recordedAt,
    bucketId,
    version,
    position: position(event),
    activity: activity as BalanceActivity<string>,
  };
  return {
    bucket_id: bucketId,
    event_id: event.id,
    event_type: event.type,
    version: event.revision.toString(),
    correlation_id: event.metadata.correlationId ?? event.id,
    state: state === undefined ? null : toExactJson(state),
    deleted: bucket?.deleted ?? false,
    event: toExactJson(balanceEvent),
  };
}

/**
 * The relay's side: an outbox row becomes its messages, both keyed by bucket id so one partition
 * carries a bucket's history in order, the state first.
 */
export function entryMessages(
  entry: OutboxEntry,
  topics: { bucketState: string; balanceEvents: string },
): OutgoingMessage[] {
  const headers = (schema: string): Record<string, string> => ({
    'event-id': entry.event_id,
    'event-type': entry.event_type,
    version: entry.version,
    'correlation-id': entry.correlation_id,
    'content-type': 'application/json',
    'schema-version': schema,
  });
  const messages: OutgoingMessage[] = [];
  if (entry.state !== null || entry.deleted) {
    messages.push({
      topic: topics.bucketState,
      key: entry.bucket_id,
      value: entry.state,
      headers: headers(BUCKET_STATE_SCHEMA),
    });
  }
  messages.push({
    topic: topics.balanceEvents,
    key: entry.bucket_id,
    value: entry.event,
    headers: headers(BALANCE_EVENT_SCHEMA),
  });
  return messages;
}

/** Both messages of one event, as they reach Kafka (the projector's entry through the relay's expansion). */
export function outboxMessages(
  event: RecordedEvent,
  bucket: { doc: Doc; deleted: boolean } | undefined,
  activity: Doc,
  options: { topics: { bucketState: string; balanceEvents: string }; hrefBase: string },
): OutgoingMessage[] {
  return entryMessages(outboxEntry(event, bucket, activity, options.hrefBase), options.topics);
}
