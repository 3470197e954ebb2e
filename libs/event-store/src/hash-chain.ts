import { hash as digest } from 'node:crypto';
import { canonicalJson } from './canonical-json';
import type { EventMetadata, EventMetadataInput, RecordedEvent } from './event-store.port';

/** prevHash of every stream's first event. */
export const GENESIS_HASH = '0'.repeat(64);

/** An event as hashed: everything but its position, which only the store knows after commit. */
export type ChainedEvent = Omit<RecordedEvent, 'position'>;
export type UnchainedEvent = Omit<ChainedEvent, 'metadata'> & {
  metadata: EventMetadataInput & { recordedAt: string; schemaVersion: number };
};
type HashInput = Omit<ChainedEvent, 'metadata'> & {
  metadata: EventMetadataInput & { prevHash: string; hash?: string };
};

export type StreamVerification = { ok: true; count: number } | { ok: false; brokenAt: bigint; reason: string };

/**
 * sha256(prevHash ‖ RFC 8785 canonical JSON of the event without its own hash). The revision is
 * hashed as a decimal string because JSON has no bigint. Changing this function invalidates
 * every stored chain, hence the golden value in hash-chain.spec.ts.
 */
export function hashEvent(event: HashInput): string {
  const { hash: _ignored, ...metadata } = event.metadata;
  return hashOf(event, canonicalJson(event.data), canonicalJson(metadata), metadata.prevHash);
}

/**
 * The canonical JSON of `{id, type, stream, revision, data, metadata}` put together from its
 * members' canonical JSON, keys in canonical order: exactly canonicalJson of the whole object,
 * without serialising data and metadata a second time (the spec checks the two agree).
 */
function hashOf(
  event: { id: string; type: string; stream: string; revision: bigint },
  dataJson: string,
  metadataJson: string,
  prevHash: string,
): string {
  const canonical =
    `{"data":${dataJson},"id":${canonicalJson(event.id)},"metadata":${metadataJson},` +
    `"revision":${canonicalJson(event.revision.toString())},"stream":${canonicalJson(event.stream)},"type":${canonicalJson(event.type)}}`;
  return digest('sha256', `${prevHash}${canonical}`, 'hex');
}

/** One event linked into its stream's chain, as text: what was hashed is what a store writes. */
export interface LinkedEvent {
  id: string;
  type: string;
  stream: string;
  revision: bigint;
  /** Canonical JSON of the data. */
  data: string;
  /** JSON of the metadata, prevHash and hash included. */
  metadata: string;
  hash: string;
}

/**
 * Links consecutive events of one stream onto the hash of the event before the first. Data and
 * metadata are serialised once each, and that text is both hashed and handed to the store.
 */
export function linkEvents(prevHash: string, events: UnchainedEvent[]): LinkedEvent[] {
  let previous = prevHash;
  return events.map((event) => {
    const { hash: _ignored, ...input } = event.metadata as UnchainedEvent['metadata'] & { hash?: unknown };
    const data = canonicalJson(event.data);
    const metadataJson = canonicalJson({ ...input, prevHash: previous });
    const hash = hashOf(event, data, metadataJson, previous);
    previous = hash;
    // metadataJson is an object with members (recordedAt at least): the hash goes in before its end.
    const metadata = `${metadataJson.slice(0, -1)},"hash":"${hash}"}`;
    return { id: event.id, type: event.type, stream: event.stream, revision: event.revision, data, metadata, hash };
  });
}

/** linkEvents, parsed back into events: exactly what every store reads back (JSON values only). */
export function chainEvents(prevHash: string, events: UnchainedEvent[]): ChainedEvent[] {
  return linkEvents(prevHash, events).map((e) => ({
    id: e.id,
    type: e.type,
    stream: e.stream,
    revision: e.revision,
    data: JSON.parse(e.data) as ChainedEvent['data'],
    metadata: JSON.parse(e.metadata) as EventMetadata,
  }));
}

/**
 * Checks consecutive events of one stream, oldest first. A slice that starts after revision 0 is
 * checked from its first event's prevHash; only a read from revision 0 proves the whole chain.
 */
export function verifyStream(events: RecordedEvent[]): StreamVerification {
  let previous: RecordedEvent | undefined;
  for (const event of events) {
    const reason = brokenLink(previous, event);
    if (reason) return { ok: false, brokenAt: event.revision, reason };
    previous = event;
  }
  return { ok: true, count: events.length };
}

function brokenLink(previous: RecordedEvent | undefined, event: RecordedEvent): string | undefined {
  if (!previous && event.revision === 0n && event.metadata.prevHash !== GENESIS_HASH) {
    return 'the first event does not start from the genesis hash';
  }
  if (previous && event.stream !== previous.stream) {
    return `belongs to stream "${event.stream}", not "${previous.stream}"`;
  }
  if (previous && event.revision !== previous.revision + 1n) {
    return `does not follow revision ${previous.revision}`;
  }
  if (previous && event.metadata.prevHash !== previous.metadata.hash) {
    return "prevHash does not match the previous event's hash";
  }
  if (hashEvent(event) !== event.metadata.hash) return 'hash does not match the event content';
  return undefined;
}
