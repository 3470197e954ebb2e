import { generateKeyPairSync } from 'node:crypto';
import { hashEvent, InMemoryEventStore, type RecordedEvent } from '@ledger/event-store';
import { type AuditAnchor } from '../anchors/audit-anchor';
import { anchorKeyId, signAnchor } from '../anchors/anchor-keys';
import { FIRST_TIP, PendingAnchor, tipOf } from '../anchors/pending-anchor';
import { checkAnchors } from './anchor-checks';
import type { Finding } from './finding';
import { StreamCheck } from './stream-check';

const { privateKey, publicKey } = generateKeyPairSync('ed25519');
const other = generateKeyPairSync('ed25519');

async function stream(name: string, n: number): Promise<RecordedEvent[]> {
  const store = new InMemoryEventStore();
  for (let i = 0; i < n; i++) await store.append(name, [{ type: 'Counted', data: { i: String(i) } }], 'any');
  const read = await store.readStream(name);
  return read.found ? read.events : [];
}

function anchorOver(events: RecordedEvent[], tip = FIRST_TIP): AuditAnchor {
  const pending = new PendingAnchor();
  events.forEach((e) => pending.add(e));
  return signAnchor(pending.cut(tip, '2025-01-01T00:00:00.000Z', anchorKeyId(privateKey))!, privateKey);
}

function check(events: RecordedEvent[], anchors: AuditAnchor[] = [], found = true): Finding[] {
  const { streams, findings } = checkAnchors(anchors, publicKey);
  const checker = new StreamCheck('s', streams.get('s'));
  events.forEach((e) => checker.push(e));
  return [...findings, ...checker.finish(found)];
}

const kinds = (findings: Finding[]) => findings.map((f) => [f.kind, f.revision]);
const copy = (events: RecordedEvent[]) => events.map((e) => structuredClone(e));

/** What an attacker with the code does: rehash from `from` on, so the chain verifies again. */
function recompute(events: RecordedEvent[], from: number): void {
  for (let i = from; i < events.length; i++) {
    if (i > 0) events[i].metadata.prevHash = events[i - 1].metadata.hash;
    events[i].metadata.hash = hashEvent(events[i]);
  }
}

describe('verify-chain on one stream', () => {
  it('finds nothing in an untouched stream covered by its anchor', async () => {
    const events = await stream('s', 5);
    expect(check(events, [anchorOver(events)])).toEqual([]);
  });

  it('names a changed event, once', async () => {
    const original = await stream('s', 5);
    const events = copy(original);
    events[2].data.i = '99';
    expect(kinds(check(events, [anchorOver(original)]))).toEqual([['changed-event', 2n]]);
  });

  it('names a change whose chain was recomputed only through the anchor', async () => {
    const original = await stream('s', 5);
    const events = copy(original);
    events[1].data.i = '99';
    recompute(events, 1);
    expect(check(events)).toEqual([]);
    const findings = check(events, [
      anchorOver(original.slice(0, 1)),
      anchorOver(original.slice(1), tipOf(anchorOver(original.slice(0, 1)))),
    ]);
    expect(kinds(findings)).toEqual([['rewritten-history', 4n]]);
    expect(findings[0].message).toMatch(/after revision 0 up to this one was changed and the chain recomputed/);
  });

  it('names deleted newest events and a deleted stream', async () => {
    const events = await stream('s', 5);
    const anchor = anchorOver(events);
    expect(kinds(check(events.slice(0, 3), [anchor]))).toEqual([['deleted-newest-events', 3n]]);
    expect(check(events.slice(0, 3), [anchor])[0].message).toMatch(
      /ends at revision 2, but anchor #1 signed revision 4.*2 newest events deleted/,
    );
    expect(kinds(check([], [anchor], false))).toEqual([['deleted-stream', undefined]]);
  });

  it('names a reordered pair and nothing after it', async () => {
    const events = copy(await stream('s', 6));
    [events[2], events[3]] = [events[3], events[2]];
    events[2].revision = 2n;
    events[3].revision = 3n;
    expect(kinds(check(events))).toEqual([['reordered-events', 2n]]);
  });

  it('names a missing event in the middle', async () => {
    const events = await stream('s', 5);
    expect(kinds(check([...events.slice(0, 2), ...events.slice(3)]))).toEqual([['missing-event', 2n]]);
  });
});

describe('the anchors themselves', () => {
  it('refuses a signature by another key, a gap in the sequence and a conflicting duplicate', async () => {
    const events = await stream('s', 4);
    const first = anchorOver(events.slice(0, 2));
    const second = anchorOver(events.slice(2, 3), tipOf(first));
    const third = anchorOver(events.slice(3), tipOf(second));
    expect(checkAnchors([first, second, third, third], publicKey).findings).toEqual([]);
    expect(checkAnchors([first, third], publicKey).findings.map((f) => [f.kind, f.anchor])).toEqual([
      ['anchor-broken-chain', 3],
    ]);
    const forged = signAnchor({ ...second, signature: undefined } as never, other.privateKey);
    const bad = checkAnchors([first, forged, third], publicKey);
    expect(bad.findings.map((f) => [f.kind, f.anchor])).toEqual([['anchor-bad-signature', 2]]);
    expect(bad.streams.get('s')?.has(2n)).toBe(false);
    expect(
      checkAnchors([first, second, { ...second, anchoredAt: 'x' }], publicKey).findings.map((f) => f.kind),
    ).toEqual(['anchor-conflict']);
  });
});
