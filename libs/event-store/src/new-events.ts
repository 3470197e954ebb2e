import { randomUUID } from 'node:crypto';
import { parse as parseUuid, v5 as uuidV5, validate as isUuid } from 'uuid';
import type { EventMetadataInput, NewEvent } from './event-store.port';
import { ChainedEvent, chainEvents, LinkedEvent, linkEvents, UnchainedEvent } from './hash-chain';

/** Namespace for event ids derived from a command id (fixed forever: ids are data). */
const COMMAND_EVENT_NAMESPACE = '6f1c8e0a-3b7d-5a4e-9c21-8d0f4b6a2e57';
/** Parsed once: v5 parses a namespace given as text on every call, half its cost. */
const COMMAND_EVENT_NAMESPACE_BYTES = parseUuid(COMMAND_EVENT_NAMESPACE);

export interface EventBatch {
  stream: string;
  firstRevision: bigint;
  prevHash: string;
  recordedAt: string;
  commandId?: string;
}

/**
 * Turns what the caller passed into the exact events to store, hash chain included (chainEvents
 * also reduces data and metadata to the JSON every store reads back).
 */
export function prepareEvents(batch: EventBatch, events: NewEvent[]): ChainedEvent[] {
  return chainEvents(batch.prevHash, unchained(batch, events));
}

/** The same events as the JSON text a store writes, for a store that sends text (PostgreSQL). */
export function prepareEventText(batch: EventBatch, events: NewEvent[]): LinkedEvent[] {
  return linkEvents(batch.prevHash, unchained(batch, events));
}

function unchained(batch: EventBatch, events: NewEvent[]): UnchainedEvent[] {
  return events.map((event, index): UnchainedEvent => ({
    id: eventId(event, index, batch.commandId),
    type: event.type,
    stream: batch.stream,
    revision: batch.firstRevision + BigInt(index),
    data: event.data,
    metadata: metadataOf(event.metadata, batch),
  }));
}

export function validateAppend(stream: string, events: NewEvent[]): void {
  if (typeof stream !== 'string' || stream.length === 0) throw new TypeError('stream name must be a non-empty string');
  const ids = new Set<string>();
  for (const event of events) {
    if (typeof event.type !== 'string' || event.type.length === 0)
      throw new TypeError('event type must be a non-empty string');
    if (event.data === null || typeof event.data !== 'object' || Array.isArray(event.data)) {
      throw new TypeError(`event data of "${event.type}" must be a JSON object`);
    }
    if (event.id !== undefined && !isUuid(event.id)) throw new TypeError(`event id "${event.id}" is not a UUID`);
    if (event.id !== undefined && ids.has(event.id.toLowerCase()))
      throw new TypeError(`event id "${event.id}" appears twice`);
    if (event.id !== undefined) ids.add(event.id.toLowerCase());
  }
}

/**
 * Ids derived from the command id make a retried command produce the same event ids, which is
 * what EventStoreDB's own idempotence keys on. Lower case because PostgreSQL returns uuids so.
 */
function eventId(event: NewEvent, index: number, commandId: string | undefined): string {
  if (event.id !== undefined) return event.id.toLowerCase();
  return commandId === undefined ? randomUUID() : uuidV5(`${commandId}/${index}`, COMMAND_EVENT_NAMESPACE_BYTES);
}

function metadataOf(input: EventMetadataInput | undefined, batch: EventBatch) {
  return {
    ...input,
    commandId: input?.commandId ?? batch.commandId,
    schemaVersion: input?.schemaVersion ?? 1,
    recordedAt: batch.recordedAt,
  };
}
