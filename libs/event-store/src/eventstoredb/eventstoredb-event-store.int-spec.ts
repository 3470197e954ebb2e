import { randomBytes, randomUUID } from 'node:crypto';
import { pipeline, Transform } from 'node:stream';
import { EventStoreDBClient, jsonEvent } from '@eventstore/db-client';
import type { AllStreamSubscription, ResolvedEvent } from '@eventstore/db-client';
import { waitFor } from '@ledger/testing';
import { EsdbTestServer } from '../../../../test/support/esdb-test-server';
import { CommandIdConflict } from '../event-store.errors';
import type { RecordedEvent } from '../event-store.port';
import { verifyStream } from '../hash-chain';
import { comparePositions } from '../position';
import { describeEventStoreContract, EventStoreHarness } from '../testing/event-store.contract';
import { EventStoreDbEventStore } from './eventstoredb-event-store';

const fast = { subscriptionRetry: { minRetryDelayMs: 10, maxRetryDelayMs: 200 } };

/** Against the in-process gRPC test server: the real client, real gRPC, a fake server. */
describeEventStoreContract(
  'EventStoreDbEventStore on the in-process EventStoreDB test server',
  async (): Promise<EventStoreHarness> => {
    const server = await EsdbTestServer.start();
    const store = EventStoreDbEventStore.fromConnectionString(server.connectionString, fast);
    return {
      store,
      teardown: async () => {
        await store.close();
        await server.stop();
      },
      tamper: async (stream, revision, data) => server.tamper(stream, revision, data),
      failNextReads: (count) => {
        server.failNextAllReads(count);
        return { pending: () => server.pendingAllReadFailures };
      },
    };
  },
);

/**
 * The same contract against a real EventStoreDB/KurrentDB, only when EVENTSTORE_CONNECTION_STRING
 * is set (e.g. esdb://127.0.0.1:2113?tls=false with docker/docker-compose.yml). Every run writes
 * under a namespace of its own. A real server cannot be told to drop a connection or to edit a
 * stored event, so those two hooks act on the client's side of the wire (see clientFaults).
 */
const realServer = process.env.EVENTSTORE_CONNECTION_STRING;
if (realServer) {
  describeEventStoreContract(
    `EventStoreDbEventStore on the real server at ${realServer}`,
    async (): Promise<EventStoreHarness> => {
      const client = EventStoreDBClient.connectionString(realServer);
      const namespace = `contract-${randomBytes(4).toString('hex')}-`;
      const faults = clientFaults(client, namespace);
      const store = new EventStoreDbEventStore(client, { ...fast, namespace });
      return {
        store,
        teardown: async () => {
          await store.close();
          await client.dispose();
        },
        tamper: async (stream, revision, data) => faults.tamper(stream, revision, data),
        failNextReads: (count) => faults.failNextReads(count),
      };
    },
  );
}

/**
 * Fault injection for a server we do not control. tamper: events read back for that stream and
 * revision carry the given data, as they would after someone edited the database files (an API
 * cannot edit a stored event). failNextReads: the live $all subscription and then the next
 * subscribeToAll calls fail as a dropped connection would.
 */
function clientFaults(client: EventStoreDBClient, namespace: string) {
  const tampered = new Map<string, Record<string, unknown>>();
  const readStream = client.readStream.bind(client);
  client.readStream = ((
    stream: string,
    ...rest: Parameters<typeof readStream> extends [string, ...infer R] ? R : never
  ) => {
    const rewrite = new Transform({
      objectMode: true,
      transform(resolved: ResolvedEvent, _encoding, next) {
        const data = resolved.event && tampered.get(`${resolved.event.streamId}@${resolved.event.revision}`);
        next(null, data && resolved.event ? { ...resolved, event: { ...resolved.event, data } } : resolved);
      },
    });
    const source = readStream(stream, ...rest);
    return Object.assign(
      pipeline(source, rewrite, () => undefined),
      { cancel: () => source.cancel() },
    );
  }) as typeof client.readStream;

  let failures = 0;
  const open = new Set<AllStreamSubscription>();
  const subscribeToAll = client.subscribeToAll.bind(client);
  client.subscribeToAll = ((...args: Parameters<typeof subscribeToAll>) => {
    const subscription = subscribeToAll(...args);
    open.add(subscription);
    subscription.once('close', () => open.delete(subscription));
    if (failures > 0) {
      failures--;
      process.nextTick(() => subscription.destroy(new Error('injected read failure (client side)')));
    }
    return subscription;
  }) as typeof client.subscribeToAll;

  return {
    tamper(stream: string, revision: bigint, data: Record<string, unknown>) {
      tampered.set(`${namespace}${stream}@${revision}`, data);
    },
    failNextReads(count: number) {
      failures = count;
      const live = [...open].pop();
      if (live && failures > 0) {
        failures--;
        live.destroy(new Error('injected read failure (client side)'));
      }
      return { pending: () => failures };
    },
  };
}

