import type { KeyObject } from 'node:crypto';
import type { EventStore, Position } from '@ledger/event-store';
import type { AuditAnchor } from '../anchors/audit-anchor';
import { REPLAY_PAGE_SIZE } from '../replay/stream-replay';
import { type AnchorCheck, checkAnchors } from './anchor-checks';
import type { Finding } from './finding';
import { StreamCheck } from './stream-check';

export interface VerifyChainOptions {
  store: EventStore;
  /** One stream, or every stream the store holds plus every stream an anchor names. */
  streams: 'all' | string[];
  /** Undefined: the chains alone are checked (a recomputed chain or a deleted tail goes unseen). */
  anchors?: { anchors: readonly AuditAnchor[]; publicKey: KeyObject };
  batchSize?: number;
  onProgress?: (progress: {
    phase: 'listing' | 'checking';
    events: number;
    streams: number;
    position?: Position;
  }) => void;
}

export interface VerifyChainResult {
  findings: Finding[];
  streams: number;
  events: number;
  /** Events newer than the newest anchored revision of their stream. */
  unanchoredEvents: number;
  anchorsVerified: number;
  lastAnchor: AuditAnchor | undefined;
}

/**
 * Replays streams through StreamCheck against what the signed anchors say. Anchors are checked
 * first, and only heads from anchors whose signature verifies are held against the streams.
 */
export async function verifyChain(options: VerifyChainOptions): Promise<VerifyChainResult> {
  const anchorCheck: AnchorCheck = options.anchors
    ? checkAnchors(options.anchors.anchors, options.anchors.publicKey)
    : { findings: [], streams: new Map(), verified: 0, last: undefined };
  const streams = options.streams === 'all' ? await allStreams(options, anchorCheck) : options.streams;
  const findings = [...anchorCheck.findings];
  let events = 0;
  let unanchoredEvents = 0;
  for (const [index, stream] of streams.entries()) {
    const check = new StreamCheck(stream, anchorCheck.streams.get(stream));
    const found = await feed(options.store, stream, check);
    findings.push(...check.finish(found));
    events += check.events;
    unanchoredEvents += check.unanchored;
    options.onProgress?.({ phase: 'checking', events, streams: index + 1 });
  }
  return {
    findings,
    streams: streams.length,
    events,
    unanchoredEvents,
    anchorsVerified: anchorCheck.verified,
    lastAnchor: anchorCheck.last,
  };
}

async function feed(store: EventStore, stream: string, check: StreamCheck): Promise<boolean> {
  let from = 0n;
  for (;;) {
    const read = await store.readStream(stream, { from, maxCount: REPLAY_PAGE_SIZE });
    if (!read.found) return false;
    for (const event of read.events) check.push(event);
    if (read.events.length < REPLAY_PAGE_SIZE) return true;
    from = read.events[read.events.length - 1].revision + 1n;
  }
}

/** Stream names from one pass over the global order, then those only the anchors still know. */
async function allStreams(options: VerifyChainOptions, anchors: AnchorCheck): Promise<string[]> {
  const names = new Set<string>();
  let position: Position | 'start' = 'start';
  let events = 0;
  for (;;) {
    const batch = await options.store.readAll(position, options.batchSize ?? 5000);
    if (batch.length === 0) break;
    for (const event of batch) names.add(event.stream);
    events += batch.length;
    position = batch[batch.length - 1].position;
    options.onProgress?.({ phase: 'listing', events, streams: names.size, position });
  }
  for (const stream of anchors.streams.keys()) names.add(stream);
  return [...names];
}
