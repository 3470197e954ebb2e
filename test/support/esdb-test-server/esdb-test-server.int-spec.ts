import { randomUUID } from 'node:crypto';
import {
  BACKWARDS,
  END,
  EventStoreDBClient,
  eventTypeFilter,
  excludeSystemEvents,
  jsonEvent,
  START,
  StreamNotFoundError,
  streamNameFilter,
  WrongExpectedVersionError,
} from '@eventstore/db-client';
import type { AllStreamResolvedEvent, Position, ResolvedEvent } from '@eventstore/db-client';
import { waitFor } from '../wait-for';
import { EsdbTestServer } from './esdb-test-server';

/** The test double, driven by the real client: what the adapter's tests rely on it to do. */
describe('EsdbTestServer (EventStoreDB test double) through @eventstore/db-client', () => {
  let server: EsdbTestServer;
  let client: EventStoreDBClient;
  let n = 0;
  const stream = (label: string) => `${label}-${process.pid}-${++n}`;
  const event = (type: string, id: string = randomUUID()) => jsonEvent({ id, type, data: { type } });

  beforeAll(async () => {
    server = await EsdbTestServer.start();
    client = EventStoreDBClient.connectionString(server.connectionString);
  });

  afterAll(async () => {
    await client?.dispose();
    await server?.stop();
  });

  async function read<T>(source: AsyncIterable<T>): Promise<T[]> {
    const all: T[] = [];
    for await (const item of source) all.push(item);
    return all;
  }

  it('appends with the four expected revisions and answers a mismatch with current and expected', async () => {
    const s = stream('expected');
    expect(await client.appendToStream(s, [event('A'), event('B')], { expectedRevision: 'no_stream' })).toMatchObject({
      success: true,
      nextExpectedRevision: 1n,
    });
    await expect(client.appendToStream(s, event('C'), { expectedRevision: 'no_stream' })).rejects.toMatchObject({
      expectedVersion: 'no_stream',
      actualVersion: 1n,
    });
    await expect(client.appendToStream(s, event('C'), { expectedRevision: 0n })).rejects.toThrow(
      WrongExpectedVersionError,
    );
    expect(await client.appendToStream(s, event('C'), { expectedRevision: 1n })).toMatchObject({
      nextExpectedRevision: 2n,
    });
    expect(await client.appendToStream(s, event('D'), { expectedRevision: 'stream_exists' })).toMatchObject({
      nextExpectedRevision: 3n,
    });
    expect(await client.appendToStream(s, event('E'), { expectedRevision: 'any' })).toMatchObject({
      nextExpectedRevision: 4n,
    });
    await expect(
      client.appendToStream(stream('missing'), event('X'), { expectedRevision: 'stream_exists' }),
    ).rejects.toMatchObject({ expectedVersion: 'stream_exists', actualVersion: 'no_stream' });
  });

  it('treats the same event ids appended again at the same revision as already written, as EventStoreDB does', async () => {
    const s = stream('idempotent');
    const batch = [event('A'), event('B')];
    const first = await client.appendToStream(s, batch, { expectedRevision: 'no_stream' });
    await client.appendToStream(s, event('Later'), { expectedRevision: 1n });
    const again = await client.appendToStream(s, batch, { expectedRevision: 'no_stream' });
    expect(again).toEqual(first);
    expect(await client.appendToStream(s, batch, { expectedRevision: 'any' })).toEqual(first);
    await expect(
      client.appendToStream(s, [batch[0], event('Other')], { expectedRevision: 'no_stream' }),
    ).rejects.toThrow(WrongExpectedVersionError);
    expect((await read(client.readStream(s))).map((e) => e.event?.type)).toEqual(['A', 'B', 'Later']);
  });

  it('reads streams in both directions from start, end or a revision, with a count; a missing stream fails only while iterating', async () => {
    const s = stream('read');
    await client.appendToStream(
      s,
      ['E0', 'E1', 'E2', 'E3'].map((t) => event(t)),
    );
    const revisions = async (options: Parameters<EventStoreDBClient['readStream']>[1]) =>
      (await read(client.readStream(s, options))).map((e) => e.event?.revision);
    expect(await revisions({ fromRevision: 1n, maxCount: 2 })).toEqual([1n, 2n]);
    expect(await revisions({ direction: BACKWARDS, fromRevision: END, maxCount: 3 })).toEqual([3n, 2n, 1n]);
    expect(await revisions({ direction: BACKWARDS, fromRevision: 1n })).toEqual([1n, 0n]);
    expect(await revisions({ fromRevision: END })).toEqual([]);
    const missing = client.readStream(stream('nowhere'));
    await expect(read(missing)).rejects.toThrow(StreamNotFoundError);
  });

  it('reads $all inclusive of a position going forwards and before it going backwards, positions equal on stream reads', async () => {
    const s = stream('all');
    await client.appendToStream(
      s,
      ['A', 'B', 'C'].map((t) => event(t)),
    );
    const events = (await read(client.readStream(s))).map((e) => e.event);
    const position = events[1]?.position as Position;
    const forwards = (await read(client.readAll({ fromPosition: position, maxCount: 2 }))).map((e) => e.event?.type);
    expect(forwards).toEqual(['B', 'C']);
    const backwards = (await read(client.readAll({ fromPosition: position, direction: BACKWARDS, maxCount: 1 }))).map(
      (e) => e.event?.type,
    );
    expect(backwards).toEqual(['A']);
    const [last] = await read(client.readAll({ fromPosition: END, direction: BACKWARDS, maxCount: 1 }));
    expect(last.event?.position).toEqual(events[2]?.position);
    const [first] = await read(client.readAll({ fromPosition: START, maxCount: 1 }));
    expect(first.event?.streamId).toBe('$settings');
  });

  it('subscribes to $all exclusive of the position, catches up, reports caught up, then goes live with a filter and checkpoints', async () => {
    const s = stream('sub');
    await client.appendToStream(s, [event('A0')]);
    const [start] = await read(client.readStream(s));
    await client.appendToStream(s, [event('A1')]);
    await client.appendToStream(`${s}-other`, [event('Other')]);
    await client.appendToStream(s, [event('$skipped')]);
    const checkpoints: Position[] = [];
    const subscription = client.subscribeToAll({
      fromPosition: start.event?.position,
      filter: streamNameFilter({
        prefixes: [`${s}`],
        maxSearchWindow: 1,
        checkpointReached: (_sub, position) => void checkpoints.push(position),
      }),
    });
    const seen: string[] = [];
    let caughtUp = false;
    subscription.on('caughtUp', () => (caughtUp = true));
    const consume = (async () => {
      for await (const resolved of subscription as AsyncIterable<AllStreamResolvedEvent>)
        seen.push(`${resolved.event?.streamId}:${resolved.event?.type}`);
    })().catch(() => undefined);
    try {
      await waitFor('catch-up', () => (caughtUp && seen.length === 3 ? true : undefined));
      await client.appendToStream(s, [event('Live')]);
      await waitFor('the live event', () => (seen.length === 4 ? true : undefined));
      expect(seen).toEqual([`${s}:A1`, `${s}-other:Other`, `${s}:$skipped`, `${s}:Live`]);
      expect(checkpoints.length).toBeGreaterThan(0);
    } finally {
      await subscription.unsubscribe();
      subscription.destroy();
      await consume;
    }
  });

  it('filters subscriptions by stream regex and by event type', async () => {
    const s = stream('filters');
    await client.appendToStream(`${s}-a`, [event('Keep')]);
    await client.appendToStream(`${s}-b`, [event('Drop')]);
    await client.appendToStream(`${s}-a`, [event('$internal')]);
    const collect = async (filter: Parameters<EventStoreDBClient['subscribeToAll']>[0], count: number) => {
      const subscription = client.subscribeToAll(filter);
      const seen: string[] = [];
      for await (const resolved of subscription as AsyncIterable<AllStreamResolvedEvent>) {
        if (resolved.event?.streamId.startsWith(s)) seen.push(`${resolved.event.streamId}:${resolved.event.type}`);
        if (seen.length === count) break;
      }
      await subscription.unsubscribe();
      return seen;
    };
    expect(await collect({ filter: streamNameFilter({ regex: `^${s}-a$` }) }, 2)).toEqual([
      `${s}-a:Keep`,
      `${s}-a:$internal`,
    ]);
    expect(await collect({ filter: eventTypeFilter({ prefixes: ['Dr'] }) }, 1)).toEqual([`${s}-b:Drop`]);
    expect(await collect({ filter: excludeSystemEvents() }, 2)).toEqual([`${s}-a:Keep`, `${s}-b:Drop`]);
  });

  it('subscribes to one stream exclusive of a revision, then live', async () => {
    const s = stream('stream-sub');
    await client.appendToStream(s, [event('E0'), event('E1')]);
    const subscription = client.subscribeToStream(s, { fromRevision: 0n });
    const seen: string[] = [];
    const consume = (async () => {
      for await (const resolved of subscription as AsyncIterable<ResolvedEvent>) seen.push(resolved.event?.type ?? '');
    })().catch(() => undefined);
    try {
      await waitFor('E1', () => (seen.length === 1 ? true : undefined));
      await client.appendToStream(s, [event('E2')]);
      await waitFor('E2', () => (seen.length === 2 ? true : undefined));
      expect(seen).toEqual(['E1', 'E2']);
    } finally {
      await subscription.unsubscribe();
      subscription.destroy();
      await consume;
    }
  });

  it('fails the next $all reads with UNAVAILABLE when told to, and leaves stream reads alone', async () => {
    const s = stream('faults');
    await client.appendToStream(s, [event('E0')]);
    server.failNextAllReads(1);
    expect(await read(client.readStream(s))).toHaveLength(1);
    await expect(read(client.readAll({ maxCount: 1 }))).rejects.toMatchObject({ type: 'unavailable' });
    expect(server.pendingAllReadFailures).toBe(0);
    expect(await read(client.readAll({ maxCount: 1 }))).toHaveLength(1);
  });
});
