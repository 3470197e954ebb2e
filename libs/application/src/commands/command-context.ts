import type { Actor } from '@ledger/auth';
import type { EventActor, Position } from '@ledger/event-store';

/** What an entry point (HTTP, CLI, scheduler) knows about who asks and how to recognise a retry. */
export interface CommandContext {
  /** The caller's Idempotency-Key; scoped per client and operation before it becomes a command id. */
  idempotencyKey?: string;
  correlationId: string;
  /** The authenticated caller: recorded in every event the command appends. */
  actor: Actor;
}

/** A command's identity as the store records it with the command's events. */
export interface CommandIdentity {
  /** Scoped Idempotency-Key (`client:operation:key`), recorded atomically with the events. */
  commandId?: string;
  /** Hash of the request that the key was first used with. */
  fingerprint?: string;
  correlationId: string;
  actor: EventActor;
}

/** One event a command produced: what the decision said, before or after it was recorded. */
export interface OutcomeEvent {
  type: string;
  data: object;
}

export interface CommandOutcome {
  /** The events this command produced, or those of its first execution on a retry. */
  events: OutcomeEvent[];
  /** Where the read model must have got to for a read to show the outcome. */
  position: Position | undefined;
  /** True when the command had already run: `events` are the first execution's. */
  duplicate: boolean;
}
