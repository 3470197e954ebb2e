import { BucketCommand, BucketEvent, decide, evolve, initialState, parseQuantity } from '@ledger/domain';
import type { NewEvent } from '@ledger/event-store';

/** Stands for the bucket id in the template; every id in a history derives from it. */
export const PLACEHOLDER = 'bench0bucket0placeholder';
const NOW = '2025-06-01T10:00:00Z';
const eur = (amount: number) => parseQuantity({ amount, units: 'EUR' });

/**
 * One bucket's history decided by the real domain: BucketOpened, then topups (+5) and adjustments
 * (−3) in turn. Cloned per bucket by replacing the placeholder, so 1M events cost string
 * replaces, not 1M decisions. Returned as JSON text (what the Emmett child reads too).
 */
export function historyTemplate(length: number): string {
  let state = initialState();
  const events: BucketEvent[] = [];
  const apply = (command: BucketCommand) => {
    for (const event of decide(state, command)) {
      state = evolve(state, event);
      events.push(event);
    }
  };
  const metadata = { now: NOW };
  apply({
    type: 'OpenBucket',
    metadata,
    data: {
      bucketId: PLACEHOLDER,
      type: 'monetary',
      name: 'Bench bucket',
      product: [{ id: `prod-${PLACEHOLDER}` }],
      partyAccount: { id: `acc-${PLACEHOLDER}` },
      relatedParty: [{ id: `cust-${PLACEHOLDER}`, role: 'customer', name: 'Bench' }],
      amount: eur(1000),
      validFor: { startDateTime: '2025-01-01T00:00:00Z', endDateTime: '2035-01-01T00:00:00Z' },
    },
  });
  for (let i = 1; events.length < length; i++) {
    apply(
      i % 2 === 1
        ? {
            type: 'TopupBalance',
            metadata,
            data: {
              topupId: `${PLACEHOLDER}-t${i}`,
              bucketId: PLACEHOLDER,
              amount: eur(5),
              type: 'voucher',
              channel: { id: 'web' },
            },
          }
        : {
            type: 'AdjustBalance',
            metadata,
            data: {
              adjustmentId: `${PLACEHOLDER}-a${i}`,
              bucketId: PLACEHOLDER,
              amount: eur(-3),
              type: 'correction',
              reason: 'bench',
            },
          },
    );
  }
  return JSON.stringify(events.slice(0, length).map((e) => ({ type: e.type, data: e.data })));
}

/** The template's events for one bucket, as the API would append them (correlation id in metadata). */
export function bucketEvents(template: string, bucketId: string): NewEvent[] {
  const events = JSON.parse(template.split(PLACEHOLDER).join(bucketId)) as {
    type: string;
    data: Record<string, unknown>;
  }[];
  return events.map((e, n) => ({
    type: e.type,
    data: e.data,
    metadata: {
      correlationId: `${bucketId}-c${n}`,
      actor: { subject: 'bench', clientId: 'bench', roles: ['operator'] },
    },
  }));
}
