import { Inject, Injectable, OnModuleDestroy } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { v5 as uuidv5 } from 'uuid';
import { Pool } from 'pg';
import { LEDGER_CONFIG, LedgerConfig } from '@ledger/config';
import { BucketCommand, domainError, parseQuantity, resolveBucket } from '@ledger/domain';
import { PG_POOL } from '@ledger/postgres';
import { Doc, ProjectionWaiter, ResourceKind, foldEvent } from '@ledger/read-model';
import { BucketCommandHandler, CommandOutcome } from './bucket-command.handler';
import { fingerprint } from './idempotency';
import { LedgerReads } from './ledger-reads.service';

/** Namespace for bucket ids derived from product + type, so racing topups open one bucket, not two. */
const BUCKET_ID_NAMESPACE = '7d3f8a52-3f0e-4b9a-9a51-3c1e7c0f6b21';

export interface RequestContext {
  idempotencyKey?: string;
  correlationId: string;
}

type Body = Record<string, unknown>;

/** Turns validated requests into domain commands, runs them, and answers with the read model's view. */
@Injectable()
export class LedgerCommands implements OnModuleDestroy {
  private readonly waiter: ProjectionWaiter;

  constructor(
    private readonly handler: BucketCommandHandler,
    private readonly reads: LedgerReads,
    @Inject(PG_POOL) pool: Pool,
    @Inject(LEDGER_CONFIG) private readonly config: LedgerConfig,
  ) {
    this.waiter = new ProjectionWaiter({ pool, databaseUrl: config.databaseUrl });
  }

  async onModuleDestroy(): Promise<void> {
    await this.waiter.close();
  }

  async openBucket(dto: object, ctx: RequestContext): Promise<Doc> {
    const body = plain(dto);
    const bucketId = randomUUID();
    const data = { ...body, bucketId, ...quantities(body, ['amount', 'reservedAmount', 'creditLimit']) };
    const outcome = await this.run(bucketId, 'bucket', { type: 'OpenBucket', data } as never, body, ctx);
    return this.answer('bucket', outcome, idOf(outcome, 'bucketId') ?? bucketId);
  }

  async topup(dto: object, ctx: RequestContext): Promise<Doc> {
    const body = plain(dto);
    const { bucketId, openIfMissing } = await this.target(body, 'topup');
    const data = { ...omit(body, ['bucket']), topupId: randomUUID(), bucketId, openIfMissing, amount: parseQuantity(body.amount) };
    const outcome = await this.run(bucketId, 'topup', { type: 'TopupBalance', data } as never, body, ctx);
    return this.answer('topup', outcome, idOf(outcome, 'topupId'));
  }

  async adjust(dto: object, ctx: RequestContext): Promise<Doc> {
    const body = plain(dto);
    const { bucketId } = await this.target(body, 'adjustment');
    const data = { ...omit(body, ['bucket']), adjustmentId: randomUUID(), bucketId, amount: parseQuantity(body.amount) };
    const outcome = await this.run(bucketId, 'adjustment', { type: 'AdjustBalance', data } as never, body, ctx);
    return this.answer('adjustment', outcome, idOf(outcome, 'adjustmentId'));
  }

  async setTopupStatus(topupId: string, status: string, ctx: RequestContext): Promise<Doc> {
    const topup = await this.reads.get('topup', topupId);
    if (status === 'in progress') {
      if (topup.status === 'in progress') return topup;
      throw domainError('TOPUP.INVALID_TRANSITION', `a ${String(topup.status)} topup cannot go back to in progress`, 'status');
    }
    const bucketId = (topup.bucket as { id: string }).id;
    const command = { type: status === 'cancelled' ? 'CancelTopup' : 'ConfirmTopup', data: { bucketId, topupId } };
    const outcome = await this.run(bucketId, `topup-status:${topupId}`, command as never, { status }, ctx);
    await this.settle(outcome);
    return this.reads.get('topup', topupId);
  }

