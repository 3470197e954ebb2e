import { type BucketCommand, type CommandMetadata, domainError } from '@ledger/domain';
import type { Doc } from '@ledger/ledger-projection';
import type { LedgerQueries } from '../queries/ledger-queries';
import { type CreatedKind, createdId, createdResource } from './command-answer';
import type { CommandContext, CommandOutcome } from './command-context';
import type { AdjustBalanceInput, OpenBucketInput, TopupBalanceInput, TopupStatusInput } from './command-inputs';
import { adjustBalanceCommand, openBucketCommand, topupBalanceCommand } from './command-mappers';
import { keyedBucketId, targetBucket } from './bucket-targeting';
import { type BucketUseCaseOptions, commandIdentity, commandMetadata, settle } from './command-identity';

export interface LedgerCommandsOptions extends BucketUseCaseOptions {
  queries: LedgerQueries;
}

/**
 * The use cases every entry point calls: map the input to a domain command, resolve its bucket,
 * run it through the handler with its idempotency identity, wait until reads show it, and answer
 * with the resource as version-neutral read-model documents.
 */
export class LedgerCommands {
  constructor(private readonly options: LedgerCommandsOptions) {}

  async openBucket(input: OpenBucketInput, ctx: CommandContext): Promise<Doc> {
    const metadata = this.metadata('bucket', ctx);
    const bucketId = metadata.commandId ? keyedBucketId(metadata.commandId) : this.options.ids.newId();
    const command = openBucketCommand(input, bucketId, metadata);
    const outcome = await this.run(bucketId, 'bucket', command, input, ctx);
    return this.answer('bucket', outcome, createdId(outcome, 'bucketId') ?? bucketId);
  }

  async topup(input: TopupBalanceInput, ctx: CommandContext): Promise<Doc> {
    const target = await targetBucket(input, 'topup', (product) => this.options.queries.bucketCandidates(product));
    const command = topupBalanceCommand(input, this.options.ids.newId(), target, this.metadata('topup', ctx));
    const outcome = await this.run(target.bucketId, 'topup', command, input, ctx);
    return this.answer('topup', outcome, createdId(outcome, 'topupId'));
  }

  async adjust(input: AdjustBalanceInput, ctx: CommandContext): Promise<Doc> {
    const target = await targetBucket(input, 'adjustment', (product) => this.options.queries.bucketCandidates(product));
    const command = adjustBalanceCommand(input, this.options.ids.newId(), target, this.metadata('adjustment', ctx));
    const outcome = await this.run(target.bucketId, 'adjustment', command, input, ctx);
    return this.answer('adjustment', outcome, createdId(outcome, 'adjustmentId'));
  }

  /** Confirms or cancels a topup; undefined when no such topup exists. */
  async setTopupStatus(topupId: string, input: TopupStatusInput, ctx: CommandContext): Promise<Doc | undefined> {
    const topup = await this.options.queries.find('topup', topupId);
    if (!topup) return undefined;
    if (input.status === 'in progress') {
      if (topup.status === 'in progress') return topup;
      throw domainError(
        'TOPUP.INVALID_TRANSITION',
        `a ${String(topup.status)} topup cannot go back to in progress`,
        'status',
      );
    }
    const operation = `topup-status:${topupId}`;
    const bucketId = (topup.bucket as { id: string }).id;
    const type = input.status === 'cancelled' ? 'CancelTopup' : 'ConfirmTopup';
    const command: BucketCommand = { type, data: { bucketId, topupId }, metadata: this.metadata(operation, ctx) };
    const outcome = await this.run(bucketId, operation, command, { status: input.status }, ctx);
    await this.settle(outcome);
    return this.options.queries.find('topup', topupId);
  }

  private metadata(operation: string, ctx: CommandContext): CommandMetadata {
    return commandMetadata(this.options.clock, operation, ctx);
  }

  private run(
    bucketId: string,
    operation: string,
    command: BucketCommand,
    body: unknown,
    ctx: CommandContext,
  ): Promise<CommandOutcome> {
    return this.options.handler.handle(bucketId, command, commandIdentity(operation, command, body, ctx));
  }

  private async settle(outcome: CommandOutcome): Promise<boolean> {
    return settle(this.options.readYourWrites, this.options.readYourWritesTimeoutMs, outcome);
  }

  /**
   * Read-your-writes: wait (bounded) for the projection, so a GET after the 201 shows the write.
   * A repeated command answers from the read model, which may have moved on since the first.
   */
  private async answer(kind: CreatedKind, outcome: CommandOutcome, id: string | undefined): Promise<Doc> {
    await this.settle(outcome);
    const doc = outcome.duplicate && id !== undefined ? await this.options.queries.find(kind, id) : undefined;
    return doc ?? createdResource(kind, outcome);
  }
}
