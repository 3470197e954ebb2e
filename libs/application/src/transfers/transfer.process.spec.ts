import { type BucketCommand, bucketStream, foldBucket, formatAmount, isLive, parseQuantity } from '@ledger/domain';
import { InMemoryEventStore } from '@ledger/event-store';
import { BucketCommandHandler } from '../commands/bucket-command.handler';
import { fingerprint } from '../commands/idempotency';
import { TransferCommandHandler } from './transfer-command.handler';
import type { PendingTransfers } from './transfer-inputs';
import { TransferProcess } from './transfer.process';

const NOW = '2025-03-01T10:00:00Z';
const ACTOR = { subject: 'ann', clientId: 'charging-app', roles: ['charging' as const] };
const ctx = (idempotencyKey?: string) => ({ idempotencyKey, correlationId: 'c-1', actor: ACTOR });
const identity = { correlationId: 'c-1', actor: { ...ACTOR, roles: ['charging'] } };

function setUp() {
  const store = new InMemoryEventStore();
  const buckets = new BucketCommandHandler(store, { cacheBuckets: 0 });
  const pending: string[] = [];
  const finder: PendingTransfers = { pendingTransferIds: () => Promise.resolve(pending) };
  let n = 0;
  const process = new TransferProcess({
    transfers: new TransferCommandHandler(store),
    buckets,
    clock: { now: () => new Date(NOW) },
    ids: { newId: () => `x-${++n}` },
    pending: finder,
  });
  const open = (bucketId: string, status: 'active' | 'suspended' = 'active') => {
    const command: BucketCommand = {
      type: 'OpenBucket',
      data: {
        bucketId,
        product: [{ id: 'p-1' }],
        amount: parseQuantity({ amount: '100', units: 'EUR' }),
        status,
        validFor: { startDateTime: '2025-01-01T00:00:00Z' },
      },
      metadata: { now: NOW },
    };
    return buckets.handle(bucketId, command, identity);
  };
  const amountOf = async (bucketId: string) => {
    const read = await store.readStream(bucketStream(bucketId));
    const state = foldBucket((read.found ? read.events : []).map((e) => ({ type: e.type, data: e.data }) as never));
    return isLive(state) ? formatAmount(state.amount) : 'gone';
  };
  return { store, buckets, process, open, amountOf, pending };
}

const input = { sourceBucketId: 'b-1', targetBucketId: 'b-2', amount: { amount: '10', units: 'EUR' } };
const costly = { ...input, transferCost: { amount: '0.5', units: 'EUR' } };

describe('TransferProcess', () => {
  it('debits amount + cost, credits amount and completes', async () => {
    const t = setUp();
    await t.open('b-1');
    await t.open('b-2');
    const outcome = await t.process.request(costly, ctx());
    expect(outcome.state.status).toBe('completed');
    expect([await t.amountOf('b-1'), await t.amountOf('b-2')]).toEqual(['89.5', '110']);
  });

  it('compensates a refused credit: the source is refunded and the transfer fails', async () => {
    const t = setUp();
    await t.open('b-1');
    await t.open('b-2', 'suspended');
    const outcome = await t.process.request(costly, ctx());
    expect(outcome.state).toMatchObject({ status: 'failed', debited: true, refusal: { code: 'BUCKET.SUSPENDED' } });
    expect([await t.amountOf('b-1'), await t.amountOf('b-2')]).toEqual(['100', '100']);
  });

  it('fails without debit when the source refuses it', async () => {
    const t = setUp();
    await t.open('b-1');
    await t.open('b-2');
    const outcome = await t.process.request({ ...input, amount: { amount: '500', units: 'EUR' } }, ctx());
    expect(outcome.state).toMatchObject({ status: 'failed', debited: false });
    expect([await t.amountOf('b-1'), await t.amountOf('b-2')]).toEqual(['100', '100']);
  });

  it('answers a keyed retry with the same transfer, applied once', async () => {
    const t = setUp();
    await t.open('b-1');
    await t.open('b-2');
    const [a, b] = await Promise.all([t.process.request(input, ctx('k-1')), t.process.request(input, ctx('k-1'))]);
    expect(a.state.status === 'none' || b.state.status === 'none').toBe(false);
    if (a.state.status === 'none' || b.state.status === 'none') return;
    expect(a.state.request.transferId).toBe(b.state.request.transferId);
    expect([await t.amountOf('b-1'), await t.amountOf('b-2')]).toEqual(['90', '110']);
  });

  it('resumes a debit taken but not recorded, taking it only once', async () => {
    const t = setUp();
    await t.open('b-1');
    await t.open('b-2');
    const transfers = new TransferCommandHandler(t.store);
    await transfers.handle(
      {
        type: 'RequestTransfer',
        data: { transferId: 'x-9', sourceBucketId: 'b-1', targetBucketId: 'b-2', amount: parseQuantity(input.amount) },
        metadata: { now: NOW },
      },
      identity,
    );
    // A process took the debit as the process does, then died before the transfer stream recorded it.
    await t.buckets.handle(
      'b-1',
      {
        type: 'TransferOut',
        data: { bucketId: 'b-1', transferId: 'x-9', amount: parseQuantity(input.amount) },
        metadata: { now: NOW },
      },
      {
        ...identity,
        commandId: 'transfer:x-9:debit',
        fingerprint: fingerprint('transfer:debit', { bucketId: 'b-1', transferId: 'x-9' }),
      },
    );
    t.pending.push('x-9');
    expect(await t.process.resumePending(0)).toEqual({ resumed: 1, failed: 0 });
    expect((await transfers.load('x-9')).state.status).toBe('completed');
    expect([await t.amountOf('b-1'), await t.amountOf('b-2')]).toEqual(['90', '110']);
  });
});
