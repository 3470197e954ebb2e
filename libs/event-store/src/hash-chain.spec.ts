import { createHash } from 'node:crypto';
import { canonicalJson } from './canonical-json';
import type { RecordedEvent } from './event-store.port';
import { chainEvents, GENESIS_HASH, hashEvent, linkEvents, UnchainedEvent, verifyStream } from './hash-chain';

const unchained = (revision: bigint, data: Record<string, unknown>): UnchainedEvent => ({
  id: `00000000-0000-4000-8000-00000000000${revision}`,
  type: 'BalanceToppedUp',
  stream: 'bucket-42',
  revision,
  data,
  metadata: { recordedAt: '2025-01-02T03:04:05.678Z', schemaVersion: 1, correlationId: 'c-1' },
});

function chain(count: number): RecordedEvent[] {
  const events = Array.from({ length: count }, (_, i) => unchained(BigInt(i), { amount: `${i}.50`, units: 'EUR' }));
  return chainEvents(GENESIS_HASH, events).map((e, i) => ({
    ...e,
    position: { commit: BigInt(i + 10), prepare: BigInt(i) },
  }));
}

describe('hash chain', () => {
  it('hashes the canonical event, so the stored hash of a known event never changes', () => {
    const [first] = chain(1);
    // Golden value, computed independently (Python: sha256 of the genesis hash followed by
    // json.dumps(sort_keys, compact separators)). If it changes, every stored chain stops verifying.
    expect(first.metadata.hash).toBe('061c1f9e15a1405be948331e083dbd73a777fc9f4ef0de85540e2b3e3e6864d9');
    expect(hashEvent({ ...first, data: { units: 'EUR', amount: '0.50' } })).toBe(first.metadata.hash);
  });

  it('hashes exactly the canonical JSON of the whole event, though it is put together from its parts', () => {
    const tricky = { b: [1, { z: 'é', a: '\u2028' }], a: 0.1, '\u{1F600}': null, e: 1e21 };
    const [event] = chainEvents('f'.repeat(64), [
      {
        ...unchained(7n, tricky),
        metadata: { ...unchained(7n, {}).metadata, actor: { subject: 'x', clientId: 'x', roles: [] }, z: [] },
      },
    ]);
    const { hash, ...metadata } = event.metadata;
    const whole = canonicalJson({
      id: event.id,
      type: event.type,
      stream: event.stream,
      revision: '7',
      data: event.data,
      metadata,
    });
    expect(hash).toBe(
      createHash('sha256')
        .update(`${'f'.repeat(64)}${whole}`)
        .digest('hex'),
    );
    expect(hashEvent(event)).toBe(hash);
  });

  it('stores data and metadata as the JSON they were hashed as: undefined left out, dates as text', () => {
    const [event] = chainEvents(GENESIS_HASH, [
      {
        ...unchained(0n, { a: undefined, at: new Date('2025-01-01T00:00:00Z'), n: [undefined] }),
        metadata: {
          recordedAt: '2025-01-02T03:04:05.678Z',
          schemaVersion: 1,
          correlationId: undefined,
          prevHash: 'ignored',
          hash: 'ignored',
        },
      },
    ]);
    expect(event.data).toEqual({ at: '2025-01-01T00:00:00.000Z', n: [null] });
    expect(Object.keys(event.data)).toEqual(['at', 'n']);
    expect(event.metadata).toEqual({
      recordedAt: '2025-01-02T03:04:05.678Z',
      schemaVersion: 1,
      prevHash: GENESIS_HASH,
      hash: hashEvent(event),
    });
    expect(verifyStream([{ ...event, position: { commit: 1n, prepare: 1n } }])).toEqual({ ok: true, count: 1 });
  });

  it('hands a store as text exactly what it hashed, and chainEvents is that text parsed', () => {
    const events = Array.from({ length: 3 }, (_, i) =>
      unchained(BigInt(i), { amount: `${i}.50`, units: 'EUR', skipped: undefined }),
    );
    const linked = linkEvents(GENESIS_HASH, events);
    const chained = chainEvents(GENESIS_HASH, events);
    linked.forEach((text, i) => {
      expect(JSON.parse(text.data)).toEqual(chained[i].data);
      expect(JSON.parse(text.metadata)).toEqual(chained[i].metadata);
      expect(text.hash).toBe(chained[i].metadata.hash);
      expect(text.data).toBe(canonicalJson(chained[i].data));
    });
  });

  it('links each event to the previous hash, starting from the genesis hash', () => {
    const events = chain(3);
    expect(events[0].metadata.prevHash).toBe(GENESIS_HASH);
    expect(events[1].metadata.prevHash).toBe(events[0].metadata.hash);
    expect(events[2].metadata.prevHash).toBe(events[1].metadata.hash);
    expect(verifyStream(events)).toEqual({ ok: true, count: 3 });
    expect(verifyStream([])).toEqual({ ok: true, count: 0 });
  });

  it('reports the first edited event, whatever was edited', () => {
    const edits: Array<(e: RecordedEvent) => RecordedEvent> = [
      (e) => ({ ...e, data: { ...e.data, amount: '9999.00' } }),
      (e) => ({ ...e, type: 'BalanceAdjusted' }),
      (e) => ({
        ...e,
        metadata: { ...e.metadata, actor: { subject: 'intruder', clientId: 'intruder', roles: ['admin'] } },
      }),
      (e) => ({ ...e, id: '00000000-0000-4000-8000-0000000000ff' }),
    ];
    for (const edit of edits) {
      const events = chain(3);
      events[1] = edit(events[1]);
      expect(verifyStream(events)).toEqual({
        ok: false,
        brokenAt: 1n,
        reason: 'hash does not match the event content',
      });
    }
  });

  it('detects an event rehashed after editing through the next link', () => {
    const events = chain(3);
    const forged = { ...events[1], data: { amount: '9999.00' } };
    events[1] = { ...forged, metadata: { ...forged.metadata, hash: hashEvent(forged) } };
    expect(verifyStream(events)).toEqual({
      ok: false,
      brokenAt: 2n,
      reason: "prevHash does not match the previous event's hash",
    });
  });

  it('detects removed, reordered and foreign events', () => {
    const events = chain(4);
    expect(verifyStream([events[0], events[2], events[3]])).toMatchObject({
      ok: false,
      brokenAt: 2n,
      reason: 'does not follow revision 0',
    });
    expect(verifyStream([events[1], events[0]])).toMatchObject({ ok: false, brokenAt: 0n });
    expect(verifyStream([events[0], { ...events[1], stream: 'bucket-43' }])).toMatchObject({
      ok: false,
      brokenAt: 1n,
      reason: expect.stringContaining('bucket-43'),
    });
    const notFromGenesis = chainEvents('f'.repeat(64), [unchained(0n, {})]).map((e) => ({
      ...e,
      position: { commit: 1n, prepare: 1n },
    }));
    expect(verifyStream(notFromGenesis)).toMatchObject({
      ok: false,
      brokenAt: 0n,
      reason: 'the first event does not start from the genesis hash',
    });
  });

  it('verifies a slice that starts after revision 0 from its own prevHash', () => {
    expect(verifyStream(chain(4).slice(2))).toEqual({ ok: true, count: 2 });
  });
});
