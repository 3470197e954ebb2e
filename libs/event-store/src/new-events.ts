import { randomUUID } from 'node:crypto';
import { v5 as uuidV5, validate as isUuid } from 'uuid';
import type { EventMetadataInput, NewEvent } from './event-store.port';
import { ChainedEvent, chainEvents, UnchainedEvent } from './hash-chain';

/** Namespace for event ids derived from a command id (fixed forever: ids are data). */
const COMMAND_EVENT_NAMESPACE = '6f1c8e0a-3b7d-5a4e-9c21-8d0f4b6a2e57';

export interface EventBatch {
  stream: string;
  firstRevision: bigint;
  prevHash: string;
  recordedAt: string;
  commandId?: string;
}

/**
 * Turns what the caller passed into the exact events to store, hash chain included. Data and
 * metadata go through a JSON round trip so what is hashed is exactly what every store reads back.
 */
export function prepareEvents(batch: EventBatch, events: NewEvent[]): ChainedEvent[] {
  const unchained = events.map((event, index): UnchainedEvent => ({
    id: eventId(event, index, batch.commandId),
    type: event.type,
    stream: batch.stream,
    revision: batch.firstRevision + BigInt(index),
    data: asJson(event.data),
    metadata: asJson(metadataOf(event.metadata, batch)),
  }));
  return chainEvents(batch.prevHash, unchained);
}

export function validateAppend(stream: string, events: NewEvent[]): void {
  if (typeof stream !== 'string' || stream.length === 0) throw new TypeError('stream name must be a non-empty string');
  const ids = new Set<string>();
  for (const event of events) {
    if (typeof event.type !== 'string' || event.type.length === 0) throw new TypeError('event type must be a non-empty string');
    if (event.data === null || typeof event.data !== 'object' || Array.isArray(event.data)) {
      throw new TypeError(`event data of "${event.type}" must be a JSON object`);
    }
    if (event.id !== undefined && !isUuid(event.id)) throw new TypeError(`event id "${event.id}" is not a UUID`);
    if (event.id !== undefined && ids.has(event.id.toLowerCase())) throw new TypeError(`event id "${event.id}" appears twice`);
    if (event.id !== undefined) ids.add(event.id.toLowerCase());
  }
}

/**
 * Ids derived from the command id make a retried command produce the same event ids, which is
 * what EventStoreDB's own idempotence keys on. Lower case because PostgreSQL returns uuids so.
 */
function eventId(event: NewEvent, index: number, commandId: string | undefined): string {
  if (event.id !== undefined) return event.id.toLowerCase();
  return commandId === undefined ? randomUUID() : uuidV5(`${commandId}/${index}`, COMMAND_EVENT_NAMESPACE);
}

function metadataOf(input: EventMetadataInput | undefined, batch: EventBatch) {
  return {
    ...input,
    commandId: input?.commandId ?? batch.commandId,
    schemaVersion: input?.schemaVersion ?? 1,
    recordedAt: batch.recordedAt,
  };
}

function asJson<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}
