/**
 * EventStoreDB TEST DOUBLE: an in-process gRPC server that speaks EventStoreDB's Streams protocol,
 * built on @grpc/grpc-js and the service definitions generated inside @eventstore/db-client
 * (`generated/streams_grpc_pb.js`, `streams_pb.js`, `shared_pb.js`). It exists because no real
 * EventStoreDB/KurrentDB can run on the CI machines; it is test support, never shipped, and it is
 * NOT EventStoreDB. Passing tests against it shows the adapter drives the real client correctly
 * against the protocol as understood here; only runs with EVENTSTORE_CONNECTION_STRING against a
 * real server show the server behaves the same way.
 *
 * Implements (insecure, 127.0.0.1, one node, in memory):
 * - Streams.Append (client streaming: the options message, then proposed messages): expected
 *   revision `any` / `no_stream` / `stream_exists` / exact revision; WrongExpectedVersion answers
 *   carrying current and expected; idempotent appends by event id as EventStoreDB does them (the
 *   same ids again at the same expected revision, or found in the stream for `any`, are reported
 *   as written instead of being written twice; a partial match is refused).
 * - Streams.Read:
 *   - stream reads forwards/backwards from start/end/revision (inclusive) with a count, and
 *     StreamNotFound for a missing stream (which the client turns into StreamNotFoundError while
 *     iterating); $all reads forwards/backwards from start/end/position (forwards inclusive of the
 *     position, backwards strictly before it), optionally filtered;
 *   - subscriptions to a stream (exclusive of the revision) and to $all (exclusive of the
 *     position): confirmation, catch-up, a CaughtUp message, then live events, without a gap
 *     between the two; written with backpressure;
 *   - server-side filters on stream name or event type, by prefixes or regex (evaluated with
 *     JavaScript's RegExp, which agrees with .NET's for the patterns the adapter sends), with
 *     Checkpoint messages every `max search window (default 32) x checkpoint multiplier` events
 *     scanned and on catching up;
 *   - UUIDs in string or structured form, as the request asks; `created` in ticks since the epoch.
 * - Every event position in $all and stream reads (commit = prepare = log position, growing like
 *   a byte offset), as KurrentDB >= 22.6 populates positions on stream reads too.
 * - A few system events at start-up ($settings, $$$scavenges metadata), so $all is never empty
 *   and readers must skip system events, as on a real server.
 * - Test hooks: `failNextAllReads(n)` makes the next n $all reads or live $all deliveries end
 *   with UNAVAILABLE (a dropped connection); `tamper()` rewrites a stored event's data.
 *
 * Does NOT implement: ServerFeatures (left unregistered on purpose, so the client falls back from
 * BatchAppend to Append; a real server supports BatchAppend and the client will use it), Gossip
 * (a single-host esdb:// connection string never calls it), BatchAppend, Delete, Tombstone,
 * stream metadata/ACLs/authentication/TLS, link events and resolveLinkTos, soft/hard deletes,
 * truncation, max-age/max-count, max append size, deadlines, persistent subscriptions,
 * projections, operations, users, clustering/leader election, FellBehind, explicit
 * transactions, validation of $all positions (a real server rejects positions that are not
 * record boundaries), durability (everything is lost on stop), or performance characteristics.
 */
import { randomUUID } from 'node:crypto';
import {
  Server,
  ServerCredentials,
  ServerReadableStream,
  ServerWritableStream,
  sendUnaryData,
  status,
  UntypedServiceImplementation,
} from '@grpc/grpc-js';
import { StreamsService } from '@eventstore/db-client/generated/streams_grpc_pb';
import { AppendReq, AppendResp, ReadReq, ReadResp } from '@eventstore/db-client/generated/streams_pb';
import { Empty, StreamIdentifier, UUID } from '@eventstore/db-client/generated/shared_pb';
import { EventLog, ExpectedState, ProposedEvent, StoredEvent, StreamState } from './event-log';

const DEFAULT_SEARCH_WINDOW = 32;

interface EventFilter {
  matches(event: StoredEvent): boolean;
  checkpointEvery: number;
}

export class EsdbTestServer {
  readonly log = new EventLog();
  private readFailures = 0;
  private readonly calls = new Set<{ cancel(): void }>();

  private constructor(
    private readonly server: Server,
    readonly port: number,
  ) {}

