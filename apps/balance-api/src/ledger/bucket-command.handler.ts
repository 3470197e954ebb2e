import { Inject, Injectable } from '@nestjs/common';
import {
  BucketCommand,
  BucketEvent,
  bucketStream,
  decide,
  foldBucket,
} from '@ledger/domain';
import { EVENT_STORE, EventStore, Position, RecordedEvent, StreamVersionConflict } from '@ledger/event-store';
import { IdempotencyConflict, previousOutcome } from './idempotency';
import { KeyedQueue } from './keyed-queue';

export interface CommandIdentity {
  /** Scoped Idempotency-Key (`operation:key`), recorded atomically with the events. */
  commandId?: string;
  /** Hash of the request that the key was first used with. */
  fingerprint?: string;
  correlationId: string;
  actor?: string;
}

export interface CommandOutcome {
  /** The events this command produced, or those of its first execution on a retry. */
  events: { type: string; data: object }[];
  /** Where the read model must have got to for a read to show the outcome. */
  position: Position | undefined;
  duplicate: boolean;
}

const MAX_ATTEMPTS = 8;

/** Read stream, fold, decide, append with the expected revision; retry a bounded number of times on a conflict. */
@Injectable()
export class BucketCommandHandler {
  private readonly queue = new KeyedQueue();

  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

  handle(bucketId: string, command: BucketCommand, identity: CommandIdentity): Promise<CommandOutcome> {
    return this.queue.run(bucketId, () => this.decideAndAppend(bucketStream(bucketId), command, identity));
  }

  private async decideAndAppend(stream: string, command: BucketCommand, identity: CommandIdentity): Promise<CommandOutcome> {
    for (let attempt = 1; ; attempt++) {
      const read = await this.store.readStream(stream);
      const history = read.found ? read.events : [];
      const earlier = previousOutcome(history, identity);
      if (earlier) return earlier;
      const events = decide(foldBucket(history.map(asBucketEvent)), command);
      if (events.length === 0) return { events: [], position: history.at(-1)?.position, duplicate: false };
      const expected = history.length === 0 ? 'no_stream' : history[history.length - 1].revision;
      try {
        const result = await this.store.append(stream, events.map((e) => ({
          type: e.type,
          data: e.data as unknown as Record<string, unknown>,
          metadata: { correlationId: identity.correlationId, commandId: identity.commandId, commandFingerprint: identity.fingerprint, actor: identity.actor },
        })), expected, { commandId: identity.commandId, commandFingerprint: identity.fingerprint });
        // A concurrent retry with the same key won the race: re-read to answer with its outcome.
        if (result.duplicate) continue;
        return { events, position: result.position, duplicate: false };
      } catch (error) {
        if (!(error instanceof StreamVersionConflict) || attempt >= MAX_ATTEMPTS) throw error;
        // Another process won the race: back off with jitter so the losers do not collide again.
        await new Promise((r) => setTimeout(r, Math.random() * 5 * attempt));
      }
    }
  }
}

function asBucketEvent(event: RecordedEvent): BucketEvent {
  return { type: event.type, data: event.data } as unknown as BucketEvent;
}

export { IdempotencyConflict };
