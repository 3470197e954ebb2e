import { randomUUID } from 'node:crypto';
import { BACKWARDS, END, EventStoreDBClient, WrongExpectedVersionError } from '@eventstore/db-client';
import type { CommandRecord } from '../append-rules';
import { readEsdbStream } from './esdb-records';
import type { StreamNames } from './stream-names';

/**
 * Per command id, a small stream `<namespace>ledger-command-<id>` records where the command
 * stands. EventStoreDB has no transaction spanning two streams, so the marker is a state machine
 * advanced with exact expected revisions (each marker event has a random id, so EventStoreDB's
 * idempotence never merges two writers):
 *
 *   (none) ─reserve─▶ CommandReserved ─complete─▶ CommandCompleted   (final: the first result)
 *                          │  ▲
 *                 release  │  │ reserve again (a later attempt, any command)
 *                          ▼  │
 *                     CommandReleased
 *
 * Reserving before appending the events is what makes the id race-safe across streams: of two
 * commands racing with one id, only the holder of the reservation appends. A reservation whose
 * holder died is taken over after a timeout (see EventStoreDbEventStore.append).
 */
export type Revision = bigint | 'no_stream';

export type MarkerState =
  | { kind: 'free'; revision: Revision }
  | { kind: 'reserved'; revision: bigint; stream: string; fingerprint: string | null; scanFrom: Revision }
  | { kind: 'completed'; revision: bigint; record: CommandRecord };

export type Marker =
  | { type: 'CommandReserved'; stream: string; fingerprint: string | null; scanFrom: Revision }
  | { type: 'CommandCompleted'; record: CommandRecord }
  | { type: 'CommandReleased'; stream: string; fingerprint: string | null };

export class CommandMarkers {
  constructor(
    private readonly client: EventStoreDBClient,
    private readonly names: StreamNames,
  ) {}

  async read(commandId: string): Promise<MarkerState> {
    const events = await readEsdbStream(this.client, this.names.commandMarker(commandId), {
      direction: BACKWARDS,
      fromRevision: END,
      maxCount: 1,
    });
    const last = events?.[0];
    if (!last) return { kind: 'free', revision: 'no_stream' };
    const data = last.data as Record<string, unknown>;
    switch (last.type) {
      case 'CommandReserved':
        return {
          kind: 'reserved',
          revision: last.revision,
          stream: String(data.stream),
          fingerprint: (data.fingerprint as string | null) ?? null,
          scanFrom: data.scanFrom === null ? 'no_stream' : BigInt(data.scanFrom as string),
        };
      case 'CommandCompleted': {
        const position = data.position as { commit: string; prepare: string };
        return {
          kind: 'completed',
          revision: last.revision,
          record: {
            stream: String(data.stream),
            fingerprint: (data.fingerprint as string | null) ?? null,
            firstRevision: BigInt(data.firstRevision as string),
            lastRevision: BigInt(data.lastRevision as string),
            position: { commit: BigInt(position.commit), prepare: BigInt(position.prepare) },
          },
        };
      }
      default:
        return { kind: 'free', revision: last.revision };
    }
  }

  /** Appends one marker event at exactly `expected`: its revision, or undefined when another writer got there first. */
  async write(commandId: string, expected: Revision, marker: Marker): Promise<bigint | undefined> {
    try {
      const result = await this.client.appendToStream(
        this.names.commandMarker(commandId),
        {
          id: randomUUID(),
          contentType: 'application/json',
          type: marker.type,
          data: markerData(marker),
          metadata: undefined,
        },
        { expectedRevision: expected },
      );
      return result.nextExpectedRevision;
    } catch (error) {
      if (error instanceof WrongExpectedVersionError) return undefined;
      throw error;
    }
  }

  /** Polls until the marker moves past `state`; undefined when it did not within `timeoutMs`. */
  async waitForChange(
    commandId: string,
    state: MarkerState,
    timeoutMs: number,
    pollMs: number,
  ): Promise<MarkerState | undefined> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, pollMs));
      const now = await this.read(commandId);
      if (now.revision !== state.revision) return now;
    }
    return undefined;
  }
}

function markerData(marker: Marker): Record<string, unknown> {
  switch (marker.type) {
    case 'CommandReserved':
      return {
        stream: marker.stream,
        fingerprint: marker.fingerprint,
        scanFrom: marker.scanFrom === 'no_stream' ? null : marker.scanFrom.toString(),
      };
    case 'CommandReleased':
      return { stream: marker.stream, fingerprint: marker.fingerprint };
    case 'CommandCompleted': {
      const { record } = marker;
      return {
        stream: record.stream,
        fingerprint: record.fingerprint,
        firstRevision: record.firstRevision.toString(),
        lastRevision: record.lastRevision.toString(),
        position: { commit: record.position.commit.toString(), prepare: record.position.prepare.toString() },
      };
    }
  }
}