  /** Starts on 127.0.0.1 and a free port. */
  static async start(): Promise<EsdbTestServer> {
    const server = new Server();
    const port = await new Promise<number>((resolve, reject) => {
      server.bindAsync('127.0.0.1:0', ServerCredentials.createInsecure(), (error, bound) =>
        error ? reject(error) : resolve(bound),
      );
    });
    const instance = new EsdbTestServer(server, port);
    server.addService(StreamsService, instance.implementation());
    instance.seedSystemEvents();
    return instance;
  }

  get connectionString(): string {
    return `esdb://127.0.0.1:${this.port}?tls=false`;
  }

  /** The next `count` $all reads, subscription starts or live $all deliveries fail with UNAVAILABLE. */
  failNextAllReads(count: number): void {
    this.readFailures = count;
  }

  get pendingAllReadFailures(): number {
    return this.readFailures;
  }

  /** Rewrites the stored JSON data of one event, leaving its metadata (and so its hash) alone. */
  tamper(stream: string, revision: bigint, data: unknown): void {
    this.log.rewriteData(stream, revision, new Uint8Array(Buffer.from(JSON.stringify(data), 'utf8')));
  }

  async stop(): Promise<void> {
    for (const call of [...this.calls]) call.cancel();
    this.server.forceShutdown();
  }

  private implementation(): UntypedServiceImplementation {
    const unimplemented = (name: string) => (_call: unknown, callback?: sendUnaryData<unknown>) => {
      const error = {
        code: status.UNIMPLEMENTED,
        details: `the EventStoreDB test server does not implement Streams.${name}`,
      };
      if (typeof callback === 'function') callback(error);
      else (_call as { emit(event: string, error: unknown): void }).emit('error', error);
    };
    return {
      append: (call: ServerReadableStream<AppendReq, AppendResp>, callback: sendUnaryData<AppendResp>) =>
        this.append(call, callback),
      read: (call: ServerWritableStream<ReadReq, ReadResp>) =>
        void this.read(call).catch((error: unknown) => fail(call, status.INTERNAL, String(error))),
      batchAppend: unimplemented('BatchAppend'),
      delete: unimplemented('Delete'),
      tombstone: unimplemented('Tombstone'),
    };
  }

  private seedSystemEvents(): void {
    const json = (value: unknown) => new Uint8Array(Buffer.from(JSON.stringify(value), 'utf8'));
    const system = (type: string, data: unknown): ProposedEvent => ({
      id: randomUUID(),
      type,
      contentType: 'application/json',
      data: json(data),
      customMetadata: new Uint8Array(),
    });
    this.log.append('$settings', { kind: 'any' }, [system('$settings', { $userStreamAcl: {}, $systemStreamAcl: {} })]);
    this.log.append('$$$scavenges', { kind: 'any' }, [system('$metadata', { $maxAge: 2592000 })]);
  }

  // ---- Append -----------------------------------------------------------------------------

  private append(call: ServerReadableStream<AppendReq, AppendResp>, callback: sendUnaryData<AppendResp>): void {
    let options: AppendReq.Options | undefined;
    const proposed: ProposedEvent[] = [];
    let problem: string | undefined;
    call.on('data', (request: AppendReq) => {
      if (problem) return;
      if (!options) {
        if (!request.hasOptions()) problem = 'the first append message must carry the options';
        else options = request.getOptions();
        return;
      }
      const message = request.getProposedMessage();
      if (!message) {
        problem = 'expected a proposed message after the options';
        return;
      }
      const type = message.getMetadataMap().get('type');
      const contentType = message.getMetadataMap().get('content-type');
      if (!type || !contentType) {
        problem = 'a proposed message needs the "type" and "content-type" metadata';
        return;
      }
      proposed.push({
        id: parseUuid(message.getId()),
        type,
        contentType,
        data: message.getData_asU8(),
        customMetadata: message.getCustomMetadata_asU8(),
      });
    });
    call.on('error', () => undefined);
    call.on('end', () => {
      const identifier = options?.getStreamIdentifier();
      if (problem || !options || !identifier) {
        callback({ code: status.INVALID_ARGUMENT, details: problem ?? 'missing append options or stream identifier' });
        return;
      }
      const stream = streamName(identifier);
      const expected = expectedState(options);
      const outcome = this.log.append(stream, expected, proposed);
      const response = new AppendResp();
      if (outcome.kind === 'success') {
        const success = new AppendResp.Success();
        if (outcome.current === 'no_stream') success.setNoStream(new Empty());
        else success.setCurrentRevision(outcome.current.toString());
        if (outcome.position === undefined) success.setNoPosition(new Empty());
        else
          success.setPosition(
            new AppendResp.Position()
              .setCommitPosition(outcome.position.toString())
              .setPreparePosition(outcome.position.toString()),
          );
        response.setSuccess(success);
      } else {
        response.setWrongExpectedVersion(wrongExpectedVersion(outcome.current, expected));
      }
      callback(null, response);
    });
  }

