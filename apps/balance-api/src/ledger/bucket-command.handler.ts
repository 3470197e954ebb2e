import { Inject, Injectable } from '@nestjs/common';
import { LRUCache } from 'lru-cache';
import { LEDGER_CONFIG, LedgerConfig } from '@ledger/config';
import {
  BucketCommand,
  BucketEvent,
  BucketState,
  bucketStream,
  decide,
  evolveOwned,
  initialState,
  isDomainError,
} from '@ledger/domain';
import {
  CommandIdConflict, EVENT_STORE, EventStore, Position, RecordedEvent, StreamVersionConflict,
} from '@ledger/event-store';
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

/** A bucket's stream folded up to `revision` (undefined: no stream yet), owned by this handler. */
interface FoldedStream {
  state: BucketState;
  revision: bigint | undefined;
  /** Position of the stream's last event, which a read-your-writes wait needs after a no-op. */
  position: Position | undefined;
}

/**
 * Processes racing on one bucket: the one that lost catches up and retries after a random pause
 * that doubles with each loss (capped), so a process whose own queue keeps it ready to append
 * cannot win every time. 12 losses in a row end in a 409 the client may retry.
 */
const MAX_ATTEMPTS = 12;
const MAX_BACKOFF_MS = 64;

/**
 * Decide against the bucket's folded state, append with the expected revision, and keep the folded
 * state for the next command. The store stays the authority: the expected revision refuses an
 * append from a stale state, and the handler then reads only the events it missed and decides
 * again (bounded, with jitter, so processes racing on one bucket do not collide again). Commands
 * on one bucket in this process run one at a time (KeyedQueue), so a cached state is never
 * folded by two commands at once.
 *
 * Idempotency needs no scan of the stream on the normal path: the store records the command id in
 * the append's transaction and reports a repeat. Only then, or when a keyed command is refused or
 * changes nothing, is the whole stream read to answer with the first execution's outcome; that is
 * what keeps the retry of a debit that succeeded from being refused for lack of balance.
 */
@Injectable()
export class BucketCommandHandler {
  private readonly queue = new KeyedQueue();
  private readonly folded: LRUCache<string, FoldedStream> | undefined;

  constructor(@Inject(EVENT_STORE) private readonly store: EventStore, @Inject(LEDGER_CONFIG) config: LedgerConfig) {
    this.folded = config.commandCacheBuckets > 0 ? new LRUCache({ max: config.commandCacheBuckets }) : undefined;
  }

  handle(bucketId: string, command: BucketCommand, identity: CommandIdentity): Promise<CommandOutcome> {
    return this.queue.run(bucketId, () => this.decideAndAppend(bucketStream(bucketId), command, identity));
  }

  private async decideAndAppend(stream: string, command: BucketCommand, identity: CommandIdentity): Promise<CommandOutcome> {
    for (let attempt = 1; ; attempt++) {
      const cached = this.folded?.get(stream);
      const current = cached ?? (await this.load(stream));
      // Only an append is checked by the store; a refusal or a no-op decided on a remembered state
      // is confirmed first, since another process may have changed the bucket since.
      const stale = async () => cached !== undefined && attempt < MAX_ATTEMPTS && this.catchUp(stream, current);
      let events: BucketEvent[];
      try {
        events = decide(current.state, command);
      } catch (error) {
        if (!isDomainError(error)) throw error;
        if (await stale()) continue;
        const earlier = identity.commandId ? await this.earlierOutcome(stream, identity) : undefined;
        if (earlier) return earlier;
        throw error;
      }
      if (events.length === 0) {
        if (await stale()) continue;
        return (identity.commandId && (await this.earlierOutcome(stream, identity)))
          || { events: [], position: current.position, duplicate: false };
      }
      try {
        const result = await this.store.append(stream, events.map((e) => ({
          type: e.type,
          data: e.data as unknown as Record<string, unknown>,
          metadata: { correlationId: identity.correlationId, commandId: identity.commandId, commandFingerprint: identity.fingerprint, actor: identity.actor },
        })), current.revision ?? 'no_stream', { commandId: identity.commandId, commandFingerprint: identity.fingerprint });
        if (result.duplicate) {
          // The key was recorded by an earlier execution (here or in another process).
          const earlier = await this.earlierOutcome(stream, identity);
          if (earlier) return earlier;
          if (attempt < MAX_ATTEMPTS) continue;
          throw new Error(`the store holds command ${identity.commandId} as recorded, but not its events in ${stream}`);
        }
        this.remember(stream, {
          state: events.reduce(evolveOwned, current.state),
          revision: result.nextRevision,
          position: result.position,
        });
        return { events, position: result.position, duplicate: false };
      } catch (error) {
        // Recorded with another request: earlierOutcome throws IdempotencyConflict if it was on this bucket.
        if (error instanceof CommandIdConflict) await this.earlierOutcome(stream, identity);
        if (!(error instanceof StreamVersionConflict)) {
          // Unknown whether the append went through (a timeout after commit, say): fold afresh next time.
          this.folded?.delete(stream);
          throw error;
        }
        if (attempt >= MAX_ATTEMPTS) throw error;
        // Another process appended to this bucket: fold what it wrote, then decide again.
        if (!(await this.catchUp(stream, current))) this.folded?.delete(stream);
        await new Promise((r) => setTimeout(r, Math.random() * Math.min(MAX_BACKOFF_MS, 2 ** attempt)));
      }
    }
  }

  private async load(stream: string): Promise<FoldedStream> {
    const read = await this.store.readStream(stream);
    return this.remember(stream, fold(read.found ? read.events : []));
  }

  /** Folds the events after `folded.revision` into it; true if there were any. */
  private async catchUp(stream: string, folded: FoldedStream): Promise<boolean> {
    const read = await this.store.readStream(stream, { from: folded.revision === undefined ? 'start' : folded.revision + 1n });
    if (!read.found || read.events.length === 0) return false;
    this.remember(stream, fold(read.events, folded.state));
    return true;
  }

  private remember(stream: string, folded: FoldedStream): FoldedStream {
    this.folded?.set(stream, folded);
    return folded;
  }

  /**
   * The first execution of this keyed command, read from the whole stream (which also refolds the
   * cached state: we only get here when the cache may have missed something). Throws
   * IdempotencyConflict when the key came with a different request.
   */
  private async earlierOutcome(stream: string, identity: CommandIdentity): Promise<CommandOutcome | undefined> {
    const read = await this.store.readStream(stream);
    const history = read.found ? read.events : [];
    this.remember(stream, fold(history));
    return previousOutcome(history, identity);
  }
}

/** Folds stored events onto `from`, which the caller gives up (it is extended in place). */
function fold(events: RecordedEvent[], from: BucketState = initialState()): FoldedStream {
  const state = events.reduce((s, e) => evolveOwned(s, { type: e.type, data: e.data } as unknown as BucketEvent), from);
  return { state, revision: events.at(-1)?.revision, position: events.at(-1)?.position };
}

export { IdempotencyConflict };
