import { hash } from 'node:crypto';
import { canonicalJson, GENESIS_HASH, type Position } from '@ledger/event-store';

export const AUDIT_ANCHOR_SCHEMA = 'ledger.audit-anchor.v1';

/** A stream's newest event inside one anchor's range: the stream stood at this revision and hash. */
export interface AnchoredHead {
  stream: string;
  revision: string;
  hash: string;
}

export interface AnchorPosition {
  commit: string;
  prepare: string;
}

/**
 * A signed statement "after every event up to `to`, these streams stood at these heads", chained
 * onto the anchor before it. Stored in audit.anchors and published to its own Kafka topic; the
 * JSON Schema is libs/contracts/schemas/ledger.audit-anchor.v1.schema.json.
 */
export interface AuditAnchor {
  schema: typeof AUDIT_ANCHOR_SCHEMA;
  /** 1, 2, 3, ... without gaps: a missing number is a withheld anchor. */
  sequence: number;
  /** `digest` of anchor sequence - 1; 64 zeros for the first anchor. */
  previousDigest: string;
  /** The chained hash of `heads` onto `previousDigest` (see chainHeads). */
  digest: string;
  /** Exclusive start of the range in global order; null for the first anchor (the store's start). */
  from: AnchorPosition | null;
  /** Inclusive end of the range: the position of its last event. */
  to: AnchorPosition;
  eventCount: number;
  /** Streams that changed in the range, each once, ordered by the global position of its head event. */
  heads: AnchoredHead[];
  anchoredAt: string;
  /** First 16 hex digits of the SHA-256 of the public key (SPKI DER) that verifies `signature`. */
  keyId: string;
  /** Base64 Ed25519 signature of signedText(anchor). */
  signature: string;
}

export type UnsignedAnchor = Omit<AuditAnchor, 'signature'>;

export const GENESIS_DIGEST = GENESIS_HASH;

/**
 * d₀ = previousDigest, dᵢ = sha256(dᵢ₋₁ ‖ canonical JSON of [stream, revision, hash]ᵢ). Chaining
 * onto the previous anchor's digest makes every digest commit to all history before it, so one
 * verified newest anchor vouches for the order and content of every earlier one.
 */
export function chainHeads(previousDigest: string, heads: readonly AnchoredHead[]): string {
  let digest = previousDigest;
  for (const head of heads)
    digest = hash('sha256', `${digest}${canonicalJson([head.stream, head.revision, head.hash])}`, 'hex');
  return digest;
}

/** The exact text that is signed: the anchor's canonical JSON without its signature. */
export function signedText(anchor: UnsignedAnchor | AuditAnchor): string {
  const { signature: _ignored, ...unsigned } = anchor as AuditAnchor;
  return canonicalJson(unsigned);
}

export const anchorPosition = (p: Position): AnchorPosition => ({
  commit: p.commit.toString(),
  prepare: p.prepare.toString(),
});
export const toPosition = (p: AnchorPosition): Position => ({ commit: BigInt(p.commit), prepare: BigInt(p.prepare) });