  // ---- Read -------------------------------------------------------------------------------

  private async read(call: ServerWritableStream<ReadReq, ReadResp>): Promise<void> {
    const options = call.request.getOptions();
    if (!options) return fail(call, status.INVALID_ARGUMENT, 'missing read options');
    const structuredIds = options.getUuidOption()?.hasStructured() ?? false;
    const filter = eventFilter(options);
    const out = new Outbox(call, structuredIds);
    this.calls.add(out);
    try {
      if (options.hasAll() && this.readFailures > 0) {
        this.readFailures--;
        return fail(call, status.UNAVAILABLE, 'injected read failure (test server)');
      }
      if (options.hasSubscription()) {
        await out.send(
          new ReadResp().setConfirmation(new ReadResp.SubscriptionConfirmation().setSubscriptionId(randomUUID())),
        );
        if (options.hasStream())
          await this.subscribeToStream(out, options.getStream() as ReadReq.Options.StreamOptions);
        else await this.subscribeToAll(out, options.getAll() as ReadReq.Options.AllOptions, filter);
        return;
      }
      const count = options.hasCount() ? BigInt(options.getCount()) : 0n;
      const backwards = options.getReadDirection() === ReadReq.Options.ReadDirection.BACKWARDS;
      if (options.hasStream())
        await this.readStream(out, options.getStream() as ReadReq.Options.StreamOptions, backwards, count);
      else if (options.hasAll())
        await this.readAll(out, options.getAll() as ReadReq.Options.AllOptions, backwards, count, filter);
      else return fail(call, status.INVALID_ARGUMENT, 'read options name neither a stream nor $all');
      if (!out.cancelled) call.end();
    } finally {
      this.calls.delete(out);
    }
  }

  private async readStream(
    out: Outbox,
    options: ReadReq.Options.StreamOptions,
    backwards: boolean,
    count: bigint,
  ): Promise<void> {
    const identifier = options.getStreamIdentifier() as StreamIdentifier;
    const events = this.log.streamEvents(streamName(identifier));
    if (!events) {
      await out.send(new ReadResp().setStreamNotFound(new ReadResp.StreamNotFound().setStreamIdentifier(identifier)));
      return;
    }
    let selected: StoredEvent[];
    if (backwards) {
      const from = options.hasRevision() ? BigInt(options.getRevision()) : options.hasStart() ? 0n : undefined;
      selected = events.filter((e) => from === undefined || e.revision <= from).reverse();
    } else {
      const from = options.hasRevision() ? BigInt(options.getRevision()) : options.hasEnd() ? undefined : 0n;
      selected = from === undefined ? [] : events.filter((e) => e.revision >= from);
    }
    for (const event of selected.slice(0, Number(count))) {
      if (!(await out.sendEvent(event))) return;
    }
  }

  private async readAll(
    out: Outbox,
    options: ReadReq.Options.AllOptions,
    backwards: boolean,
    count: bigint,
    filter: EventFilter | undefined,
  ): Promise<void> {
    const all = this.log.all;
    const position = options.hasPosition() ? BigInt(options.getPosition()?.getCommitPosition() ?? '0') : undefined;
    let sent = 0n;
    if (backwards) {
      const before = options.hasStart() ? 0 : position === undefined ? all.length : this.log.indexFrom(position, true);
      for (let i = before - 1; i >= 0 && sent < count; i--) {
        if (filter && !filter.matches(all[i])) continue;
        if (!(await out.sendEvent(all[i]))) return;
        sent++;
      }
      return;
    }
    const from = options.hasEnd() ? all.length : position === undefined ? 0 : this.log.indexFrom(position, true);
    for (let i = from; i < all.length && sent < count; i++) {
      if (filter && !filter.matches(all[i])) continue;
      if (!(await out.sendEvent(all[i]))) return;
      sent++;
    }
  }

