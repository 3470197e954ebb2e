import type { Position, RecordedEvent } from '@ledger/event-store';
import { type Doc, foldEvent } from '@ledger/ledger-projection';

export type ReadModelKind = 'bucket' | 'topup' | 'adjustment' | 'activity';

/**
 * A row as the read model must hold it; timestamps as ISO strings. Docs are the fold's objects:
 * a member holding undefined is what jsonb leaves out, and the comparison treats both as absent.
 */
export interface ExpectedRow {
  id: string;
  bucketId: string;
  revision: bigint;
  doc: Doc;
  createdAt: string;
  /** Buckets only. */
  deleted?: boolean;
  updatedAt?: string;
  /** Activity only. */
  position?: Position;
}

const instant = (at: string) => new Date(at).toISOString();

/**
 * The ledger read model folded in memory from events with the same pure fold the projection uses
 * (@ledger/ledger-projection's ledger-views.ts) and the same rules: a row changes only for a newer revision, creation
 * times are those of the first event that wrote the row. Activity rows are returned per event
 * rather than kept, so a verification can compare them batch by batch.
 */
export class ExpectedLedger {
  readonly buckets = new Map<string, ExpectedRow>();
  readonly topups = new Map<string, ExpectedRow>();
  readonly adjustments = new Map<string, ExpectedRow>();

  apply(event: RecordedEvent): ExpectedRow | undefined {
    const bucketId = (event.data as { bucketId: string }).bucketId;
    const current = this.buckets.get(bucketId);
    if (current && current.revision >= event.revision) return undefined;
    const topupId = (event.data as { topupId?: string }).topupId;
    const change = foldEvent(current?.doc, event, topupId ? this.topups.get(topupId)?.doc : undefined);
    const at = instant(event.metadata.recordedAt);
    const revision = event.revision;
    if (change.bucket) {
      const { doc, deleted } = change.bucket;
      this.buckets.set(bucketId, {
        id: bucketId,
        bucketId,
        revision,
        doc,
        deleted,
        createdAt: current?.createdAt ?? at,
        updatedAt: at,
      });
    }
    for (const [map, action] of [
      [this.topups, change.topup],
      [this.adjustments, change.adjustment],
    ] as const) {
      if (!action) continue;
      const doc = action.doc;
      map.set(action.id, {
        id: action.id,
        bucketId: (doc.bucket as { id: string }).id,
        revision,
        doc,
        createdAt: map.get(action.id)?.createdAt ?? at,
      });
    }
    const activity = change.activity;
    return {
      id: event.id,
      bucketId: (activity.bucketBalance as { id: string }).id,
      revision,
      doc: activity,
      createdAt: at,
      position: event.position,
    };
  }
}