  /**
   * A named bucket is taken as named: the decision refuses an unknown or deleted one from its own
   * stream (BUCKET.NOT_FOUND), which is authoritative where the read model may lag. Only a lookup
   * by product needs the read model's candidates.
   */
  private async target(body: Body, purpose: 'topup' | 'adjustment'): Promise<{ bucketId: string; openIfMissing?: boolean }> {
    const bucketId = (body.bucket as { id?: string } | undefined)?.id;
    if (bucketId !== undefined) return { bucketId };
    const productId = (body.product as { id?: string } | undefined)?.id;
    const type = body.type as string | undefined;
    const candidates = productId === undefined ? [] : await this.reads.bucketCandidates(productId);
    const resolution = resolveBucket({ purpose, productId, type }, candidates);
    if (resolution.kind === 'existing') return { bucketId: resolution.bucketId };
    return { bucketId: uuidv5(`${productId}\u0000${type ?? ''}`, BUCKET_ID_NAMESPACE), openIfMissing: true };
  }


  private run(bucketId: string, operation: string, command: Omit<BucketCommand, 'metadata'>, body: Body, ctx: RequestContext): Promise<CommandOutcome> {
    const metadata = { now: new Date().toISOString(), correlationId: ctx.correlationId, commandId: ctx.idempotencyKey && `${operation}:${ctx.idempotencyKey}` };
    return this.handler.handle(bucketId, { ...command, metadata } as BucketCommand, {
      commandId: metadata.commandId,
      fingerprint: ctx.idempotencyKey ? fingerprint(operation, body) : undefined,
      correlationId: ctx.correlationId,
    });
  }

  private async settle(outcome: CommandOutcome): Promise<boolean> {
    return outcome.position ? this.waiter.waitFor(outcome.position, this.config.readYourWritesTimeoutMs) : true;
  }

  /**
   * Read-your-writes: wait (bounded) for the projection, so a GET after the 201 shows the write.
   * The body is the projection's own pure fold of the command's events: a new topup, adjustment
   * or bucket is exactly what those events say, so reading the row back would only cost a query.
   * A repeated command answers from the read model instead, which may have moved on since.
   */
  private async answer(kind: ResourceKind, outcome: CommandOutcome, id: string | undefined): Promise<Doc> {
    await this.settle(outcome);
    const doc = outcome.duplicate && id !== undefined ? await this.reads.find(kind, id) : undefined;
    return doc ?? this.reads.present(kind, viewOf(kind, outcome));
  }
}

/** The read model's document for the resource the command created, folded from its events. */
function viewOf(kind: ResourceKind, outcome: CommandOutcome): Doc {
  let bucket: Doc | undefined;
  let view: Doc = {};
  for (const [i, e] of outcome.events.entries()) {
    const event = { id: `e${i}`, type: e.type, data: e.data, metadata: { recordedAt: new Date().toISOString() }, revision: 0n } as never;
    const change = foldEvent(bucket, event, kind === 'topup' ? view : undefined);
    bucket = change.bucket?.doc ?? bucket;
    view = (kind === 'bucket' ? bucket : kind === 'topup' ? change.topup?.doc : change.adjustment?.doc) ?? view;
  }
  return view;
}

function idOf(outcome: CommandOutcome, key: 'bucketId' | 'topupId' | 'adjustmentId'): string | undefined {
  return outcome.events.map((e) => (e.data as Record<string, unknown>)[key]).find((v): v is string => typeof v === 'string');
}

/** DTO instances to plain JSON: events and fingerprints hold data, not class instances. */
function plain(dto: object): Body {
  return JSON.parse(JSON.stringify(dto)) as Body;
}

function omit(body: Body, keys: string[]): Body {
  return Object.fromEntries(Object.entries(body).filter(([k]) => !keys.includes(k)));
}

function quantities(body: Body, keys: string[]): Body {
  return Object.fromEntries(keys.filter((k) => body[k] !== undefined).map((k) => [k, parseQuantity(body[k], k)]));
}