  /** Catch-up then live, with no gap: one cursor walks the log and waits at its end for appends. */
  private async subscribeToAll(
    out: Outbox,
    options: ReadReq.Options.AllOptions,
    filter: EventFilter | undefined,
  ): Promise<void> {
    const all = this.log.all;
    let index = options.hasEnd()
      ? all.length
      : options.hasPosition()
        ? this.log.indexFrom(BigInt(options.getPosition()?.getCommitPosition() ?? '0'), false)
        : 0;
    let scanned = 0;
    let caughtUp = false;
    while (!out.cancelled) {
      if (index < all.length) {
        const event = all[index++];
        scanned++;
        if (!filter || filter.matches(event)) {
          if (this.readFailures > 0 && caughtUp) {
            this.readFailures--;
            return fail(out.call, status.UNAVAILABLE, 'injected read failure (test server)');
          }
          if (!(await out.sendEvent(event))) return;
        }
        if (filter && scanned % filter.checkpointEvery === 0 && !(await out.sendCheckpoint(event.position))) return;
        continue;
      }
      if (!caughtUp) {
        caughtUp = true;
        if (filter && index > 0 && !(await out.sendCheckpoint(all[index - 1].position))) return;
        if (!(await out.send(new ReadResp().setCaughtUp(new ReadResp.CaughtUp())))) return;
      }
      await out.waitFor(this.log.nextAppend());
    }
  }

  private async subscribeToStream(out: Outbox, options: ReadReq.Options.StreamOptions): Promise<void> {
    const stream = streamName(options.getStreamIdentifier() as StreamIdentifier);
    const current = this.log.current(stream);
    let after: bigint = options.hasRevision()
      ? BigInt(options.getRevision())
      : options.hasEnd() && current !== 'no_stream'
        ? current
        : -1n;
    let caughtUp = false;
    while (!out.cancelled) {
      const pending = (this.log.streamEvents(stream) ?? []).filter((event) => event.revision > after);
      for (const event of pending) {
        if (!(await out.sendEvent(event))) return;
        after = event.revision;
      }
      if (pending.length > 0) continue;
      if (!caughtUp) {
        caughtUp = true;
        if (!(await out.send(new ReadResp().setCaughtUp(new ReadResp.CaughtUp())))) return;
      }
      await out.waitFor(this.log.nextAppend());
    }
  }
}

/** Writes to a server-streaming call with backpressure, and notices a cancelled call. */
class Outbox {
  cancelled = false;
  private wake: (() => void) | undefined;

  constructor(
    readonly call: ServerWritableStream<ReadReq, ReadResp>,
    private readonly structuredIds: boolean,
  ) {
    const cancelled = () => {
      this.cancelled = true;
      this.wake?.();
    };
    call.on('cancelled', cancelled);
    call.on('close', cancelled);
    call.on('error', cancelled);
  }

  cancel(): void {
    this.cancelled = true;
    this.wake?.();
  }

  /** False once the call is gone. */
  async send(message: ReadResp): Promise<boolean> {
    if (this.cancelled) return false;
    if (!this.call.write(message)) {
      await new Promise<void>((resolve) => {
        this.wake = resolve;
        this.call.once('drain', resolve);
      });
      this.wake = undefined;
    }
    return !this.cancelled;
  }

  sendEvent(event: StoredEvent): Promise<boolean> {
    return this.send(new ReadResp().setEvent(readEvent(event, this.structuredIds)));
  }

  sendCheckpoint(position: bigint): Promise<boolean> {
    const checkpoint = new ReadResp.Checkpoint()
      .setCommitPosition(position.toString())
      .setPreparePosition(position.toString());
    return this.send(new ReadResp().setCheckpoint(checkpoint));
  }

  async waitFor(wait: { done: Promise<void>; cancel(): void }): Promise<void> {
    if (this.cancelled) return wait.cancel();
    this.wake = wait.cancel;
    await wait.done;
    this.wake = undefined;
  }
}

