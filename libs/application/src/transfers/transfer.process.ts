import {
  type BucketCommand,
  type CommandMetadata,
  type TransferCommand,
  type TransferState,
  isDomainError,
  isFinal,
  parseQuantity,
} from '@ledger/domain';
import type { EventActor } from '@ledger/event-store';
import type { BucketCommandHandler } from '../commands/bucket-command.handler';
import { keyedBucketId } from '../commands/bucket-targeting';
import type { CommandContext, CommandIdentity } from '../commands/command-context';
import type { ReadYourWrites } from '../ports/read-your-writes.port';
import { fingerprint } from '../commands/idempotency';
import { KeyedQueue } from '../commands/keyed-queue';
import type { Clock } from '../ports/clock.port';
import type { IdGenerator } from '../ports/id-generator.port';
import type { TransferCommandHandler, TransferOutcome } from './transfer-command.handler';
import type { PendingTransfers, RequestTransferInput } from './transfer-inputs';

export interface TransferProcessOptions {
  transfers: TransferCommandHandler;
  buckets: BucketCommandHandler;
  clock: Clock;
  ids: IdGenerator;
  pending?: PendingTransfers;
  readYourWrites?: ReadYourWrites;
  readYourWritesTimeoutMs?: number;
  /** Told of a pending transfer that could not be resumed this time (it is tried again later). */
  onResumeFailure?: (transferId: string, error: unknown) => void;
}

/** A transfer command before the process stamps its metadata. */
type Unstamped = {
  [K in TransferCommand['type']]: Omit<Extract<TransferCommand, { type: K }>, 'metadata'>;
}[TransferCommand['type']];

/** Who the steps of a resumed transfer are recorded as: the process itself, not a caller. */
const PROCESS_ACTOR: EventActor = { subject: 'transfer-process', clientId: 'ledger', roles: [] };
/** A transfer takes at most three bucket steps; more rounds than this mean someone else moves it too. */
const MAX_ROUNDS = 8;

/**
 * A transfer as a process over three streams, driven from its own stream's state only: each round
 * takes the bucket step the state calls for, under a deterministic command id, then records it.
 * A crash between the two leaves the step taken but unrecorded; the next drive takes it again,
 * which the bucket decides as already applied (once per transfer id), and records it then.
 */
export class TransferProcess {
  private readonly queue = new KeyedQueue();

  constructor(private readonly options: TransferProcessOptions) {}

  /** Records the request (a keyed retry names the same transfer), then drives it as far as it goes. */
  async request(input: RequestTransferInput, ctx: CommandContext): Promise<TransferOutcome> {
    const client = encodeURIComponent(ctx.actor.clientId);
    const commandId = ctx.idempotencyKey && `${client}:transfer:${ctx.idempotencyKey}`;
    const transferId = commandId ? keyedBucketId(commandId) : this.options.ids.newId();
    const command: TransferCommand = {
      type: 'RequestTransfer',
      data: {
        transferId,
        sourceBucketId: input.sourceBucketId,
        targetBucketId: input.targetBucketId,
        amount: parseQuantity(input.amount),
        transferCost: input.transferCost && parseQuantity(input.transferCost),
        costOwner: input.costOwner,
        requestor: input.requestor,
        description: input.description,
      },
      metadata: this.metadata(commandId, ctx.correlationId),
    };
    const actor = { subject: ctx.actor.subject, clientId: ctx.actor.clientId, roles: [...ctx.actor.roles] };
    await this.options.transfers.handle(command, {
      commandId,
      fingerprint: commandId ? fingerprint('transfer', input) : undefined,
      correlationId: ctx.correlationId,
      actor,
    });
    return this.drive(transferId, actor);
  }

  /** Takes the transfer to a final status; one drive at a time per transfer in this process. */
  drive(transferId: string, actor: EventActor = PROCESS_ACTOR): Promise<TransferOutcome> {
    return this.queue.run(transferId, async () => {
      for (let round = 0; ; round++) {
        const current = await this.options.transfers.load(transferId);
        if (current.state.status === 'none' || isFinal(current.state) || round >= MAX_ROUNDS) {
          await this.settle(current);
          return current;
        }
        await this.step(current.state, actor);
      }
    });
  }

