import { v5 as uuidv5 } from 'uuid';
import {
  type BucketCommand,
  type BucketEvent,
  type CommandMetadata,
  bucketStream,
  foldBucket,
  isBucketEvent,
  isLive,
  type LiveBucket,
} from '@ledger/domain';
import type { EventStore } from '@ledger/event-store';
import type { Doc } from '@ledger/ledger-projection';
import type { BucketCommandHandler } from '../commands/bucket-command.handler';
import type { CommandContext, CommandOutcome } from '../commands/command-context';
import { type BucketUseCaseOptions, commandIdentity, commandMetadata, settle } from '../commands/command-identity';
import type { Clock } from '../ports/clock.port';
import { deductionFromEvents, reservationFromEvents, reservationFromState } from './charging-answer';
import type {
  DeductBalanceInput,
  ExtendReservationInput,
  ReserveBalanceInput,
  UnreserveBalanceInput,
} from './charging-inputs';
import {
  deductBalanceCommand,
  extendReservationCommand,
  reserveBalanceCommand,
  unreserveBalanceCommand,
} from './charging-mappers';

/** Namespace of the reservation and deduction ids derived from a keyed command's id. */
const KEYED_CHARGE_NAMESPACE = '0f6c2d1e-8b4a-4e37-9c52-7a1d3e5b9f60';

export interface ChargingCommandsOptions extends BucketUseCaseOptions {
  /** Reservations are read from the bucket's stream, not from the read model. */
  store: EventStore;
  reservationDefaultTtlSeconds: number;
}

/**
 * Reserve, extend, unreserve and deduct, with the same idempotency as topups: the Idempotency-Key
 * is scoped per client and operation and recorded with the append. The client's `id` names the
 * reservation or deduction; without it a keyed request derives its id from the key, so a retry
 * reaches the same one, and an unkeyed request gets a fresh id.
 */
export class ChargingCommands {
  constructor(private readonly options: ChargingCommandsOptions) {}

  async reserve(input: ReserveBalanceInput, ctx: CommandContext): Promise<Doc> {
    const metadata = this.metadata('reservation', ctx);
    const now = this.options.clock.now();
    const expiresAt =
      input.expiresAt ?? new Date(now.getTime() + this.options.reservationDefaultTtlSeconds * 1000).toISOString();
    const reservationId = input.id ?? this.chargeId(metadata);
    const command = reserveBalanceCommand(input, reservationId, expiresAt, metadata);
    const outcome = await this.run(input.bucket.id, 'reservation', command, input, ctx);
    return this.reservationAnswer(outcome, input.bucket.id, reservationId);
  }

  async extend(input: ExtendReservationInput, ctx: CommandContext): Promise<Doc> {
    const command = extendReservationCommand(input, this.metadata('reservation-extension', ctx));
    const outcome = await this.run(input.bucket.id, 'reservation-extension', command, input, ctx);
    return this.reservationAnswer(outcome, input.bucket.id, input.reservationId);
  }

  async unreserve(input: UnreserveBalanceInput, ctx: CommandContext): Promise<Doc> {
    const command = unreserveBalanceCommand(input, this.metadata('unreservation', ctx));
    const outcome = await this.run(input.bucket.id, 'unreservation', command, input, ctx);
    return this.reservationAnswer(outcome, input.bucket.id, input.reservationId);
  }

  async deduct(input: DeductBalanceInput, ctx: CommandContext): Promise<Doc> {
    const metadata = this.metadata('deduction', ctx);
    const deductionId = input.id ?? this.chargeId(metadata);
    const command = deductBalanceCommand(input, deductionId, metadata);
    const outcome = await this.run(input.bucket.id, 'deduction', command, input, ctx);
    await this.settle(outcome);
    return deductionFromEvents(outcome.events) ?? { id: deductionId, bucket: { id: input.bucket.id } };
  }

  /** A reservation from its bucket's stream; undefined when the bucket or the reservation is unknown. */
  async reservation(bucketId: string, reservationId: string): Promise<Doc | undefined> {
    const bucket = await this.liveBucket(bucketId);
    return bucket && reservationFromState(bucket, reservationId, this.options.clock.now().getTime());
  }

  /** Every reservation the bucket ever held, oldest first; undefined when the bucket is unknown. */
  async reservations(bucketId: string): Promise<Doc[] | undefined> {
    const bucket = await this.liveBucket(bucketId);
    if (!bucket) return undefined;
    const nowMs = this.options.clock.now().getTime();
    return [...bucket.reservations.keys()].map((id) => reservationFromState(bucket, id, nowMs) as Doc);
  }

  private async liveBucket(bucketId: string): Promise<LiveBucket | undefined> {
    const read = await this.options.store.readStream(bucketStream(bucketId));
    const events: BucketEvent[] = [];
    for (const e of read.found ? read.events : []) {
      const event = { type: e.type, data: e.data };
      if (isBucketEvent(event)) events.push(event);
    }
    const state = foldBucket(events);
    return isLive(state) ? state : undefined;
  }

  private chargeId(metadata: CommandMetadata): string {
    return metadata.commandId ? uuidv5(metadata.commandId, KEYED_CHARGE_NAMESPACE) : this.options.ids.newId();
  }

  /** A command that changed nothing (a retry without a key) answers with the reservation as it stands. */
  private async reservationAnswer(outcome: CommandOutcome, bucketId: string, reservationId: string): Promise<Doc> {
    await this.settle(outcome);
    const folded = outcome.events.length > 0 ? reservationFromEvents(outcome.events) : undefined;
    return (
      folded ?? (await this.reservation(bucketId, reservationId)) ?? { id: reservationId, bucket: { id: bucketId } }
    );
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

  private async settle(outcome: CommandOutcome): Promise<void> {
    await settle(this.options.readYourWrites, this.options.readYourWritesTimeoutMs, outcome);
  }
}

/** The scheduler's command id: one release per reservation, however many schedulers race on it. */
export function reservationExpiryCommandId(bucketId: string, reservationId: string): string {
  return `reservation-expiry:${bucketId}:${reservationId}`;
}

/** Releases a reservation past its expiry; a stale candidate (extended, captured, released) changes nothing. */
export function expireReservation(
  handler: BucketCommandHandler,
  clock: Clock,
  target: { bucketId: string; reservationId: string },
): Promise<CommandOutcome> {
  const commandId = reservationExpiryCommandId(target.bucketId, target.reservationId);
  const metadata = { now: clock.now().toISOString(), correlationId: commandId, commandId };
  const command: BucketCommand = { type: 'ExpireReservation', data: target, metadata };
  const actor = { subject: 'reservation-expiry', clientId: 'ledger-projector', roles: [] };
  return handler.handle(target.bucketId, command, { commandId, correlationId: commandId, actor });
}
