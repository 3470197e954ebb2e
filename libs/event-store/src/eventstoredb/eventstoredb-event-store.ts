import {
  AllStreamResolvedEvent,
  BACKWARDS,
  END,
  EventStoreDBClient,
  FORWARDS,
  START as ESDB_START,
  streamNameFilter,
  WrongExpectedVersionError,
} from '@eventstore/db-client';
import type { RecordedEvent as EsdbRecordedEvent } from '@eventstore/db-client';
import type {
  AppendOptions,
  AppendResult,
  EventStore,
  ExpectedRevision,
  NewEvent,
  Position,
  ReadStreamOptions,
  ReadStreamResult,
  RecordedEvent,
  SubscribeOptions,
  Subscription,
  SubscriptionHandler,
} from '../event-store.port';
import {
  assertExpectedRevision,
  CommandRecord,
  emptyAppendResult,
  repeatedCommandResult,
  validateExpectedRevision,
} from '../append-rules';
import { CommandIdConflict, StreamVersionConflict } from '../event-store.errors';
import { ChainedEvent, GENESIS_HASH } from '../hash-chain';
import { prepareEvents, validateAppend } from '../new-events';
import { comparePositions, START } from '../position';
import { streamRange, validateBatchSize } from '../stream-reading';
import type { SubscriptionRetryTiming } from '../subscription/subscription-loop';
import { CommandMarkers, MarkerState, Revision } from './command-markers';
import { positionOf, readEsdbStream, toEventData, toRecordedEvent } from './esdb-records';
import { EventStoreDbSubscription } from './eventstoredb-subscription';
import { StreamNames } from './stream-names';

export interface EventStoreDbEventStoreOptions {
  /**
   * Prepended to every stream name inside EventStoreDB (default none), so several ledgers, or test
   * runs, can share one database: readAll and subscribe only deliver this namespace.
   */
  namespace?: string;
  /** When given, readAll/subscribe deliver (and append accepts) only streams starting with one of these. */
  streamPrefixes?: string[];
  clock?: () => Date;
  subscriptionRetry?: Partial<SubscriptionRetryTiming>;
  /**
   * How long a command waits for another executor holding the same command id (same stream and
   * fingerprint) to finish before it presumes that executor dead and takes the command over.
   */
  commandTakeoverMs?: number;
  commandPollMs?: number;
}

interface StreamTail {
  revision: Revision;
  hash: string;
  position: Position | undefined;
}

interface CommandContext {
  id: string;
  /** The stream's last revision before the command was first reserved: its events can only follow it. */
  scanFrom: Revision;
}

const DEFAULT_RETRY: SubscriptionRetryTiming = { minRetryDelayMs: 50, maxRetryDelayMs: 5_000 };
const MAX_APPEND_ATTEMPTS = 100;

/**
 * EventStoreDB adapter (@eventstore/db-client 6.x over gRPC).
 *
 * - Append: reads the stream's last event (for the hash chain's prevHash and the revision the
 *   hashes cover), then appends at exactly that revision, whatever the caller expected, because the
 *   hashes cover revisions. A caller's `any`/`stream_exists` append that loses a race is re-chained
 *   and retried; an exact one becomes StreamVersionConflict carrying expected and actual. The
 *   reported position is read back from the stream, so it is exactly what readers see.
 * - Command ids: see command-markers.ts and appendCommand below.
 * - Positions: EventStoreDB's own (commit, prepare), unchanged.
 * - readAll: the client's readAll is inclusive of its position and cannot filter, so the event at
 *   `from` is dropped here, as are system streams, `$` event types, command markers and streams
 *   outside the namespace/prefixes; subscribe filters the same set on the server.
 * - Never throws DuplicateEventId: EventStoreDB does not keep event ids unique across streams
 *   (it uses them for idempotence within a stream), and this adapter does not add an index.
 * - Needs EventStoreDB/KurrentDB >= 22.6 (positions on stream reads) and read access to $all.
 */
export class EventStoreDbEventStore implements EventStore {
  private readonly names: StreamNames;
  private readonly markers: CommandMarkers;
  private readonly subscriptions = new Set<EventStoreDbSubscription>();
  private readonly retry: SubscriptionRetryTiming;
  private closed = false;

  constructor(
    private readonly client: EventStoreDBClient,
    private readonly options: EventStoreDbEventStoreOptions = {},
    private readonly ownsClient = false,
  ) {
    this.names = new StreamNames(options.namespace ?? '', options.streamPrefixes);
    this.markers = new CommandMarkers(client, this.names);
    this.retry = { ...DEFAULT_RETRY, ...options.subscriptionRetry };
  }

