import type { AppendOptions, AppendResult, ExpectedRevision, Position } from './event-store.port';
import { CommandIdConflict, StreamVersionConflict } from './event-store.errors';

/** What an adapter keeps per command id, written in the same transaction as the events. */
export interface CommandRecord {
  stream: string;
  fingerprint: string | null;
  firstRevision: bigint;
  lastRevision: bigint;
  position: Position;
}

export function validateExpectedRevision(expected: ExpectedRevision): void {
  if (typeof expected === 'bigint' ? expected < 0n : !['no_stream', 'stream_exists', 'any'].includes(expected)) {
    throw new RangeError(`invalid expected revision ${String(expected)}`);
  }
}

/** EventStoreDB's rules; `current` is the stream's last revision. */
export function assertExpectedRevision(
  stream: string,
  expected: ExpectedRevision,
  current: bigint | 'no_stream',
): void {
  const satisfied =
    expected === 'any' ||
    (expected === 'no_stream' && current === 'no_stream') ||
    (expected === 'stream_exists' && current !== 'no_stream') ||
    expected === current;
  if (!satisfied) throw new StreamVersionConflict(stream, expected, current);
}

/**
 * A repeat of a recorded command returns its first result. The stream is part of the command's
 * identity: the same id aimed at another stream is a different command, so a conflict.
 */
export function repeatedCommandResult(record: CommandRecord, stream: string, options: AppendOptions): AppendResult {
  const commandId = options.commandId as string;
  if (record.stream !== stream || record.fingerprint !== (options.commandFingerprint ?? null)) {
    throw new CommandIdConflict(commandId);
  }
  return {
    duplicate: true,
    firstRevision: record.firstRevision,
    nextRevision: record.lastRevision,
    position: record.position,
  };
}

export function emptyAppendResult(current: bigint | 'no_stream', lastPosition: Position): AppendResult {
  const last = current === 'no_stream' ? -1n : current;
  return { duplicate: false, firstRevision: last + 1n, nextRevision: last, position: lastPosition };
}
