import { BUCKET_EVENT_TYPES, type BucketCommand, type BucketState, decide, evolve, initialState } from '@ledger/domain';
import { type Doc, type ViewEvent, foldEvent, foldResources } from './ledger-views';
import { CHARGING, NOW, VALID_FOR, command, qty } from './testing/published-messages';

/** One recorded event and the documents the projection holds when it arrives. */
interface Step {
  event: ViewEvent;
  bucket: Doc | undefined;
  topup: Doc | undefined;
}

/** Decides each command with the real decider and folds its events, remembering what each one was folded onto. */
function history(...commands: BucketCommand[]): Step[] {
  let state: BucketState = initialState();
  let bucket: Doc | undefined;
  const topups = new Map<string, Doc>();
  const steps: Step[] = [];
  const events = commands.flatMap((c) => {
    const decided = decide(state, c);
    state = decided.reduce(evolve, state);
    return decided;
  });
  for (const domainEvent of events) {
    const data = domainEvent.data as unknown as Record<string, unknown>;
    const event: ViewEvent = {
      id: `event-${steps.length + 1}`,
      type: domainEvent.type,
      data,
      metadata: { recordedAt: NOW },
    };
    const topupId = data.topupId as string | undefined;
    const step = { event, bucket, topup: topupId ? topups.get(topupId) : undefined };
    steps.push(step);
    const change = foldResources(step.bucket, event, step.topup);
    bucket = change.bucket?.doc ?? bucket;
    if (change.topup) topups.set(change.topup.id, change.topup.doc);
  }
  return steps;
}

const open = (bucketId: string) =>
  command('OpenBucket', {
    bucketId,
    name: 'Main',
    product: [{ id: 'p-1' }],
    partyAccount: { id: 'acc-1' },
    relatedParty: [{ id: 'cust-1', role: 'customer' }],
    amount: qty('100.5'),
    validFor: VALID_FOR,
  });

/** Every event type the decider produces, on one bucket and on one a topup opened. */
const EVERYTHING = [
  ...history(
    open('b-1'),
    command('TopupBalance', { topupId: 't-1', bucketId: 'b-1', amount: qty('50'), status: 'in progress' }),
    command('ConfirmTopup', { bucketId: 'b-1', topupId: 't-1' }),
    command('TopupBalance', { topupId: 't-2', bucketId: 'b-1', amount: qty('10') }),
    command('CancelTopup', { bucketId: 'b-1', topupId: 't-2' }),
    command('AdjustBalance', { adjustmentId: 'a-1', bucketId: 'b-1', amount: qty('-20.25'), reason: 'fee' }),
    ...CHARGING('b-1'),
    command('ChangeBucketStatus', { bucketId: 'b-1', status: 'suspended', reason: 'fraud check' }),
    command('DeleteBucket', { bucketId: 'b-1' }),
  ),
  ...history(
    command('TopupBalance', { topupId: 't-3', bucketId: 'b-2', openIfMissing: true, amount: qty('3', 'SMS') }),
  ),
];

/** An amount as documents hold it: canonical decimal text. */
const eur = (amount: string) => ({ amount, units: 'EUR' });
const fold = (step: Step) => foldEvent(step.bucket, step.event, step.topup);
const stepOf = (type: string) => EVERYTHING.find((s) => s.event.type === type)!;

