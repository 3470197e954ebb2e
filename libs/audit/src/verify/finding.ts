/**
 * What verify-chain can find. Each kind names one way a history was changed; the docs
 * (docs/auditing.md, "verify-chain") list what each means and which tamper produces it.
 */
export type FindingKind =
  /** An event's content no longer matches its own hash: changed in place. */
  | 'changed-event'
  /** The stream's chain verifies, but disagrees with a signed anchor: changed, chain recomputed. */
  | 'rewritten-history'
  /** The stream ends before the revision a signed anchor saw: its newest events were deleted. */
  | 'deleted-newest-events'
  /** A stream a signed anchor saw is gone. */
  | 'deleted-stream'
  /** Two neighbouring events swapped places. */
  | 'reordered-events'
  /** A revision inside the stream is missing. */
  | 'missing-event'
  /** prevHash does not link onto the event before, for none of the reasons above. */
  | 'broken-link'
  | 'anchor-bad-signature'
  /** A sequence number is missing, or the chain of anchors does not link. */
  | 'anchor-broken-chain'
  /** Two different anchors carry the same sequence number. */
  | 'anchor-conflict';

export interface Finding {
  kind: FindingKind;
  stream?: string;
  revision?: bigint;
  anchor?: number;
  message: string;
}

export function formatFinding(finding: Finding): string {
  const where = [
    finding.stream === undefined ? undefined : finding.stream,
    finding.revision === undefined ? undefined : `revision ${finding.revision}`,
    finding.anchor === undefined ? undefined : `anchor #${finding.anchor}`,
  ].filter((part) => part !== undefined);
  return `FINDING ${finding.kind}${where.length > 0 ? ` (${where.join(', ')})` : ''}: ${finding.message}`;
}
