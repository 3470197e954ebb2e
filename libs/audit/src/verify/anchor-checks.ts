import type { KeyObject } from 'node:crypto';
import { type AnchorPosition, type AuditAnchor, chainHeads, GENESIS_DIGEST, signedText } from '../anchors/audit-anchor';
import { anchorSignatureValid } from '../anchors/anchor-keys';
import type { Finding } from './finding';

/** What the signed anchors say about one stream: the hash each anchored revision must have. */
export type AnchoredRevisions = Map<bigint, { hash: string; sequence: number }>;

export interface AnchorCheck {
  findings: Finding[];
  /** Only from anchors whose signature verified: an unsigned claim proves nothing. */
  streams: Map<string, AnchoredRevisions>;
  verified: number;
  last: AuditAnchor | undefined;
}

/**
 * Checks each anchor's signature and digest, and the chain of anchors itself: sequence numbers
 * from 1 without gaps, each previousDigest the digest before it, each range starting where the
 * last ended. Anchors repeated verbatim (a republish after a crash) count once.
 */
export function checkAnchors(anchors: readonly AuditAnchor[], publicKey: KeyObject): AnchorCheck {
  const findings: Finding[] = [];
  const streams = new Map<string, AnchoredRevisions>();
  const bySequence = new Map<number, AuditAnchor>();
  for (const anchor of anchors) {
    const seen = bySequence.get(anchor.sequence);
    if (seen && (seen.signature !== anchor.signature || signedText(seen) !== signedText(anchor))) {
      findings.push({
        kind: 'anchor-conflict',
        anchor: anchor.sequence,
        message: 'two different anchors carry this sequence number',
      });
    }
    if (!seen) bySequence.set(anchor.sequence, anchor);
  }
  const ordered = [...bySequence.values()].sort((a, b) => a.sequence - b.sequence);
  let previous: AuditAnchor | undefined;
  let verified = 0;
  for (const anchor of ordered) {
    findings.push(...linkFindings(previous, anchor));
    if (!anchorSignatureValid(anchor, publicKey)) {
      findings.push({
        kind: 'anchor-bad-signature',
        anchor: anchor.sequence,
        message: `the signature does not verify with the public key (anchor names key ${anchor.keyId})`,
      });
    } else if (chainHeads(anchor.previousDigest, anchor.heads) !== anchor.digest) {
      findings.push({
        kind: 'anchor-broken-chain',
        anchor: anchor.sequence,
        message: 'digest is not the chained hash of its heads',
      });
    } else {
      verified++;
      for (const head of anchor.heads) record(streams, head.stream, BigInt(head.revision), head.hash, anchor.sequence);
    }
    previous = anchor;
  }
  return { findings, streams, verified, last: ordered.at(-1) };
}

function linkFindings(previous: AuditAnchor | undefined, anchor: AuditAnchor): Finding[] {
  const expectedSequence = (previous?.sequence ?? 0) + 1;
  const problems: string[] = [];
  if (anchor.sequence !== expectedSequence) {
    problems.push(
      `anchor${anchor.sequence - expectedSequence > 1 ? 's' : ''} #${expectedSequence}..#${anchor.sequence - 1} missing`,
    );
  } else if (anchor.previousDigest !== (previous?.digest ?? GENESIS_DIGEST)) {
    problems.push('previousDigest is not the digest of the anchor before');
  } else if (!samePosition(anchor.from, previous?.to ?? null)) {
    problems.push('its range does not start where the anchor before ended');
  }
  return problems.map((message) => ({ kind: 'anchor-broken-chain' as const, anchor: anchor.sequence, message }));
}

const samePosition = (a: AnchorPosition | null, b: AnchorPosition | null): boolean =>
  a === null || b === null ? a === b : a.commit === b.commit && a.prepare === b.prepare;

function record(
  streams: Map<string, AnchoredRevisions>,
  stream: string,
  revision: bigint,
  hash: string,
  sequence: number,
): void {
  const revisions = streams.get(stream) ?? new Map();
  if (!revisions.has(revision)) revisions.set(revision, { hash, sequence });
  streams.set(stream, revisions);
}