  /** A store with a client of its own (closed by close()), e.g. `esdb://127.0.0.1:2113?tls=false`. */
  static fromConnectionString(
    connectionString: string,
    options: EventStoreDbEventStoreOptions = {},
  ): EventStoreDbEventStore {
    return new EventStoreDbEventStore(EventStoreDBClient.connectionString(connectionString), options, true);
  }

  async append(
    stream: string,
    events: NewEvent[],
    expected: ExpectedRevision,
    options: AppendOptions = {},
  ): Promise<AppendResult> {
    validateAppend(stream, events);
    validateExpectedRevision(expected);
    this.names.assertWritable(stream);
    if (events.length === 0) return this.check(stream, expected, options);
    const tail = await this.readTail(stream);
    if (options.commandId === undefined) return this.appendEvents(stream, events, expected, tail, undefined);
    return this.appendCommand(stream, events, expected, tail, options);
  }

  async readStream(stream: string, options: ReadStreamOptions = {}): Promise<ReadStreamResult> {
    const range = streamRange(options);
    const name = this.names.toEsdb(stream);
    if (range.empty) {
      const tail = await readEsdbStream(this.client, name, { direction: BACKWARDS, fromRevision: END, maxCount: 1 });
      return tail ? { found: true, events: [] } : { found: false };
    }
    const events = await readEsdbStream(this.client, name, {
      direction: range.direction === 'forwards' ? FORWARDS : BACKWARDS,
      fromRevision: range.from ?? END,
      maxCount: range.maxCount,
    });
    return events ? { found: true, events: events.map((event) => toRecordedEvent(event, stream)) } : { found: false };
  }

  /**
   * Events strictly after `from`. Pages on until it finds one of ours or the end of $all, so an
   * empty answer always means "nothing more yet", however many system events lie in between.
   */
  async readAll(from: Position | 'start', batchSize: number): Promise<RecordedEvent[]> {
    validateBatchSize(batchSize);
    let cursor = from === 'start' || comparePositions(from, START) === 0 ? undefined : from;
    for (;;) {
      const page: AllStreamResolvedEvent[] = [];
      for await (const resolved of this.client.readAll({
        fromPosition: cursor ?? ESDB_START,
        direction: FORWARDS,
        maxCount: batchSize + 1,
      })) {
        page.push(resolved);
      }
      const after = page.filter(
        (resolved) => resolved.event && (!cursor || comparePositions(positionOf(resolved.event), cursor) > 0),
      );
      const mine = after
        .map((resolved) => this.convert(resolved))
        .filter((e): e is RecordedEvent => e !== undefined)
        .slice(0, batchSize);
      if (mine.length > 0 || page.length < batchSize + 1) return mine;
      const last = after[after.length - 1]?.event;
      if (!last) return mine;
      cursor = positionOf(last);
    }
  }

  subscribe(from: Position | 'start', handler: SubscriptionHandler, options: SubscribeOptions = {}): Subscription {
    if (this.closed) throw new Error('the event store is closed');
    const source = {
      open: (position: Position | 'start', batchSize: number) =>
        this.client.subscribeToAll(
          {
            fromPosition: position === 'start' || comparePositions(position, START) === 0 ? ESDB_START : position,
            filter: streamNameFilter({ regex: this.names.filterRegex }),
          },
          { highWaterMark: batchSize },
        ),
      convert: (resolved: AllStreamResolvedEvent) => this.convert(resolved),
    };
    const subscription = new EventStoreDbSubscription(source, from, handler, options, this.retry);
    this.subscriptions.add(subscription);
    // done settles once the loop has ended; either way the subscription is no longer ours to stop.
    const forget = () => this.subscriptions.delete(subscription);
    subscription.done.then(forget, forget);
    return subscription;
  }

  /** The last position in $all (system events included: a valid place to read or subscribe from). */
  async headPosition(): Promise<Position | undefined> {
    let head: Position | undefined;
    for await (const resolved of this.client.readAll({ fromPosition: END, direction: BACKWARDS, maxCount: 1 })) {
      if (resolved.event) head = positionOf(resolved.event);
    }
    return head;
  }

  async close(): Promise<void> {
    this.closed = true;
    await Promise.all([...this.subscriptions].map((subscription) => subscription.stop()));
    this.subscriptions.clear();
    if (this.ownsClient) await this.client.dispose();
  }

  // ---- append internals ---------------------------------------------------------------------