describe('the ledger views', () => {
  it('are folded from every event type the domain produces', () => {
    expect(new Set(EVERYTHING.map((s) => s.event.type))).toEqual(new Set(BUCKET_EVENT_TYPES));
  });

  describe('when a bucket is opened with 100.5 EUR', () => {
    it('writes the bucket from the event alone and records its creation with the opening amount', () => {
      const change = fold(stepOf('BucketOpened'));
      expect(change.bucket).toEqual({
        deleted: false,
        doc: expect.objectContaining({ id: 'b-1', amount: eur('100.5'), status: 'active' }),
      });
      expect(change.activity).toMatchObject({
        id: 'event-1',
        date: NOW,
        type: 'bucketCreation',
        amount: eur('100.5'),
        product: { id: 'p-1' },
      });
    });
  });

  describe('when the bucket holds 100.5 EUR and a 50 EUR topup is pending', () => {
    it('a confirmation sets the balance to the amount after it and marks the topup confirmed', () => {
      const change = fold(stepOf('BalanceToppedUp'));
      expect(change.bucket?.doc.amount).toEqual(eur('150.5'));
      expect(change.topup).toEqual({
        id: 't-1',
        doc: expect.objectContaining({ status: 'confirmed', confirmationDate: NOW }),
      });
      expect(change.activity).toMatchObject({
        type: 'topup',
        amount: eur('50'),
        amountBefore: eur('100.5'),
        amountAfter: eur('150.5'),
      });
    });
  });

  describe('when a confirmed 10 EUR topup is cancelled', () => {
    it('takes the credit back: the balance drops and the activity amount is negative', () => {
      const change = fold(stepOf('TopupCancelled'));
      expect(change.bucket?.doc.amount).toEqual(eur('150.5'));
      expect(change.topup?.doc).toMatchObject({ status: 'cancelled', statusChangeDate: NOW });
      expect(change.activity).toMatchObject({ type: 'topupCancellation', action: { id: 't-2' }, amount: eur('-10') });
    });
  });

  describe('when the bucket is adjusted by -20.25 EUR', () => {
    it('sets the balance to the amount after and writes the adjustment without the before and after amounts', () => {
      const change = fold(stepOf('BalanceAdjusted'));
      expect(change.bucket?.doc.amount).toEqual(eur('130.25'));
      expect(change.adjustment).toEqual({
        id: 'a-1',
        doc: expect.objectContaining({ amount: eur('-20.25'), bucket: { id: 'b-1' } }),
      });
      expect(change.adjustment?.doc).not.toHaveProperty('amountAfter');
    });
  });

  describe('when the bucket is deleted', () => {
    it('keeps its last document, marked deleted', () => {
      const step = stepOf('BucketDeleted');
      expect(fold(step).bucket).toEqual({ doc: step.bucket, deleted: true });
    });
  });

  describe('when the event records who sent the command', () => {
    const actor = { subject: 'alice', clientId: 'back-office', roles: ['admin', 'operator'] };
    const withActor = (step: Step): Step => ({
      ...step,
      event: { ...step.event, metadata: { recordedAt: NOW, actor } },
    });

    it("names the caller as the activity's requestor when the request named none", () => {
      expect(fold(withActor(stepOf('BalanceAdjusted'))).activity.requestor).toEqual({
        id: 'alice',
        name: 'back-office',
        role: 'admin,operator',
      });
    });

    it('keeps the requestor the request named', () => {
      const step = withActor(stepOf('TopupRequested'));
      const requested = {
        ...step,
        event: { ...step.event, data: { ...step.event.data, requestor: { id: 'agent-7' } } },
      };
      expect(fold(requested).activity.requestor).toEqual({ id: 'agent-7' });
    });

    it('leaves every activity of events without an actor as it was', () => {
      for (const step of EVERYTHING) expect(fold(step).activity).not.toHaveProperty('requestor');
    });
  });

  /**
   * The fold sets balances to the event's amountAfter rather than adding to them, so folding an
   * event onto its own result changes nothing, for every event type. (A repeated event must not
   * write a second activity row or outbox row either: that is the revision guard of
   * LedgerProjection and ledger_project_batch, tested in test/integration/rebuild-idempotency.)
   */
  it('is idempotent when the same event arrives twice', () => {
    for (const step of EVERYTHING) {
      const once = fold(step);
      const twice = foldEvent(once.bucket?.doc ?? step.bucket, step.event, once.topup?.doc ?? step.topup);
      expect({ type: step.event.type, change: twice }).toEqual({ type: step.event.type, change: once });
    }
  });
});

describe('foldResources', () => {
  it('agrees with foldEvent minus the activity row for every event type', () => {
    for (const step of EVERYTHING) {
      const { activity: _activity, ...resources } = fold(step);
      expect({ type: step.event.type, resources: foldResources(step.bucket, step.event, step.topup) }).toEqual({
        type: step.event.type,
        resources,
      });
    }
  });
});
