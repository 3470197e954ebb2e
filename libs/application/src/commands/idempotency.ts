import { hash } from 'node:crypto';
import { canonicalJson, type RecordedEvent } from '@ledger/event-store';
import type { CommandIdentity, CommandOutcome } from './command-context';

export class IdempotencyConflict extends Error {
  readonly code = 'IDEMPOTENCY.KEY_REUSED';
  constructor(readonly key: string) {
    super(`Idempotency-Key ${key} was already used with a different request`);
    this.name = 'IdempotencyConflict';
  }
}

/** The fingerprint of a request: the same body in any key order gives the same hash. */
export function fingerprint(operation: string, body: unknown): string {
  return hash('sha256', `${operation}\0${canonicalJson(body)}`, 'hex');
}

/**
 * A retried command is recognised before deciding again, from its own stream: deciding first
 * would turn the retry of a successful debit into a spurious "insufficient balance". The event
 * store's command-id record stays the atomic backstop for two retries racing each other.
 */
export function previousOutcome(history: RecordedEvent[], identity: CommandIdentity): CommandOutcome | undefined {
  if (!identity.commandId) return undefined;
  const first = history.filter((e) => e.metadata.commandId === identity.commandId);
  if (first.length === 0) return undefined;
  if (first[0].metadata.commandFingerprint !== identity.fingerprint) throw new IdempotencyConflict(identity.commandId);
  return { events: first, position: first[first.length - 1].position, duplicate: true };
}
