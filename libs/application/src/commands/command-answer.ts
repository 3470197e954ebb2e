import { type Doc, foldResources } from '@ledger/ledger-projection';
import type { ResourceKind } from '@ledger/read-model';
import type { CommandOutcome } from './command-context';

export type CreatedKind = Exclude<ResourceKind, 'activity' | 'transfer'>;

/**
 * The document of the resource a command created, folded from the command's own events with the
 * projection's fold: a new topup, adjustment or bucket is exactly what those events say, so the
 * answer needs no read-back of the row.
 */
export function createdResource(kind: CreatedKind, outcome: CommandOutcome): Doc {
  let bucket: Doc | undefined;
  let topup: Doc | undefined;
  let view: Doc = {};
  for (const event of outcome.events) {
    const change = foldResources(bucket, { type: event.type, data: { ...event.data } }, topup);
    bucket = change.bucket?.doc ?? bucket;
    topup = change.topup?.doc ?? topup;
    view = (kind === 'bucket' ? bucket : kind === 'topup' ? topup : change.adjustment?.doc) ?? view;
  }
  return view;
}

/** The id the command gave its resource (the first execution's, on a retry). */
export function createdId(outcome: CommandOutcome, key: 'bucketId' | 'topupId' | 'adjustmentId'): string | undefined {
  return outcome.events
    .map((e) => (e.data as Record<string, unknown>)[key])
    .find((v): v is string => typeof v === 'string');
}