  /**
   * Drives every transfer a crash left unfinished, `concurrency` at a time; one failing transfer
   * does not stop the others (it stays pending and the next sweep tries it again).
   */
  async resumePending(
    quietMs: number,
    options: { limit?: number; concurrency?: number; onFound?: (count: number) => void } = {},
  ): Promise<{ resumed: number; failed: number }> {
    const ids = (await this.options.pending?.pendingTransferIds(quietMs, options.limit ?? 500)) ?? [];
    if (ids.length > 0) options.onFound?.(ids.length);
    let failed = 0;
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < ids.length) {
        const id = ids[next++];
        try {
          await this.drive(id);
        } catch (error) {
          failed++;
          this.options.onResumeFailure?.(id, error);
        }
      }
    };
    await Promise.all(Array.from({ length: Math.max(1, options.concurrency ?? 1) }, worker));
    return { resumed: ids.length - failed, failed };
  }

  private async step(state: TransferState, actor: EventActor): Promise<void> {
    if (state.status === 'none') return;
    const { transferId, sourceBucketId, targetBucketId, debit, credit } = state.request;
    if (state.status === 'requested') {
      const out = { bucketId: sourceBucketId, transferId, amount: parseQuantity(debit) };
      const refusal = await this.onBucket('debit', { type: 'TransferOut', data: out }, actor);
      if (refusal) await this.record({ type: 'RecordDebitRefused', data: { transferId, ...refusal } }, actor);
      else await this.recordDebit(transferId, sourceBucketId, actor);
    } else if (state.status === 'debited') {
      const into = { bucketId: targetBucketId, transferId, amount: parseQuantity(credit) };
      const refusal = await this.onBucket('credit', { type: 'TransferIn', data: into }, actor);
      const credited = refusal === undefined || !(await this.declined(transferId, targetBucketId, actor));
      const recorded: Unstamped = credited
        ? { type: 'RecordTargetCredited', data: { transferId } }
        : { type: 'RecordCreditRefused', data: { transferId, ...(refusal as { code: string; reason: string }) } };
      await this.record(recorded, actor);
    } else if (state.status === 'compensating') {
      await this.refund(state.request.transferId, sourceBucketId, actor);
      await this.record({ type: 'RecordSourceRefunded', data: { transferId } }, actor);
    }
  }

  /**
   * Two drivers of one transfer in two processes (a client's retry and the resumer) may see the
   * debit refused and taken: if the refusal was recorded first, the transfer failed without
   * debit, and the debit this driver took is given back at once rather than left destroyed.
   */
  private async recordDebit(transferId: string, sourceBucketId: string, actor: EventActor): Promise<void> {
    try {
      await this.record({ type: 'RecordSourceDebited', data: { transferId } }, actor);
    } catch (error) {
      if (!isDomainError(error) || error.code !== 'TRANSFER.INVALID_TRANSITION') throw error;
      const now = await this.options.transfers.load(transferId);
      if (now.state.status === 'failed' && !now.state.debited) await this.refund(transferId, sourceBucketId, actor);
    }
  }

  /**
   * A refused credit is compensated only once the target has declined the transfer on its own
   * stream, which orders the decline against any credit: another driver (a client's retry, the
   * resumer) whose credit lands first makes the decline refuse, and this one records the credit
   * instead. So a transfer is never both credited and refunded, however its drivers race. A target
   * that no longer exists can never be credited, so its refusal stands as a decline.
   */
  private async declined(transferId: string, bucketId: string, actor: EventActor): Promise<boolean> {
    const refusal = await this.onBucket('decline', { type: 'DeclineTransfer', data: { bucketId, transferId } }, actor);
    if (refusal === undefined || refusal.code === 'BUCKET.NOT_FOUND') return true;
    if (refusal.code === 'TRANSFER.ALREADY_CREDITED') return false;
    throw new Error(`decline of transfer ${transferId} refused: ${refusal.code} ${refusal.reason}`);
  }

  private async refund(transferId: string, bucketId: string, actor: EventActor): Promise<void> {
    const refusal = await this.onBucket('refund', { type: 'RefundTransfer', data: { bucketId, transferId } }, actor);
    // A refund is never refused for the bucket's status; anything else must stop the process here.
    if (refusal) throw new Error(`refund of transfer ${transferId} refused: ${refusal.code} ${refusal.reason}`);
  }

  /** Runs one bucket leg; a domain refusal is returned (the process records it), anything else thrown. */
  private async onBucket(
    leg: 'debit' | 'credit' | 'refund' | 'decline',
    command: Omit<BucketCommand, 'metadata'>,
    actor: EventActor,
  ): Promise<{ code: string; reason: string } | undefined> {
    const data = command.data as { bucketId: string; transferId: string };
    const commandId = `transfer:${data.transferId}:${leg}`;
    const identity: CommandIdentity = {
      commandId,
      // The transfer id fixes the amount: bucket and transfer identify the leg's request.
      fingerprint: fingerprint(`transfer:${leg}`, { bucketId: data.bucketId, transferId: data.transferId }),
      correlationId: `transfer:${data.transferId}`,
      actor,
    };
    const full = { ...command, metadata: this.metadata(commandId, identity.correlationId) } as BucketCommand;
    try {
      await this.options.buckets.handle(data.bucketId, full, identity);
      return undefined;
    } catch (error) {
      if (!isDomainError(error)) throw error;
      return { code: error.code, reason: error.message };
    }
  }

  private async record(command: Unstamped, actor: EventActor): Promise<void> {
    const transferId = command.data.transferId;
    const full = { ...command, metadata: this.metadata() } as TransferCommand;
    await this.options.transfers.handle(full, { correlationId: `transfer:${transferId}`, actor });
  }

  private metadata(commandId?: string, correlationId?: string): CommandMetadata {
    return { now: this.options.clock.now().toISOString(), commandId, correlationId };
  }

  private async settle(outcome: TransferOutcome): Promise<void> {
    const { readYourWrites, readYourWritesTimeoutMs = 0 } = this.options;
    if (readYourWrites && outcome.position) await readYourWrites.waitFor(outcome.position, readYourWritesTimeoutMs);
  }
}
