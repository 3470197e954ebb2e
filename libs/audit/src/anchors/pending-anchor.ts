import type { Position, RecordedEvent } from '@ledger/event-store';
import {
  type AnchoredHead,
  anchorPosition,
  AUDIT_ANCHOR_SCHEMA,
  type AuditAnchor,
  chainHeads,
  GENESIS_DIGEST,
  type UnsignedAnchor,
} from './audit-anchor';

/** Where the next anchor continues: after the last stored one, or from the very start. */
export interface AnchorTip {
  sequence: number;
  digest: string;
  to: Position | 'start';
}

export const FIRST_TIP: AnchorTip = { sequence: 0, digest: GENESIS_DIGEST, to: 'start' };

export function tipOf(anchor: AuditAnchor): AnchorTip {
  return {
    sequence: anchor.sequence,
    digest: anchor.digest,
    to: { commit: BigInt(anchor.to.commit), prepare: BigInt(anchor.to.prepare) },
  };
}

/**
 * The stream heads seen since the last anchor. A stream's entry is moved to the end whenever it
 * changes again, so iteration order is the global order of each head's event.
 */
export class PendingAnchor {
  private readonly heads = new Map<string, AnchoredHead>();
  private last: Position | undefined;
  count = 0;

  add(event: RecordedEvent): void {
    this.heads.delete(event.stream);
    this.heads.set(event.stream, {
      stream: event.stream,
      revision: event.revision.toString(),
      hash: event.metadata.hash,
    });
    this.last = event.position;
    this.count++;
  }

  /** The anchor over everything added, chained onto `tip`; undefined when nothing was added. */
  cut(tip: AnchorTip, anchoredAt: string, keyId: string): UnsignedAnchor | undefined {
    if (this.last === undefined) return undefined;
    const heads = [...this.heads.values()];
    return {
      schema: AUDIT_ANCHOR_SCHEMA,
      sequence: tip.sequence + 1,
      previousDigest: tip.digest,
      digest: chainHeads(tip.digest, heads),
      from: tip.to === 'start' ? null : anchorPosition(tip.to),
      to: anchorPosition(this.last),
      eventCount: this.count,
      heads,
      anchoredAt,
      keyId,
    };
  }
}
