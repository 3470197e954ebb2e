/**
 * How the port's stream names map onto EventStoreDB's, and which EventStoreDB streams and events
 * readAll/subscribe deliver. One place, so the server-side subscription filter and the client-side
 * check of readAll (the 6.x client cannot filter reads) can never disagree.
 */

/** Command markers live in `<namespace>ledger-command-<command id>` (see command-markers.ts). */
export const COMMAND_MARKER_PREFIX = 'ledger-command-';

export class StreamNames {
  private readonly delivered: RegExp;
  /** The same rule as `delivered`, as a server-side regex filter for subscribeToAll. */
  readonly filterRegex: string;

  /**
   * @param namespace prepended to every stream name in EventStoreDB ('' = none).
   * @param prefixes when given, only streams starting with one of them are delivered.
   */
  constructor(
    readonly namespace = '',
    private readonly prefixes?: readonly string[],
  ) {
    if (prefixes !== undefined && prefixes.length === 0)
      throw new RangeError('streamPrefixes must not be empty when given');
    for (const prefix of prefixes ?? []) {
      if (prefix.length === 0 || prefix.startsWith('$') || prefix.startsWith(COMMAND_MARKER_PREFIX))
        throw new RangeError(`invalid stream prefix "${prefix}"`);
    }
    // System streams start with `$`; command markers are bookkeeping, not events of the ledger.
    const selection =
      prefixes === undefined
        ? `(?!\\$|${escapeRegex(COMMAND_MARKER_PREFIX)})`
        : `(?:${prefixes.map(escapeRegex).join('|')})`;
    this.filterRegex = `^${escapeRegex(namespace)}${selection}`;
    this.delivered = new RegExp(this.filterRegex);
  }

  toEsdb(stream: string): string {
    return `${this.namespace}${stream}`;
  }

  /** The port's name of an EventStoreDB stream, or undefined when readers must not see it. */
  fromEsdb(esdbStream: string, eventType: string): string | undefined {
    // Events whose type starts with `$` are EventStoreDB's own (tombstones, links, metadata).
    if (eventType.startsWith('$') || !this.delivered.test(esdbStream)) return undefined;
    return esdbStream.slice(this.namespace.length);
  }

  commandMarker(commandId: string): string {
    return `${this.namespace}${COMMAND_MARKER_PREFIX}${commandId}`;
  }

  /** Streams that readAll/subscribe would never deliver cannot be written through the port. */
  assertWritable(stream: string): void {
    if (stream.startsWith('$'))
      throw new TypeError(`stream name "${stream}" starts with "$", which EventStoreDB reserves for system streams`);
    if (stream.startsWith(COMMAND_MARKER_PREFIX))
      throw new TypeError(
        `stream name "${stream}" starts with "${COMMAND_MARKER_PREFIX}", reserved for command markers`,
      );
    if (this.prefixes && !this.prefixes.some((prefix) => stream.startsWith(prefix))) {
      throw new TypeError(
        `stream name "${stream}" matches none of the configured stream prefixes, so no reader would see it`,
      );
    }
  }
}

/** Escapes for a regex that both JavaScript and .NET (the server) read the same way. */
function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\\-/#\s]/g, (c) =>
    /\s/.test(c) ? `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}` : `\\${c}`,
  );
}
