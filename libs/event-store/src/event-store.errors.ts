import type { ExpectedRevision } from './event-store.port';

function describeRevision(revision: ExpectedRevision): string {
  return typeof revision === 'bigint' ? revision.toString() : revision;
}

/** The stream was not at the expected revision; nothing was appended. */
export class StreamVersionConflict extends Error {
  readonly code = 'EVENT_STORE.STREAM_VERSION_CONFLICT';

  constructor(
    readonly stream: string,
    readonly expected: ExpectedRevision,
    readonly actual: bigint | 'no_stream',
  ) {
    super(`stream "${stream}" expected at ${describeRevision(expected)} but is at ${describeRevision(actual)}`);
    this.name = 'StreamVersionConflict';
  }
}

/** The command id was recorded before for a different command (fingerprint or stream differs). */
export class CommandIdConflict extends Error {
  readonly code = 'EVENT_STORE.COMMAND_ID_CONFLICT';

  constructor(readonly commandId: string) {
    super(`command id "${commandId}" was already used by a different command`);
    this.name = 'CommandIdConflict';
  }
}

/** An event id that is already stored; ids are unique across the whole store. */
export class DuplicateEventId extends Error {
  readonly code = 'EVENT_STORE.DUPLICATE_EVENT_ID';

  constructor(readonly eventId: string) {
    super(`event id "${eventId}" is already stored`);
    this.name = 'DuplicateEventId';
  }
}
