import { type EventActor, GENESIS_HASH, hashEvent, type RecordedEvent } from '@ledger/event-store';

/**
 * One stored event as an auditor sees it: where it sits (revision, global position, time), what it
 * says (type, schema version, data and metadata exactly as hashed) and whether its link in the
 * stream's hash chain holds. Revisions and positions are decimal strings: bigint has no JSON form.
 */
export interface AuditedEvent {
  stream: string;
  revision: string;
  position: { commit: string; prepare: string };
  recordedAt: string;
  id: string;
  type: string;
  schemaVersion: number;
  data: Record<string, unknown>;
  correlationId: string | null;
  causationId: string | null;
  commandId: string | null;
  /** Who sent the command: the token's subject, client and ledger roles. */
  actor: EventActor | null;
  prevHash: string;
  hash: string;
  /** The event's hash covers its content and its prevHash is the hash of the event before it. */
  linkVerified: boolean;
  /** Why the link does not verify; absent when it does. */
  linkProblem?: string;
  /** The stored metadata verbatim: with data, type, id, stream and revision it is what was hashed. */
  metadata: Record<string, unknown>;
}

const text = (value: unknown): string | null => (typeof value === 'string' ? value : null);

function actorOf(value: unknown): EventActor | null {
  const actor = value as Partial<EventActor> | null | undefined;
  return typeof actor?.subject === 'string' ? (actor as EventActor) : null;
}

/**
 * Why `event` does not link onto `previous` (the stored event one revision before it, undefined
 * when there is none), or undefined when it does. Each link is judged on its own, so one changed
 * event marks itself and not every event after it.
 */
export function linkProblem(previous: RecordedEvent | undefined, event: RecordedEvent): string | undefined {
  if (event.revision === 0n && event.metadata.prevHash !== GENESIS_HASH) {
    return 'the first event does not start from the genesis hash';
  }
  if (event.revision > 0n && (previous === undefined || previous.revision !== event.revision - 1n)) {
    return `the event at revision ${event.revision - 1n} is missing`;
  }
  if (previous !== undefined && event.metadata.prevHash !== previous.metadata.hash) {
    return `prevHash is not the hash of revision ${previous.revision}`;
  }
  if (hashEvent(event) !== event.metadata.hash) return 'the hash does not match the event content';
  return undefined;
}

export function auditedEvent(previous: RecordedEvent | undefined, event: RecordedEvent): AuditedEvent {
  const problem = linkProblem(previous, event);
  const metadata = event.metadata;
  const schemaVersion = (event.data as { schemaVersion?: unknown }).schemaVersion ?? metadata.schemaVersion;
  return {
    stream: event.stream,
    revision: event.revision.toString(),
    position: { commit: event.position.commit.toString(), prepare: event.position.prepare.toString() },
    recordedAt: metadata.recordedAt,
    id: event.id,
    type: event.type,
    schemaVersion: typeof schemaVersion === 'number' ? schemaVersion : 1,
    data: event.data,
    correlationId: text(metadata.correlationId),
    causationId: text(metadata.causationId),
    commandId: text(metadata.commandId),
    actor: actorOf(metadata.actor),
    prevHash: metadata.prevHash,
    hash: metadata.hash,
    linkVerified: problem === undefined,
    ...(problem === undefined ? {} : { linkProblem: problem }),
    metadata: { ...metadata },
  };
}