const event = (type: string, data: Record<string, unknown> = {}) => ({ id: randomUUID(), type, data });
const label = (name: string) => `${name}-${randomBytes(3).toString('hex')}`;

describe('EventStoreDbEventStore on the in-process EventStoreDB test server', () => {
  let server: EsdbTestServer;
  let store: EventStoreDbEventStore;
  let raw: EventStoreDBClient;

  beforeAll(async () => {
    server = await EsdbTestServer.start();
    store = EventStoreDbEventStore.fromConnectionString(server.connectionString, fast);
    raw = EventStoreDBClient.connectionString(server.connectionString);
  });

  afterAll(async () => {
    await store?.close();
    await raw?.dispose();
    await server?.stop();
  });

  async function collect(
    from: Awaited<ReturnType<EventStoreDbEventStore['headPosition']>>,
    until: (events: RecordedEvent[]) => boolean,
    target = store,
  ) {
    const events: RecordedEvent[] = [];
    const subscription = target.subscribe(
      from ?? 'start',
      async (batch) => {
        events.push(...batch);
      },
      { batchSize: 7 },
    );
    try {
      await waitFor('the subscription', () => (until(events) ? true : undefined));
    } finally {
      await subscription.stop();
    }
    return events;
  }

  it('keeps system streams, $ event types and command markers out of readAll and subscribe', async () => {
    const from = await store.headPosition();
    const s = label('visible');
    await store.append(s, [event('Opened')], 'no_stream', { commandId: `cmd-${s}`, commandFingerprint: 'f' });
    await raw.appendToStream(`$system-${s}`, jsonEvent({ type: 'Whatever', data: {} }));
    await raw.appendToStream(`${s}-aux`, jsonEvent({ type: '$internal', data: {} }));
    await store.append(s, [event('Closed')], 'any');
    const read = await store.readAll(from ?? 'start', 100);
    expect(read.map((e) => `${e.stream}:${e.type}`)).toEqual([`${s}:Opened`, `${s}:Closed`]);
    expect(await store.readAll(from ?? 'start', 1)).toEqual(read.slice(0, 1));
    expect(await store.readAll(read[0].position, 1)).toEqual(read.slice(1));
    const live = await collect(from, (events) => events.length >= 2);
    expect(live).toEqual(read);
    const stored: string[] = [];
    for await (const resolved of raw.readAll({ fromPosition: from ?? 'start' }))
      stored.push(resolved.event?.streamId ?? '');
    // The client's readAll includes the event at its position; the marker is reserved, then completed.
    expect(stored.slice(1)).toEqual([
      `ledger-command-cmd-${s}`,
      s,
      `ledger-command-cmd-${s}`,
      `$system-${s}`,
      `${s}-aux`,
      s,
    ]);
  });

  it('refuses streams that readers would never see', async () => {
    await expect(store.append('$mine', [event('X')], 'any')).rejects.toThrow(TypeError);
    await expect(store.append('ledger-command-x', [event('X')], 'any')).rejects.toThrow(TypeError);
    const prefixed = new EventStoreDbEventStore(raw, { streamPrefixes: ['bucket-'] });
    await expect(prefixed.append('other-1', [event('X')], 'any')).rejects.toThrow(
      /none of the configured stream prefixes/,
    );
  });

  it("reports EventStoreDB's own positions, increasing in the order readAll and subscribe deliver", async () => {
    const from = await store.headPosition();
    const [a, b] = [label('pos-a'), label('pos-b')];
    const results = [
      await store.append(a, [event('A0'), event('A1')], 'no_stream'),
      await store.append(b, [event('B0')], 'no_stream'),
      await store.append(a, [event('A2'), event('A3'), event('A4')], 1n),
    ];
    const viaClient: Array<{ id: string; position: unknown }> = [];
    for await (const resolved of raw.readAll({ fromPosition: from ?? 'start' })) {
      if (resolved.event && [a, b].includes(resolved.event.streamId))
        viaClient.push({ id: resolved.event.id, position: resolved.event.position });
    }
    const read = await store.readAll(from ?? 'start', 100);
    expect(read.map((e) => ({ id: e.id, position: e.position }))).toEqual(viaClient);
    for (let i = 1; i < read.length; i++) expect(comparePositions(read[i - 1].position, read[i].position)).toBe(-1);
    expect(results.map((r) => r.position)).toEqual([read[1].position, read[2].position, read[5].position]);
    expect(await collect(from, (events) => events.length >= 6)).toEqual(read);
  });

  it('delivers every event of 16 concurrent writers exactly once, in order, while they write', async () => {
    const from = await store.headPosition();
    const streams = Array.from({ length: 4 }, () => label('busy'));
    const written = new Set<string>();
    const delivered: RecordedEvent[] = [];
    const subscription = store.subscribe(
      from ?? 'start',
      async (batch) => {
        delivered.push(...batch);
        await new Promise((resolve) => setImmediate(resolve));
      },
      { batchSize: 5 },
    );
    try {
      await Promise.all(
        Array.from({ length: 16 }, async (_, writer) => {
          for (let i = 0; i < 8; i++) {
            const events = Array.from({ length: 1 + ((writer + i) % 3) }, () => event('Busy'));
            await store.append(streams[(writer + i) % streams.length], events, 'any');
            events.forEach((e) => written.add(e.id));
          }
        }),
      );
      await waitFor('every event', () => (delivered.length >= written.size ? true : undefined));
    } finally {
      await subscription.stop();
    }
    const ids = delivered.map((e) => e.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(new Set(ids)).toEqual(written);
    for (let i = 1; i < delivered.length; i++)
      expect(comparePositions(delivered[i - 1].position, delivered[i].position)).toBe(-1);
    for (const s of streams) {
      const read = await store.readStream(s);
      expect(read.found && verifyStream(read.events)).toMatchObject({ ok: true });
      expect(delivered.filter((e) => e.stream === s).map((e) => e.id)).toEqual(
        read.found ? read.events.map((e) => e.id) : [],
      );
    }
  });

  it('lets only one of two commands racing with one id on different streams append anything', async () => {
    const [a, b] = [label('id-a'), label('id-b')];
    const commandId = `shared-${a}`;
    const outcomes = await Promise.allSettled([
      store.append(a, [event('ToppedUp')], 'no_stream', { commandId, commandFingerprint: 'x' }),
      store.append(b, [event('ToppedUp')], 'no_stream', { commandId, commandFingerprint: 'x' }),
    ]);
    expect(outcomes.map((o) => o.status).sort()).toEqual(['fulfilled', 'rejected']);
    const loser = outcomes.findIndex((o) => o.status === 'rejected');
    expect((outcomes[loser] as PromiseRejectedResult).reason).toBeInstanceOf(CommandIdConflict);
    expect(await store.readStream([a, b][loser])).toEqual({ found: false });
  });

  it('takes over a command whose first executor died after appending, and answers with its first result', async () => {
    const s = label('crashed');
    const options = { commandId: `crash-${s}`, commandFingerprint: 'fp' };
    // The first executor's process "dies" right after its events are appended: its client fails
    // every later write, so the command marker is never completed.
    const dying = EventStoreDBClient.connectionString(server.connectionString);
    const append = dying.appendToStream.bind(dying);
    let dead = false;
    dying.appendToStream = (async (...args: Parameters<typeof append>) => {
      if (dead) throw new Error('process died');
      const result = await append(...args);
      if (args[0] === s) dead = true;
      return result;
    }) as typeof dying.appendToStream;
    const first = new EventStoreDbEventStore(dying);
    const written = await first.append(s, [event('ToppedUp'), event('Noted')], 'no_stream', options);
    expect(written.duplicate).toBe(false);
    await dying.dispose();

    const survivor = new EventStoreDbEventStore(raw, { commandTakeoverMs: 100 });
    const started = Date.now();
    const repeat = await survivor.append(s, [event('ToppedUp'), event('Noted')], 'no_stream', options);
    expect(repeat).toEqual({ ...written, duplicate: true });
    expect(Date.now() - started).toBeGreaterThanOrEqual(100);
    const again = await survivor.append(s, [event('ToppedUp'), event('Noted')], 0n, options);
    expect(again).toEqual({ ...written, duplicate: true });
    await expect(
      survivor.append(s, [event('ToppedUp')], 'any', { ...options, commandFingerprint: 'other' }),
    ).rejects.toThrow(CommandIdConflict);
    const read = await store.readStream(s);
    expect(read.found && read.events.map((e) => e.type)).toEqual(['ToppedUp', 'Noted']);
  });

  it('frees a command id whose attempt failed on the expected revision', async () => {
    const s = label('released');
    await store.append(s, [event('Opened')], 'no_stream');
    const options = { commandId: `retry-${s}`, commandFingerprint: 'fp' };
    await expect(store.append(s, [event('ToppedUp')], 'no_stream', options)).rejects.toMatchObject({
      name: 'StreamVersionConflict',
      actual: 0n,
    });
    const result = await store.append(s, [event('ToppedUp')], 0n, options);
    expect(result).toMatchObject({ duplicate: false, firstRevision: 1n, nextRevision: 1n });
    expect(await store.append(s, [event('ToppedUp')], 0n, options)).toEqual({ ...result, duplicate: true });
  });

  it('keeps namespaces apart: names are mapped both ways and each store sees only its own', async () => {
    const [one, two] = [
      new EventStoreDbEventStore(raw, { namespace: 'tenant-one.' }),
      new EventStoreDbEventStore(raw, { namespace: 'tenant-two.' }),
    ];
    const from = await store.headPosition();
    await one.append('bucket-1', [event('One')], 'no_stream');
    await two.append('bucket-1', [event('Two')], 'no_stream');
    expect((await one.readAll(from ?? 'start', 10)).map((e) => `${e.stream}:${e.type}`)).toEqual(['bucket-1:One']);
    expect((await two.readAll(from ?? 'start', 10)).map((e) => `${e.stream}:${e.type}`)).toEqual(['bucket-1:Two']);
    expect((await collect(from, (events) => events.length >= 1, two)).map((e) => e.type)).toEqual(['Two']);
    const read = await one.readStream('bucket-1');
    expect(read.found && read.events[0].stream).toBe('bucket-1');
    expect(await store.readStream('bucket-1')).toEqual({ found: false });
    await Promise.all([one.close(), two.close()]);
  });

  it('resubscribes after the server ends the subscription, without losing or repeating events', async () => {
    const from = await store.headPosition();
    const s = label('restart');
    const retries: unknown[] = [];
    const events: RecordedEvent[] = [];
    const subscription = store.subscribe(
      from ?? 'start',
      async (batch) => {
        events.push(...batch);
      },
      { onRetry: (error) => retries.push(error) },
    );
    try {
      await store.append(s, [event('E0')], 'no_stream');
      await waitFor('E0', () => (events.length === 1 ? true : undefined));
      server.failNextAllReads(1);
      await store.append(s, [event('E1')], 0n);
      await waitFor('E1 after the retry', () => (events.length === 2 ? true : undefined));
    } finally {
      await subscription.stop();
    }
    expect(events.map((e) => e.type)).toEqual(['E0', 'E1']);
    expect(retries).toHaveLength(1);
  });
});