  /** An empty append: a revision check that writes nothing (a recorded command still repeats). */
  private async check(stream: string, expected: ExpectedRevision, options: AppendOptions): Promise<AppendResult> {
    if (options.commandId !== undefined) {
      const state = await this.markers.read(options.commandId);
      if (state.kind === 'completed') return repeatedCommandResult(state.record, stream, options);
    }
    const tail = await this.readTail(stream);
    assertExpectedRevision(stream, expected, tail.revision);
    return emptyAppendResult(tail.revision, tail.position ?? START);
  }

  /**
   * A command with an id. The marker stream is reserved first (optimistically at no_stream, as
   * most ids are new), then the events are appended, then the marker records the result:
   * - a completed marker answers a repeat with the first result (same stream and fingerprint) or
   *   CommandIdConflict, before any expected-revision check, as the port requires;
   * - a reservation held for the same command means a concurrent or abandoned executor: wait for
   *   it to complete or release; after commandTakeoverMs take it over, first looking for events it
   *   may have appended (events carry metadata.commandId) so they are reported, never repeated;
   * - a reservation held for another stream or fingerprint is CommandIdConflict, appending nothing;
   * - a definite StreamVersionConflict releases the reservation (nothing was written, the id is
   *   free again); any other failure keeps it, since the append may have landed: a retry takes it
   *   over and finds out.
   * Event ids derived from the command id add EventStoreDB's own idempotence underneath: two
   * executors appending the same derived ids at the same revision write them once.
   */
  private async appendCommand(
    stream: string,
    events: NewEvent[],
    expected: ExpectedRevision,
    tail: StreamTail,
    options: AppendOptions,
  ): Promise<AppendResult> {
    const commandId = options.commandId as string;
    const fingerprint = options.commandFingerprint ?? null;
    let state: MarkerState = { kind: 'free', revision: 'no_stream' };
    let scanFrom = tail.revision;
    for (;;) {
      if (state.kind === 'completed') return repeatedCommandResult(state.record, stream, options);
      let tookOver = false;
      if (state.kind === 'reserved') {
        if (state.stream !== stream || state.fingerprint !== fingerprint) throw new CommandIdConflict(commandId);
        const later = await this.markers.waitForChange(
          commandId,
          state,
          this.options.commandTakeoverMs ?? 5_000,
          this.options.commandPollMs ?? 5,
        );
        if (later) {
          state = later;
          continue;
        }
        tookOver = true;
        scanFrom = earliest(scanFrom, state.scanFrom);
      }
      const reservedAt = await this.markers.write(commandId, state.revision, {
        type: 'CommandReserved',
        stream,
        fingerprint,
        scanFrom,
      });
      if (reservedAt === undefined) {
        state = await this.markers.read(commandId);
        continue;
      }
      const command = { id: commandId, scanFrom };
      let result: AppendResult;
      try {
        const earlier = tookOver ? await this.findCommandEvents(stream, command) : undefined;
        result =
          earlier ??
          (await this.appendEvents(stream, events, expected, tookOver ? await this.readTail(stream) : tail, command));
      } catch (error) {
        if (error instanceof StreamVersionConflict) {
          await this.markers
            .write(commandId, reservedAt, { type: 'CommandReleased', stream, fingerprint })
            .catch(() => undefined);
        }
        throw error;
      }
      const record: CommandRecord = {
        stream,
        fingerprint,
        firstRevision: result.firstRevision,
        lastRevision: result.nextRevision,
        position: result.position,
      };
      // The events are in: the answer stands even if the marker cannot be completed (another
      // executor took the reservation over meanwhile, or the connection dropped). A later repeat
      // then takes the reservation over, finds these events and records the same result.
      await this.markers.write(commandId, reservedAt, { type: 'CommandCompleted', record }).catch(() => undefined);
      return result;
    }
  }

