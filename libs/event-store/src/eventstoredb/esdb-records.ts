import { StreamNotFoundError } from '@eventstore/db-client';
import type {
  EventData,
  EventStoreDBClient,
  Position as EsdbPosition,
  ReadStreamOptions as EsdbReadStreamOptions,
  RecordedEvent as EsdbRecordedEvent,
} from '@eventstore/db-client';
import type { EventMetadata, Position, RecordedEvent } from '../event-store.port';
import type { ChainedEvent } from '../hash-chain';

/** What EventStoreDB older than 22.6 sends as the $all position of an event read from a stream. */
const NO_POSITION = 2n ** 64n - 1n;

/**
 * EventStoreDB's $all position is already a (commit, prepare) pair compared lexicographically,
 * which is the port's Position: it is taken over as it is, never renumbered, so the order the
 * subscription delivers in, the order readAll returns and the order of positions are one order.
 */
export function positionOf(event: EsdbRecordedEvent): Position {
  const position: EsdbPosition | undefined = event.position;
  if (!position || position.commit === NO_POSITION) {
    throw new Error(
      `EventStoreDB sent no $all position for ${event.streamId}@${event.revision}: ` +
        'stream reads carry positions from EventStoreDB 22.6 on, which this adapter requires',
    );
  }
  return { commit: position.commit, prepare: position.prepare };
}

/**
 * The port's event; `stream` is the port's name (without the namespace). Everything this adapter
 * writes is JSON; a binary event written by some other tool reads as `{}`, which the hash chain
 * then reports as broken rather than this reader failing on it.
 */
export function toRecordedEvent(event: EsdbRecordedEvent, stream: string): RecordedEvent {
  return {
    id: event.id,
    type: event.type,
    data: (event.isJson ? event.data : {}) as Record<string, unknown>,
    metadata: (event.metadata ?? {}) as EventMetadata,
    stream,
    revision: event.revision,
    position: positionOf(event),
  };
}

/** Data and metadata travel as JSON, exactly what the hash chain was computed over. */
export function toEventData(event: ChainedEvent): EventData {
  return {
    id: event.id,
    contentType: 'application/json',
    type: event.type,
    data: event.data,
    metadata: event.metadata as unknown as Record<string, unknown>,
  };
}

/**
 * Every event of one stream read, or undefined when the stream does not exist. The client reports
 * a missing stream only while iterating (StreamNotFoundError), so the read is drained here.
 */
export async function readEsdbStream(
  client: EventStoreDBClient,
  stream: string,
  options: EsdbReadStreamOptions,
): Promise<EsdbRecordedEvent[] | undefined> {
  const events: EsdbRecordedEvent[] = [];
  try {
    for await (const resolved of client.readStream(stream, options)) {
      if (resolved.event) events.push(resolved.event);
    }
  } catch (error) {
    if (error instanceof StreamNotFoundError) return undefined;
    throw error;
  }
  return events;
}
