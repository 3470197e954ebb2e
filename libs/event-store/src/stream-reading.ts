import type { ReadStreamOptions, RecordedEvent } from './event-store.port';

export interface StreamRange {
  direction: 'forwards' | 'backwards';
  /** Inclusive bound; undefined = from the stream's end, going backwards. */
  from: bigint | undefined;
  /** undefined = no limit. */
  maxCount: number | undefined;
  /** Forwards from 'end' reads nothing, by definition. */
  empty: boolean;
}

/** One interpretation of readStream's options for every adapter. */
export function streamRange(options: ReadStreamOptions = {}): StreamRange {
  const direction = options.direction ?? 'forwards';
  if (direction !== 'forwards' && direction !== 'backwards')
    throw new RangeError(`invalid direction ${String(direction)}`);
  const { maxCount } = options;
  if (maxCount !== undefined && (!Number.isInteger(maxCount) || maxCount < 1))
    throw new RangeError('maxCount must be a positive integer');
  const from = options.from ?? (direction === 'forwards' ? 'start' : 'end');
  if (typeof from === 'bigint' && from < 0n) throw new RangeError('from must be a revision >= 0');
  if (from === 'end') return { direction, from: undefined, maxCount, empty: direction === 'forwards' };
  return { direction, from: from === 'start' ? 0n : from, maxCount, empty: false };
}

/** The in-memory reading of a stream; the PostgreSQL adapter expresses the same range in SQL. */
export function selectStreamEvents(events: RecordedEvent[], options: ReadStreamOptions): RecordedEvent[] {
  const range = streamRange(options);
  if (range.empty) return [];
  const { from } = range;
  const selected =
    range.direction === 'forwards'
      ? events.filter((event) => from === undefined || event.revision >= from)
      : events.filter((event) => from === undefined || event.revision <= from).reverse();
  return range.maxCount === undefined ? selected : selected.slice(0, range.maxCount);
}

export function validateBatchSize(batchSize: number): void {
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new RangeError('batchSize must be a positive integer');
}
