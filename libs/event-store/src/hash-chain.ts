import { createHash } from 'node:crypto';
import canonicalize from 'canonicalize';
import type { EventMetadata, EventMetadataInput, RecordedEvent } from './event-store.port';

/** prevHash of every stream's first event. */
export const GENESIS_HASH = '0'.repeat(64);

/** An event as hashed: everything but its position, which only the store knows after commit. */
export type ChainedEvent = Omit<RecordedEvent, 'position'>;
export type UnchainedEvent = Omit<ChainedEvent, 'metadata'> & {
  metadata: EventMetadataInput & { recordedAt: string; schemaVersion: number };
};
type HashInput = Omit<ChainedEvent, 'metadata'> & { metadata: EventMetadataInput & { prevHash: string; hash?: string } };

export type StreamVerification = { ok: true; count: number } | { ok: false; brokenAt: bigint; reason: string };

/**
 * sha256(prevHash ‖ RFC 8785 canonical JSON of the event without its own hash). The revision is
 * hashed as a decimal string because JSON has no bigint. Changing this function invalidates
 * every stored chain, hence the golden value in hash-chain.spec.ts.
 */
export function hashEvent(event: HashInput): string {
  const { hash: _ignored, ...metadata } = event.metadata;
  const canonical = canonicalize({
    id: event.id,
    type: event.type,
    stream: event.stream,
    revision: event.revision.toString(),
    data: event.data,
    metadata,
  });
  return createHash('sha256').update(`${metadata.prevHash}${canonical}`).digest('hex');
}

/** Links consecutive events of one stream onto the hash of the event before the first. */
export function chainEvents(prevHash: string, events: UnchainedEvent[]): ChainedEvent[] {
  let previous = prevHash;
  return events.map((event) => {
    const linked = { ...event, metadata: { ...event.metadata, prevHash: previous } };
    const hash = hashEvent(linked);
    previous = hash;
    return { ...linked, metadata: { ...linked.metadata, hash } as EventMetadata };
  });
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