function fail(call: ServerWritableStream<ReadReq, ReadResp>, code: status, details: string): void {
  call.emit('error', { code, details });
}

function streamName(identifier: StreamIdentifier): string {
  return Buffer.from(identifier.getStreamName_asU8()).toString('utf8');
}

function expectedState(options: AppendReq.Options): ExpectedState {
  switch (options.getExpectedStreamRevisionCase()) {
    case AppendReq.Options.ExpectedStreamRevisionCase.REVISION:
      return { kind: 'revision', revision: BigInt(options.getRevision()) };
    case AppendReq.Options.ExpectedStreamRevisionCase.NO_STREAM:
      return { kind: 'no_stream' };
    case AppendReq.Options.ExpectedStreamRevisionCase.STREAM_EXISTS:
      return { kind: 'stream_exists' };
    default:
      return { kind: 'any' };
  }
}

function wrongExpectedVersion(current: StreamState, expected: ExpectedState): AppendResp.WrongExpectedVersion {
  const wrong = new AppendResp.WrongExpectedVersion();
  if (current === 'no_stream') wrong.setCurrentNoStream(new Empty());
  else wrong.setCurrentRevision(current.toString());
  if (expected.kind === 'revision') wrong.setExpectedRevision(expected.revision.toString());
  else if (expected.kind === 'no_stream') wrong.setExpectedNoStream(new Empty());
  else if (expected.kind === 'stream_exists') wrong.setExpectedStreamExists(new Empty());
  else wrong.setExpectedAny(new Empty());
  return wrong;
}

function eventFilter(options: ReadReq.Options): EventFilter | undefined {
  const filter = options.getFilter();
  if (!options.hasFilter() || !filter) return undefined;
  const onStream = filter.hasStreamIdentifier();
  const expression = onStream ? filter.getStreamIdentifier() : filter.getEventType();
  if (!expression) return undefined;
  const prefixes = expression.getPrefixList();
  const regex = expression.getRegex() ? new RegExp(expression.getRegex()) : undefined;
  const window = filter.hasMax() ? filter.getMax() : DEFAULT_SEARCH_WINDOW;
  return {
    checkpointEvery: Math.max(1, window * Math.max(1, filter.getCheckpointintervalmultiplier())),
    matches: (event) => {
      const subject = onStream ? event.stream : event.type;
      if (prefixes.length > 0) return prefixes.some((prefix) => subject.startsWith(prefix));
      return regex ? regex.test(subject) : true;
    },
  };
}

function readEvent(event: StoredEvent, structuredIds: boolean): ReadResp.ReadEvent {
  const record = new ReadResp.ReadEvent.RecordedEvent();
  record.setId(toUuid(event.id, structuredIds));
  record.setStreamIdentifier(new StreamIdentifier().setStreamName(new Uint8Array(Buffer.from(event.stream, 'utf8'))));
  record.setStreamRevision(event.revision.toString());
  record.setCommitPosition(event.position.toString());
  record.setPreparePosition(event.position.toString());
  record
    .getMetadataMap()
    .set('type', event.type)
    .set('content-type', event.contentType)
    .set('created', event.created.toString());
  record.setCustomMetadata(event.customMetadata);
  record.setData(event.data);
  return new ReadResp.ReadEvent().setEvent(record).setCommitPosition(event.position.toString());
}

function parseUuid(uuid: UUID | undefined): string {
  if (!uuid) return randomUUID();
  const structured = uuid.getStructured();
  if (!uuid.hasStructured() || !structured) return uuid.getString().toLowerCase();
  const hex =
    BigInt.asUintN(64, BigInt(structured.getMostSignificantBits())).toString(16).padStart(16, '0') +
    BigInt.asUintN(64, BigInt(structured.getLeastSignificantBits())).toString(16).padStart(16, '0');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

function toUuid(id: string, structured: boolean): UUID {
  const uuid = new UUID();
  if (!structured) return uuid.setString(id);
  const hex = id.replace(/-/g, '');
  const bits = new UUID.Structured()
    .setMostSignificantBits(BigInt.asIntN(64, BigInt(`0x${hex.slice(0, 16)}`)).toString())
    .setLeastSignificantBits(BigInt.asIntN(64, BigInt(`0x${hex.slice(16)}`)).toString());
  return uuid.setStructured(bits);
}
