import {
  type BalanceDeductedData,
  type BalanceReservedData,
  type BalanceUnreservedData,
  type LiveBucket,
  type ReservationExtendedData,
  formatAmount,
} from '@ledger/domain';
import type { Doc } from '@ledger/ledger-projection';
import type { OutcomeEvent } from '../commands/command-context';

/**
 * Version-neutral documents of a reservation and a deduction. `bucket` carries the bucket's
 * amount and reservedAmount as the command left them, so a charging system needs no second read.
 */
export function reservationFromEvents(events: readonly OutcomeEvent[]): Doc | undefined {
  let doc: Doc | undefined;
  for (const event of events) {
    const data = event.data as Record<string, unknown>;
    switch (event.type) {
      case 'BalanceReserved': {
        const d = data as unknown as BalanceReservedData;
        doc = {
          ...{ id: d.reservationId, status: 'held', reservedAmount: d.amount, remainingAmount: d.amount },
          ...{ expiresAt: d.expiresAt, reservedDate: d.reservedAt, relatedParty: d.relatedParty },
          ...{ requestor: d.requestor, description: d.description },
          bucket: { id: d.bucketId, reservedAmount: d.reservedAfter },
        };
        break;
      }
      case 'ReservationExtended': {
        const d = data as unknown as ReservationExtendedData;
        doc = { ...doc, id: d.reservationId, expiresAt: d.expiresAt, bucket: { ...bucketOf(doc), id: d.bucketId } };
        break;
      }
      case 'BalanceUnreserved': {
        const d = data as unknown as BalanceUnreservedData;
        const status = d.remaining.amount === '0' ? 'closed' : 'held';
        const bucket = { ...bucketOf(doc), id: d.bucketId, reservedAmount: d.reservedAfter };
        doc = { ...doc, id: d.reservationId, status, remainingAmount: d.remaining, releasedAmount: d.amount, bucket };
        break;
      }
    }
  }
  return doc && withoutUndefined(doc);
}

export function deductionFromEvents(events: readonly OutcomeEvent[]): Doc | undefined {
  const event = events.find((e) => e.type === 'BalanceDeducted');
  if (!event) return undefined;
  const d = event.data as unknown as BalanceDeductedData;
  return withoutUndefined({
    id: d.deductionId,
    amount: d.amount,
    balanceReserve: d.reservationId === undefined ? undefined : { id: d.reservationId },
    releasedAmount: d.released,
    deductedDate: d.deductedAt,
    requestor: d.requestor,
    relatedParty: d.relatedParty,
    description: d.description,
    bucket: { id: d.bucketId, amount: d.amountAfter, reservedAmount: d.reservedAfter },
  });
}

/**
 * A reservation as the bucket's own stream holds it (authoritative: reservations are not in the
 * read model's tables). A held reservation past its expiry reads `expired` until the scheduler
 * releases it; no capture can take it any more.
 */
export function reservationFromState(bucket: LiveBucket, reservationId: string, nowMs: number): Doc | undefined {
  const facts = bucket.reservations.get(reservationId);
  if (!facts) return undefined;
  const units = bucket.units ?? '';
  const q = (amount: bigint) => ({ amount: formatAmount(amount), units });
  const status = facts.closed ? 'closed' : facts.expiresAtMs <= nowMs ? 'expired' : 'held';
  return {
    id: reservationId,
    status,
    reservedAmount: q(facts.reserved),
    remainingAmount: q(facts.held),
    expiresAt: facts.expiresAt,
    bucket: { id: bucket.bucketId, amount: q(bucket.amount), reservedAmount: q(bucket.reservedAmount) },
  };
}

function bucketOf(doc: Doc | undefined): Doc {
  return (doc?.bucket as Doc | undefined) ?? {};
}

function withoutUndefined(doc: Doc): Doc {
  return Object.fromEntries(Object.entries(doc).filter(([, v]) => v !== undefined));
}
