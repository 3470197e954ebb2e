import { GENESIS_HASH, verifyStream } from './hash-chain';
import { prepareEvents, validateAppend } from './new-events';

const OPS = { subject: 'ops', clientId: 'console', roles: ['operator'] };
const batch = { stream: 'bucket-1', firstRevision: 3n, prevHash: GENESIS_HASH, recordedAt: '2025-01-01T00:00:00.000Z' };

describe('prepareEvents', () => {
  it('derives event ids from the command id, so a retried command produces the same ids', () => {
    const events = [
      { type: 'A', data: {} },
      { type: 'B', data: {} },
    ];
    const once = prepareEvents({ ...batch, commandId: 'topup-7' }, events);
    const again = prepareEvents({ ...batch, commandId: 'topup-7' }, events);
    const other = prepareEvents({ ...batch, commandId: 'topup-8' }, events);
    expect(once.map((e) => e.id)).toEqual(again.map((e) => e.id));
    expect(new Set([...once, ...other].map((e) => e.id)).size).toBe(4);
    expect(prepareEvents(batch, events)[0].id).not.toBe(prepareEvents(batch, events)[0].id);
  });

  it('numbers revisions from the first, lower-cases given ids and fills the metadata', () => {
    const [first, second] = prepareEvents({ ...batch, commandId: 'c' }, [
      { id: 'A0B1C2D3-0000-4000-8000-000000000001', type: 'A', data: {}, metadata: { actor: OPS, schemaVersion: 2 } },
      { type: 'B', data: {}, metadata: { commandId: 'own' } },
    ]);
    expect(first).toMatchObject({ id: 'a0b1c2d3-0000-4000-8000-000000000001', revision: 3n, stream: 'bucket-1' });
    expect(first.metadata).toMatchObject({
      actor: OPS,
      schemaVersion: 2,
      commandId: 'c',
      recordedAt: batch.recordedAt,
      prevHash: GENESIS_HASH,
    });
    expect(second.metadata).toMatchObject({ commandId: 'own', schemaVersion: 1, prevHash: first.metadata.hash });
  });

  it('stores exactly the JSON that was hashed: undefined dropped, dates as strings', () => {
    const [event] = prepareEvents(batch, [
      { type: 'A', data: { gone: undefined, at: new Date('2025-02-03T00:00:00Z'), list: [1, undefined] } },
    ]);
    expect(event.data).toEqual({ at: '2025-02-03T00:00:00.000Z', list: [1, null] });
    expect(Object.keys(event.data)).not.toContain('gone');
    const slice = [{ ...event, position: { commit: 1n, prepare: 1n } }];
    expect(
      verifyStream(
        JSON.parse(
          JSON.stringify(slice, (_k, v) => (typeof v === 'bigint' ? `${v}n` : v)),
          (_k, v) => (typeof v === 'string' && /^\d+n$/.test(v) ? BigInt(v.slice(0, -1)) : v),
        ),
      ),
    ).toEqual({ ok: true, count: 1 });
  });

  it('refuses data that is not JSON', () => {
    expect(() => prepareEvents(batch, [{ type: 'A', data: { amount: 10n } }])).toThrow(TypeError);
  });
});

describe('validateAppend', () => {
  it('rejects what no adapter could store', () => {
    expect(() => validateAppend('', [])).toThrow('stream name');
    expect(() => validateAppend('s', [{ type: '', data: {} }])).toThrow('event type');
    expect(() => validateAppend('s', [{ type: 'A', data: [] as unknown as Record<string, unknown> }])).toThrow(
      'JSON object',
    );
    expect(() => validateAppend('s', [{ id: 'not-a-uuid', type: 'A', data: {} }])).toThrow('not a UUID');
    const id = '1b4e28ba-2fa1-4d3b-a3f5-ef19b5a7633b';
    expect(() =>
      validateAppend('s', [
        { id, type: 'A', data: {} },
        { id: id.toUpperCase(), type: 'B', data: {} },
      ]),
    ).toThrow('appears twice');
  });
});