  /**
   * Appends at exactly the tail's revision. With a command, every conflict first looks for the
   * command's own events (written by a concurrent executor of the same command), which turn the
   * conflict into that execution's result.
   */
  private async appendEvents(
    stream: string,
    events: NewEvent[],
    expected: ExpectedRevision,
    tail: StreamTail,
    command: CommandContext | undefined,
  ): Promise<AppendResult> {
    for (let attempt = 1; ; attempt++) {
      const conflict = conflictOf(stream, expected, tail.revision);
      if (conflict) return this.orEarlierExecution(stream, command, conflict);
      const prepared = prepareEvents(
        {
          stream,
          firstRevision: tail.revision === 'no_stream' ? 0n : tail.revision + 1n,
          prevHash: tail.hash,
          recordedAt: (this.options.clock?.() ?? new Date()).toISOString(),
          commandId: command?.id,
        },
        events,
      );
      try {
        await this.client.appendToStream(this.names.toEsdb(stream), prepared.map(toEventData), {
          expectedRevision: tail.revision,
        });
      } catch (error) {
        if (!(error instanceof WrongExpectedVersionError)) throw error;
        const actual = typeof error.actualVersion === 'bigint' ? error.actualVersion : 'no_stream';
        if (typeof expected === 'bigint' || expected === 'no_stream' || attempt >= MAX_APPEND_ATTEMPTS) {
          return this.orEarlierExecution(stream, command, new StreamVersionConflict(stream, expected, actual));
        }
        const earlier = command ? await this.findCommandEvents(stream, command) : undefined;
        if (earlier) return earlier;
        // Another writer appended first; the caller accepts any revision, so re-chain and retry.
        await new Promise((resolve) => setTimeout(resolve, Math.random() * Math.min(50, attempt * 2)));
        tail = await this.readTail(stream);
        continue;
      }
      return this.appended(stream, prepared);
    }
  }

  private async orEarlierExecution(
    stream: string,
    command: CommandContext | undefined,
    conflict: StreamVersionConflict,
  ): Promise<AppendResult> {
    const earlier = command ? await this.findCommandEvents(stream, command) : undefined;
    if (earlier) return earlier;
    throw conflict;
  }

  /** The result of the append just made, its position read back as readers will see it. */
  private async appended(stream: string, prepared: ChainedEvent[]): Promise<AppendResult> {
    const [first, last] = [prepared[0], prepared[prepared.length - 1]];
    const [stored] =
      (await readEsdbStream(this.client, this.names.toEsdb(stream), {
        direction: FORWARDS,
        fromRevision: last.revision,
        maxCount: 1,
      })) ?? [];
    if (!stored || stored.id !== last.id)
      throw new Error(`appended ${stream}@${last.revision} but read back ${stored ? `event ${stored.id}` : 'nothing'}`);
    return {
      duplicate: false,
      firstRevision: first.revision,
      nextRevision: last.revision,
      position: positionOf(stored),
    };
  }

  /** Events of this command id already in the stream (after the tail it was reserved at), as a repeat's result. */
  private async findCommandEvents(stream: string, command: CommandContext): Promise<AppendResult | undefined> {
    const events =
      (await readEsdbStream(this.client, this.names.toEsdb(stream), {
        direction: FORWARDS,
        fromRevision: command.scanFrom === 'no_stream' ? ESDB_START : command.scanFrom + 1n,
      })) ?? [];
    const isOurs = (event: EsdbRecordedEvent) =>
      (event.metadata as { commandId?: unknown } | undefined)?.commandId === command.id;
    const start = events.findIndex(isOurs);
    if (start < 0) return undefined;
    let end = start;
    while (end + 1 < events.length && isOurs(events[end + 1])) end++;
    return {
      duplicate: true,
      firstRevision: events[start].revision,
      nextRevision: events[end].revision,
      position: positionOf(events[end]),
    };
  }

  private async readTail(stream: string): Promise<StreamTail> {
    const [last] =
      (await readEsdbStream(this.client, this.names.toEsdb(stream), {
        direction: BACKWARDS,
        fromRevision: END,
        maxCount: 1,
      })) ?? [];
    if (!last) return { revision: 'no_stream', hash: GENESIS_HASH, position: undefined };
    const hash = (last.metadata as { hash?: unknown } | undefined)?.hash;
    if (typeof hash !== 'string')
      throw new Error(
        `the last event of ${stream} (${last.revision}) carries no hash: it was not written by this adapter`,
      );
    return { revision: last.revision, hash, position: positionOf(last) };
  }

  private convert(resolved: AllStreamResolvedEvent): RecordedEvent | undefined {
    const { event } = resolved;
    if (!event) return undefined;
    const stream = this.names.fromEsdb(event.streamId, event.type);
    return stream === undefined ? undefined : toRecordedEvent(event, stream);
  }
}

function conflictOf(stream: string, expected: ExpectedRevision, current: Revision): StreamVersionConflict | undefined {
  try {
    assertExpectedRevision(stream, expected, current);
    return undefined;
  } catch (error) {
    if (error instanceof StreamVersionConflict) return error;
    throw error;
  }
}

function earliest(a: Revision, b: Revision): Revision {
  if (a === 'no_stream' || b === 'no_stream') return 'no_stream';
  return a < b ? a : b;
}
