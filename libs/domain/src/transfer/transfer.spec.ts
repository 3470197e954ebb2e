import { formatAmount } from '../amount/decimal';
import { parseQuantity } from '../amount/quantity';
import type { BucketCommand } from '../bucket/bucket.commands';
import { decide, foldBucket } from '../bucket/bucket.decider';
import type { BucketEvent } from '../bucket/bucket.events';
import { isLive } from '../bucket/bucket.state';
import { deciderSpecification } from '../testing/decider-specification';
import { eurData, opened, statusChanged } from '../testing/bucket.fixtures';
import type { RequestTransferData, TransferCommand } from './transfer.commands';
import { foldTransfer, decideTransfer, transferDecider } from './transfer.decider';
import type { TransferEvent } from './transfer.events';
import { isFinal } from './transfer.state';

const NOW = '2025-03-01T10:00:00Z';
const spec = deciderSpecification(transferDecider);
const eur = (amount: string) => parseQuantity({ amount, units: 'EUR' });
const meta = { now: NOW };
const request = (data: Partial<RequestTransferData> = {}): TransferCommand => ({
  type: 'RequestTransfer',
  data: { transferId: 'x-1', sourceBucketId: 'b-1', targetBucketId: 'b-2', amount: eur('10'), ...data },
  metadata: meta,
});
const step = (type: Exclude<TransferCommand['type'], 'RequestTransfer'>, refusal = {}): TransferCommand =>
  ({
    type,
    data: { transferId: 'x-1', code: 'BUCKET.SUSPENDED', reason: 'suspended', ...refusal },
    metadata: meta,
  }) as TransferCommand;
const requested = (debit = '10', credit = '10', extra: object = {}): TransferEvent => ({
  type: 'TransferRequested',
  data: {
    transferId: 'x-1',
    sourceBucketId: 'b-1',
    targetBucketId: 'b-2',
    amount: eurData('10'),
    costOwner: 'originator',
    debit: eurData(debit),
    credit: eurData(credit),
    requestedDate: NOW,
    schemaVersion: 1,
    ...extra,
  },
});
const debited: TransferEvent = {
  type: 'TransferSourceDebited',
  data: { transferId: 'x-1', at: NOW, schemaVersion: 1 },
};
const compensating: TransferEvent = {
  type: 'TransferCompensating',
  data: { transferId: 'x-1', at: NOW, code: 'BUCKET.SUSPENDED', reason: 'suspended', schemaVersion: 1 },
};

describe('RequestTransfer', () => {
  it('fixes what the source gives and the target gets: the originator pays the cost on top', () => {
    spec
      .given([])
      .when(request({ transferCost: eur('0.5') }))
      .then([requested('10.5', '10', { transferCost: eurData('0.5') })]);
  });

  it('takes the cost out of the amount when the recipient pays it', () => {
    spec
      .given([])
      .when(request({ transferCost: eur('0.5'), costOwner: 'recipient' }))
      .then([requested('10', '9.5', { transferCost: eurData('0.5'), costOwner: 'recipient' })]);
  });

  it('refuses a transfer to the same bucket, a zero amount and a cost the recipient cannot pay', () => {
    spec
      .given([])
      .when(request({ targetBucketId: 'b-1' }))
      .thenThrows('TRANSFER.SAME_BUCKET');
    spec
      .given([])
      .when(request({ amount: eur('0') }))
      .thenThrows('AMOUNT.NOT_POSITIVE', 'amount.amount');
    spec
      .given([])
      .when(request({ transferCost: eur('10'), costOwner: 'recipient' }))
      .thenThrows('TRANSFER.COST_EXCEEDS_AMOUNT');
  });

  it('treats the same request again as a retry, and other terms under the same id as a conflict', () => {
    spec.given([requested()]).when(request()).thenNothingHappens();
    spec
      .given([requested()])
      .when(request({ amount: eur('11') }))
      .thenThrows('TRANSFER.ALREADY_EXISTS');
  });
});

describe('the transfer process', () => {
  it('goes requested → debited → completed, each step recorded once', () => {
    spec.given([requested()]).when(step('RecordSourceDebited')).then([debited]);
    spec.given([requested(), debited]).when(step('RecordSourceDebited')).thenNothingHappens();
    const completed = { type: 'TransferCompleted', data: { transferId: 'x-1', at: NOW, schemaVersion: 1 } };
    spec
      .given([requested(), debited])
      .when(step('RecordTargetCredited'))
      .then([completed as TransferEvent]);
    spec
      .given([requested(), debited, completed as TransferEvent])
      .when(step('RecordTargetCredited'))
      .thenNothingHappens();
  });

  it('fails without compensation when the source refuses the debit', () => {
    spec
      .given([requested()])
      .when(step('RecordDebitRefused', { code: 'BUCKET.INSUFFICIENT_BALANCE', reason: 'no money' }))
      .then([
        {
          type: 'TransferFailed',
          data: {
            transferId: 'x-1',
            at: NOW,
            code: 'BUCKET.INSUFFICIENT_BALANCE',
            reason: 'no money',
            refunded: false,
            schemaVersion: 1,
          },
        },
      ]);
  });

  it('compensates a refused credit and fails only once the source is refunded', () => {
    spec.given([requested(), debited]).when(step('RecordCreditRefused')).then([compensating]);
    spec
      .given([requested(), debited, compensating])
      .when(step('RecordSourceRefunded'))
      .then([
        {
          type: 'TransferFailed',
          data: {
            transferId: 'x-1',
            at: NOW,
            code: 'BUCKET.SUSPENDED',
            reason: 'suspended',
            refunded: true,
            schemaVersion: 1,
          },
        },
      ]);
  });

  it('refuses steps out of order', () => {
    spec.given([requested()]).when(step('RecordTargetCredited')).thenThrows('TRANSFER.INVALID_TRANSITION');
    spec.given([requested()]).when(step('RecordSourceRefunded')).thenThrows('TRANSFER.INVALID_TRANSITION');
    spec.given([]).when(step('RecordSourceDebited')).thenThrows('TRANSFER.NOT_FOUND');
  });
});

