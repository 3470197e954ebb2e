import { createHash } from 'node:crypto';
import { canonicalJson, type EventStore, type Position, type RecordedEvent } from '@ledger/event-store';

export interface ExportOptions {
  /** Exclusive: the export resumes after this position ('start' = from the first event). */
  from: Position | 'start';
  /** Events recorded after this instant (epoch ms) are left out. */
  untilMs?: number;
  batchSize?: number;
  /** Called after each batch, for progress. */
  onBatch?: (progress: { events: number; position: Position | 'start' }) => void;
}

/** The last line of an export: how many event lines precede it and the SHA-256 of their bytes. */
export interface ExportTrailer {
  trailer: true;
  count: number;
  /** Hex SHA-256 of every event line before the trailer, each with its "\n" (`head -n -1 | sha256sum`). */
  digest: string;
  fromPosition: string;
  /** Position of the last event read (not necessarily exported, under `until`): resume with it. */
  lastPosition: string;
}

export const formatExportPosition = (p: Position | 'start'): string =>
  p === 'start' ? 'start' : `${p.commit}/${p.prepare}`;

/** `start` or `<commit>/<prepare>`, as the trailer writes it; undefined when the text is neither. */
export function parseExportPosition(text: string): Position | 'start' | undefined {
  if (text === 'start') return 'start';
  const match = /^(\d{1,20})\/(\d{1,20})$/.exec(text);
  return match ? { commit: BigInt(match[1]), prepare: BigInt(match[2]) } : undefined;
}

/**
 * One event as one line: canonical JSON (RFC 8785) of its position, stream, revision, id, type,
 * data and metadata as stored, so each line also carries what its hash covers.
 */
export function exportLine(event: RecordedEvent): string {
  return canonicalJson({
    position: { commit: event.position.commit.toString(), prepare: event.position.prepare.toString() },
    stream: event.stream,
    revision: event.revision.toString(),
    id: event.id,
    type: event.type,
    data: event.data,
    metadata: event.metadata,
  });
}

/**
 * Every event after `from` in global order, written line by line through `write` (which applies
 * backpressure by resolving when the sink can take more), then the trailer. Memory stays at one
 * batch whatever the store holds.
 */
export async function exportEvents(
  store: EventStore,
  options: ExportOptions,
  write: (text: string) => Promise<void>,
): Promise<ExportTrailer> {
  const batchSize = options.batchSize ?? 1000;
  const digest = createHash('sha256');
  let position = options.from;
  let count = 0;
  let read = 0;
  for (;;) {
    const batch = await store.readAll(position, batchSize);
    if (batch.length === 0) break;
    const lines = batch
      .filter((event) => options.untilMs === undefined || Date.parse(event.metadata.recordedAt) <= options.untilMs)
      .map((event) => `${exportLine(event)}\n`);
    const chunk = lines.join('');
    digest.update(chunk);
    if (chunk !== '') await write(chunk);
    count += lines.length;
    read += batch.length;
    position = batch[batch.length - 1].position;
    options.onBatch?.({ events: read, position });
  }
  const trailer: ExportTrailer = {
    trailer: true,
    count,
    digest: digest.digest('hex'),
    fromPosition: formatExportPosition(options.from),
    lastPosition: formatExportPosition(position),
  };
  await write(`${canonicalJson(trailer)}\n`);
  return trailer;
}
