import { type BucketCommand, type BucketState, decide, evolve, initialState, parseQuantity } from '@ledger/domain';
import type { RecordedEvent } from '@ledger/event-store';
import type { OutgoingMessage } from '@ledger/kafka-publisher';
import { outboxMessages } from '@ledger/outbox';
import { type Doc, foldEvent } from '../ledger-views';
import { tmf654V2Base } from '@ledger/contracts';

/**
 * Produces Kafka messages the way production does, minus the I/O: commands go through the real
 * bucket decider, events are folded by the projection's own `foldEvent`, and messages come from
 * the real `outboxMessages`. Test-only (the build excludes `testing/`).
 */
export const NOW = '2025-03-01T10:00:00Z';
export const VALID_FOR = { startDateTime: '2025-01-01T00:00:00Z', endDateTime: '2026-01-01T00:00:00Z' };
export const TOPICS = { bucketState: 'ledger.bucket-state.v1', balanceEvents: 'ledger.balance-events.v1' };
const OPTIONS = { topics: TOPICS, hrefBase: tmf654V2Base('https://ledger.example.com') };

export const qty = (amount: string, units = 'EUR') => parseQuantity({ amount, units });

export interface Published {
  event: RecordedEvent;
  messages: OutgoingMessage[];
}

let sequence = 0;

function eventId(): string {
  sequence += 1;
  return `00000000-0000-4000-8000-${sequence.toString().padStart(12, '0')}`;
}

/** One bucket stream: `run` decides a command, records its events and returns what would be published. */
export function publishingBucket(bucketId: string) {
  let state: BucketState = initialState();
  let bucket: { doc: Doc; deleted: boolean } | undefined;
  const topups = new Map<string, Doc>();
  let revision = -1n;

  function record(type: string, data: Record<string, unknown>, correlationId: string | undefined): RecordedEvent {
    revision += 1n;
    const prepare = BigInt(sequence) * 10n;
    return {
      id: eventId(),
      type,
      data,
      metadata: { recordedAt: NOW, schemaVersion: 1, prevHash: '0'.repeat(64), hash: 'f'.repeat(64), correlationId },
      stream: `bucket-${bucketId}`,
      revision,
      position: { commit: 7_000_000_000n + prepare, prepare },
    };
  }

  return {
    run(command: BucketCommand, correlationId?: string): Published[] {
      return decide(state, command).map((domainEvent) => {
        state = evolve(state, domainEvent);
        const event = record(domainEvent.type, domainEvent.data as unknown as Record<string, unknown>, correlationId);
        const topupId = (event.data as { topupId?: string }).topupId;
        const change = foldEvent(bucket?.doc, event, topupId ? topups.get(topupId) : undefined);
        if (change.bucket) bucket = change.bucket;
        if (change.topup) topups.set(change.topup.id, change.topup.doc);
        return { event, messages: outboxMessages(event, bucket, change.activity, OPTIONS) };
      });
    },
  };
}

export const command = <T extends BucketCommand['type']>(type: T, data: Extract<BucketCommand, { type: T }>['data']) =>
  ({ type, data, metadata: { now: NOW } }) as Extract<BucketCommand, { type: T }>;

/**
 * Every charging event type on one bucket that holds at least 20 EUR: a reservation extended,
 * captured in part and released; one left to expire; a transfer out refunded, and one in.
 */
export function CHARGING(bucketId: string): BucketCommand[] {
  const expiresAt = '2025-03-01T11:00:00Z';
  return [
    command('ReserveBalance', { bucketId, reservationId: 'r-1', amount: qty('20'), expiresAt }),
    command('ExtendReservation', { bucketId, reservationId: 'r-1', expiresAt: '2025-03-01T12:00:00Z' }),
    command('DeductBalance', { bucketId, deductionId: 'd-1', amount: qty('5'), reservationId: 'r-1' }),
    command('UnreserveBalance', { bucketId, reservationId: 'r-1', reason: 'session ended' }),
    command('DeductBalance', { bucketId, deductionId: 'd-2', amount: qty('1') }),
    command('ReserveBalance', { bucketId, reservationId: 'r-2', amount: qty('1'), expiresAt }),
    { type: 'ExpireReservation', data: { bucketId, reservationId: 'r-2' }, metadata: { now: '2025-03-01T11:00:01Z' } },
    command('TransferOut', { bucketId, transferId: 'x-1', amount: qty('10') }),
    command('RefundTransfer', { bucketId, transferId: 'x-1' }),
    command('TransferIn', { bucketId, transferId: 'x-2', amount: qty('5') }),
    command('DeclineTransfer', { bucketId, transferId: 'x-3' }),
  ];
}
