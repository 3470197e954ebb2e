import type { BucketCommand, CommandMetadata } from '@ledger/domain';
import type { Clock } from '../ports/clock.port';
import type { IdGenerator } from '../ports/id-generator.port';
import type { BucketCommandHandler } from './bucket-command.handler';
import type { CommandContext, CommandIdentity, CommandOutcome } from './command-context';
import { fingerprint } from './idempotency';
import type { ReadYourWrites } from '../ports/read-your-writes.port';

/** What every bucket use case is built with: the handler, read-your-writes, the clock and ids. */
export interface BucketUseCaseOptions {
  handler: BucketCommandHandler;
  readYourWrites: ReadYourWrites;
  readYourWritesTimeoutMs: number;
  clock: Clock;
  ids: IdGenerator;
}

/**
 * The metadata every use case stamps on its command. Keys are scoped per client: two clients
 * that pick the same Idempotency-Key each get their own effect, and one never receives the
 * other's outcome. The client id is percent-encoded so that a colon in it cannot make one
 * client's scope look like another's.
 */
export function commandMetadata(clock: Clock, operation: string, ctx: CommandContext): CommandMetadata {
  const client = encodeURIComponent(ctx.actor.clientId);
  const commandId = ctx.idempotencyKey && `${client}:${operation}:${ctx.idempotencyKey}`;
  return { now: clock.now().toISOString(), correlationId: ctx.correlationId, commandId };
}

/** What the store records with the command's events: its id, the request's fingerprint, who asked. */
export function commandIdentity(
  operation: string,
  command: BucketCommand,
  body: unknown,
  ctx: CommandContext,
): CommandIdentity {
  return {
    commandId: command.metadata.commandId,
    fingerprint: ctx.idempotencyKey ? fingerprint(operation, body) : undefined,
    correlationId: ctx.correlationId,
    actor: { subject: ctx.actor.subject, clientId: ctx.actor.clientId, roles: [...ctx.actor.roles] },
  };
}

/** Read-your-writes: waits (bounded) until reads show the outcome; true if they got there in time. */
export function settle(readYourWrites: ReadYourWrites, timeoutMs: number, outcome: CommandOutcome): Promise<boolean> {
  return outcome.position ? readYourWrites.waitFor(outcome.position, timeoutMs) : Promise.resolve(true);
}