/**
 * The process run purely against the two buckets' deciders, with crashes: after any step the
 * runner may lose its memory and start again from the streams, as a restarted process would. The
 * money on both buckets plus the costs collected never changes, and no transfer stays half done.
 */
describe('a transfer driven to the end through crashes', () => {
  type Streams = { 'b-1': BucketEvent[]; 'b-2': BucketEvent[]; transfer: TransferEvent[] };
  const onBucket = (streams: Streams, id: 'b-1' | 'b-2', command: BucketCommand) => {
    const events = decide(foldBucket(streams[id]), command);
    streams[id].push(...events);
  };
  const record = (streams: Streams, command: TransferCommand) => {
    streams.transfer.push(...decideTransfer(foldTransfer(streams.transfer), command));
  };

  /**
   * One step from wherever the transfer stream says the process is; false when it is final. With
   * `crash`, the bucket's step is taken but the process dies before recording it, so the next
   * resume takes the same bucket step again.
   */
  function resume(streams: Streams, crash: boolean): boolean {
    const state = foldTransfer(streams.transfer);
    if (state.status === 'none' || isFinal(state)) return false;
    const { transferId, debit, credit } = state.request;
    const attempt = (
      id: 'b-1' | 'b-2',
      command: BucketCommand,
      ok: TransferCommand,
      refused: TransferCommand['type'],
    ) => {
      try {
        onBucket(streams, id, command);
        if (!crash) record(streams, ok);
      } catch (error) {
        if (crash) return;
        const { code, message } = error as { code: string; message: string };
        record(streams, {
          type: refused,
          data: { transferId, code, reason: message },
          metadata: meta,
        } as TransferCommand);
      }
    };
    const ok = (type: TransferCommand['type']) => ({ type, data: { transferId }, metadata: meta }) as TransferCommand;
    if (state.status === 'requested') {
      attempt(
        'b-1',
        { type: 'TransferOut', data: { bucketId: 'b-1', transferId, amount: parseQuantity(debit) }, metadata: meta },
        ok('RecordSourceDebited'),
        'RecordDebitRefused',
      );
    } else if (state.status === 'debited') {
      attempt(
        'b-2',
        { type: 'TransferIn', data: { bucketId: 'b-2', transferId, amount: parseQuantity(credit) }, metadata: meta },
        ok('RecordTargetCredited'),
        'RecordCreditRefused',
      );
    } else {
      onBucket(streams, 'b-1', { type: 'RefundTransfer', data: { bucketId: 'b-1', transferId }, metadata: meta });
      if (!crash) record(streams, ok('RecordSourceRefunded'));
    }
    return true;
  }

  const total = (streams: Streams) =>
    (['b-1', 'b-2'] as const).reduce((sum, id) => {
      const state = foldBucket(streams[id]);
      return sum + (isLive(state) ? state.amount : 0n);
    }, 0n);

  it.each([
    ['an active target', [] as BucketEvent[], 'completed', '89.5', '110'],
    ['a suspended target', [statusChanged('suspended', 'active')], 'failed', '100', '100'],
  ])('with %s: ends %s, with every unit accounted for', (_, targetHistory, status, source, target) => {
    const streams: Streams = {
      'b-1': [opened('100')],
      'b-2': [{ ...opened('100'), data: { ...opened('100').data, bucketId: 'b-2' } }, ...targetHistory],
      transfer: [],
    };
    record(streams, request({ transferCost: eur('0.5') }));
    const before = total(streams);
    // Every step crashes once before it is recorded; each resume starts from the streams alone.
    let steps = 0;
    while (resume(streams, steps % 2 === 0) && steps < 20) {
      steps++;
      record(streams, request({ transferCost: eur('0.5') }));
    }
    expect(steps).toBeGreaterThanOrEqual(4);
    const state = foldTransfer(streams.transfer);
    expect(state.status).toBe(status);
    const amounts = (['b-1', 'b-2'] as const).map((id) => {
      const s = foldBucket(streams[id]);
      return isLive(s) ? formatAmount(s.amount) : 'gone';
    });
    expect(amounts).toEqual([source, target]);
    const cost = status === 'completed' ? 500_000n : 0n;
    expect(total(streams) + cost).toBe(before);
  });
});
