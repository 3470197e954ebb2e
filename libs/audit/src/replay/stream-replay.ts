import type { EventStore, RecordedEvent } from '@ledger/event-store';
import { type AuditedEvent, auditedEvent } from './audited-event';

export interface ReplayPage {
  events: AuditedEvent[];
  /** Revision of the stream's newest event: the stream holds this + 1 revisions. */
  lastRevision: bigint;
}

/** How many events one read of a stream carries while streaming it whole. */
export const REPLAY_PAGE_SIZE = 500;

/**
 * One page of a stream, each event with its link checked against the event stored before it
 * (read along with the page, so a page that starts mid-stream is judged like any other).
 * Undefined when the stream does not exist.
 */
export async function replayPage(
  store: EventStore,
  stream: string,
  fromRevision: bigint,
  limit: number,
): Promise<ReplayPage | undefined> {
  const head = await store.readStream(stream, { direction: 'backwards', maxCount: 1 });
  if (!head.found) return undefined;
  const lastRevision = head.events[0]?.revision ?? -1n;
  if (fromRevision > lastRevision) return { events: [], lastRevision };
  const from = fromRevision > 0n ? fromRevision - 1n : 0n;
  const read = await store.readStream(stream, { from, maxCount: limit + (fromRevision > 0n ? 1 : 0) });
  if (!read.found) return undefined;
  return { events: audit(read.events, fromRevision), lastRevision };
}

function audit(events: RecordedEvent[], fromRevision: bigint): AuditedEvent[] {
  const audited: AuditedEvent[] = [];
  let previous: RecordedEvent | undefined;
  for (const event of events) {
    if (event.revision >= fromRevision) audited.push(auditedEvent(previous, event));
    previous = event;
  }
  return audited;
}

/**
 * The stream from `fromRevision` on, oldest first, one page in memory at a time: what the NDJSON
 * answer, the CLI's history and the chain check iterate. The event before `fromRevision` is read
 * too, so the first link is judged like every other. Yields nothing for a missing stream.
 */
export async function* replayStream(
  store: EventStore,
  stream: string,
  options: { fromRevision?: bigint; pageSize?: number } = {},
): AsyncGenerator<{ event: RecordedEvent; audited: AuditedEvent }> {
  const fromRevision = options.fromRevision ?? 0n;
  const pageSize = options.pageSize ?? REPLAY_PAGE_SIZE;
  let previous: RecordedEvent | undefined;
  let from = fromRevision > 0n ? fromRevision - 1n : 0n;
  for (;;) {
    const read = await store.readStream(stream, { from, maxCount: pageSize });
    if (!read.found) return;
    for (const event of read.events) {
      if (event.revision >= fromRevision) yield { event, audited: auditedEvent(previous, event) };
      previous = event;
    }
    if (read.events.length < pageSize) return;
    from = read.events[read.events.length - 1].revision + 1n;
  }
}

export async function streamExists(store: EventStore, stream: string): Promise<boolean> {
  return (await store.readStream(stream, { direction: 'backwards', maxCount: 1 })).found;
}
