import {
  type TransferCommand,
  type TransferEvent,
  type TransferState,
  decideTransfer,
  evolveTransfer,
  initialTransferState,
  isTransferEvent,
  transferStream,
} from '@ledger/domain';
import { type EventStore, type Position, type RecordedEvent, StreamVersionConflict } from '@ledger/event-store';
import type { CommandIdentity } from '../commands/command-context';
import { previousOutcome } from '../commands/idempotency';

/** A transfer stream after a command: its state and where a read must have got to to show it. */
export interface TransferOutcome {
  state: TransferState;
  events: TransferEvent[];
  position: Position | undefined;
}

const MAX_ATTEMPTS = 12;

/**
 * Load → decide → append with the expected revision on a transfer's own stream. Unlike a bucket,
 * a transfer stream is short and written by one process step at a time, so nothing is cached:
 * every command folds the stream afresh, and a lost race simply decides again. Each step is
 * idempotent in the decider, so a repeated step after a crash appends nothing.
 */
export class TransferCommandHandler {
  constructor(private readonly store: EventStore) {}

  async load(transferId: string): Promise<TransferOutcome & { revision: bigint | undefined }> {
    const read = await this.store.readStream(transferStream(transferId));
    const history = read.found ? read.events : [];
    return { ...fold(history), events: [], revision: history.at(-1)?.revision };
  }

  async handle(command: TransferCommand, identity: CommandIdentity): Promise<TransferOutcome> {
    const stream = transferStream(command.data.transferId);
    for (let attempt = 1; ; attempt++) {
      const read = await this.store.readStream(stream);
      const history = read.found ? read.events : [];
      const current = fold(history);
      const events = this.decide(current.state, command, history, identity);
      if (events.length === 0) return { ...current, events };
      try {
        const result = await this.store.append(
          stream,
          events.map((e) => ({ type: e.type, data: { ...e.data }, metadata: metadataOf(identity) })),
          history.at(-1)?.revision ?? 'no_stream',
          { commandId: identity.commandId, commandFingerprint: identity.fingerprint },
        );
        if (result.duplicate) continue;
        return { state: events.reduce(evolveTransfer, current.state), events, position: result.position };
      } catch (error) {
        if (!(error instanceof StreamVersionConflict) || attempt >= MAX_ATTEMPTS) throw error;
      }
    }
  }

  /** A keyed request refused for other terms is the reuse of its key: IdempotencyConflict says so. */
  private decide(
    state: TransferState,
    command: TransferCommand,
    history: RecordedEvent[],
    identity: CommandIdentity,
  ): TransferEvent[] {
    try {
      return decideTransfer(state, command);
    } catch (error) {
      previousOutcome(history, identity);
      throw error;
    }
  }
}

function metadataOf(identity: CommandIdentity) {
  return {
    correlationId: identity.correlationId,
    commandId: identity.commandId,
    commandFingerprint: identity.fingerprint,
    actor: identity.actor,
  };
}

function fold(history: RecordedEvent[]): { state: TransferState; position: Position | undefined } {
  let state = initialTransferState();
  for (const recorded of history) {
    const event = { type: recorded.type, data: recorded.data };
    if (!isTransferEvent(event)) throw new Error(`${recorded.type} (event ${recorded.id}) is not a transfer event`);
    state = evolveTransfer(state, event);
  }
  return { state, position: history.at(-1)?.position };
}
