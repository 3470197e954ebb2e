import { LRUCache } from 'lru-cache';
import {
  type BucketCommand,
  type BucketEvent,
  type BucketState,
  type DomainError,
  bucketStream,
  decide,
  evolveOwned,
  initialState,
  isBucketEvent,
  isDomainError,
} from '@ledger/domain';
import {
  CommandIdConflict,
  type EventStore,
  type NewEvent,
  type Position,
  type RecordedEvent,
  StreamVersionConflict,
} from '@ledger/event-store';
import type { CommandIdentity, CommandOutcome } from './command-context';
import { previousOutcome } from './idempotency';
import { KeyedQueue } from './keyed-queue';

/** A bucket's stream folded up to `revision` (undefined: no stream yet), owned by this handler. */
interface FoldedStream {
  state: BucketState;
  revision: bigint | undefined;
  /** Position of the stream's last event, which a read-your-writes wait needs after a no-op. */
  position: Position | undefined;
}

type Decision = { kind: 'append'; events: BucketEvent[] } | { kind: 'no-op' } | { kind: 'refused'; error: DomainError };

/** What an append attempt left to do: answer, decide again at once, or decide again after a pause. */
type AppendStep = CommandOutcome | 'decide-again' | 'back-off';

/**
 * Processes racing on one bucket: the one that lost catches up and retries after a random pause
 * that doubles with each loss (capped), so a process whose own queue keeps it ready to append
 * cannot win every time. 12 losses in a row end in a 409 the client may retry.
 */
export const MAX_ATTEMPTS = 12;
const MAX_BACKOFF_MS = 64;

export interface BucketCommandHandlerOptions {
  /** Buckets whose folded state is remembered between commands; 0 folds every command afresh. */
  cacheBuckets: number;
}

/**
 * Load or remember → decide → append with the expected revision, with bounded retry. The store
 * stays the authority: the expected revision refuses an append from a stale state, and only an
 * append is checked by the store, so a refusal or no-op decided on a remembered state is confirmed
 * against the stream first. Commands on one bucket in this process run one at a time
 * (KeyedQueue), so a remembered state is never folded by two commands at once.
 *
 * Idempotency needs no scan of the stream on the normal path: the store records the command id in
 * the append's transaction and reports a repeat. Only then, or when a keyed command is refused or
 * changes nothing, is the whole stream read to recover the first execution's outcome; that is
 * what keeps the retry of a debit that succeeded from being refused for lack of balance.
 */
export class BucketCommandHandler {
  private readonly queue = new KeyedQueue();
  private readonly folded: LRUCache<string, FoldedStream> | undefined;

  constructor(
    private readonly store: EventStore,
    options: BucketCommandHandlerOptions,
  ) {
    this.folded = options.cacheBuckets > 0 ? new LRUCache({ max: options.cacheBuckets }) : undefined;
  }

  handle(bucketId: string, command: BucketCommand, identity: CommandIdentity): Promise<CommandOutcome> {
    return this.queue.run(bucketId, () => this.execute(bucketStream(bucketId), command, identity));
  }

  private async execute(stream: string, command: BucketCommand, identity: CommandIdentity): Promise<CommandOutcome> {
    for (let attempt = 1; ; attempt++) {
      const remembered = this.folded?.get(stream);
      const current = remembered ?? (await this.load(stream));
      const decision = decideOn(current.state, command);
      if (decision.kind !== 'append') {
        if (remembered && attempt < MAX_ATTEMPTS && (await this.catchUp(stream, current))) continue;
        return this.answerUnappended(stream, decision, current, identity);
      }
      const step = await this.append(stream, current, decision.events, identity, attempt);
      if (step === 'back-off') await pause(attempt);
      else if (step !== 'decide-again') return step;
    }
  }

  /** A refusal or a no-op, confirmed on the latest state: a keyed retry answers with its first outcome. */
  private async answerUnappended(
    stream: string,
    decision: Exclude<Decision, { kind: 'append' }>,
    current: FoldedStream,
    identity: CommandIdentity,
  ): Promise<CommandOutcome> {
    const earlier = identity.commandId ? await this.recoverEarlierOutcome(stream, identity) : undefined;
    if (earlier) return earlier;
    if (decision.kind === 'refused') throw decision.error;
    return { events: [], position: current.position, duplicate: false };
  }

  private async append(
    stream: string,
    current: FoldedStream,
    events: BucketEvent[],
    identity: CommandIdentity,
    attempt: number,
  ): Promise<AppendStep> {
    try {
      const result = await this.store.append(
        stream,
        events.map((e) => newEvent(e, identity)),
        current.revision ?? 'no_stream',
        {
          commandId: identity.commandId,
          commandFingerprint: identity.fingerprint,
        },
      );
      if (result.duplicate) return await this.answerRecordedCommand(stream, identity, attempt);
      this.remember(stream, {
        state: events.reduce(evolveOwned, current.state),
        revision: result.nextRevision,
        position: result.position,
      });
      return { events, position: result.position, duplicate: false };
    } catch (error) {
      return this.appendFailed(stream, current, identity, error, attempt);
    }
  }

  /** The store holds this command id already (recorded here or by another process). */
  private async answerRecordedCommand(stream: string, identity: CommandIdentity, attempt: number): Promise<AppendStep> {
    const earlier = await this.recoverEarlierOutcome(stream, identity);
    if (earlier) return earlier;
    if (attempt < MAX_ATTEMPTS) return 'decide-again';
    throw new Error(`the store holds command ${identity.commandId} as recorded, but not its events in ${stream}`);
  }

  private async appendFailed(
    stream: string,
    current: FoldedStream,
    identity: CommandIdentity,
    error: unknown,
    attempt: number,
  ): Promise<AppendStep> {
    // Recorded with another request: recovery throws IdempotencyConflict if it was on this bucket.
    if (error instanceof CommandIdConflict) await this.recoverEarlierOutcome(stream, identity);
    if (!(error instanceof StreamVersionConflict)) {
      // Unknown whether the append went through (a timeout after commit, say): fold afresh next time.
      this.folded?.delete(stream);
      throw error;
    }
    if (attempt >= MAX_ATTEMPTS) throw error;
    // Another process appended to this bucket: fold what it wrote, then decide again.
    if (!(await this.catchUp(stream, current))) this.folded?.delete(stream);
    return 'back-off';
  }

  private async load(stream: string): Promise<FoldedStream> {
    const read = await this.store.readStream(stream);
    return this.remember(stream, fold(read.found ? read.events : []));
  }

  /** Folds the events after `folded.revision` into it; true if there were any. */
  private async catchUp(stream: string, folded: FoldedStream): Promise<boolean> {
    const from = folded.revision === undefined ? 'start' : folded.revision + 1n;
    const read = await this.store.readStream(stream, { from });
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
   * remembered state: we only get here when it may have missed something). Throws
   * IdempotencyConflict when the key came with a different request.
   */
  private async recoverEarlierOutcome(stream: string, identity: CommandIdentity): Promise<CommandOutcome | undefined> {
    const read = await this.store.readStream(stream);
    const history = read.found ? read.events : [];
    this.remember(stream, fold(history));
    return previousOutcome(history, identity);
  }
}

function decideOn(state: BucketState, command: BucketCommand): Decision {
  try {
    const events = decide(state, command);
    return events.length === 0 ? { kind: 'no-op' } : { kind: 'append', events };
  } catch (error) {
    if (!isDomainError(error)) throw error;
    return { kind: 'refused', error };
  }
}

function newEvent(event: BucketEvent, identity: CommandIdentity): NewEvent {
  return {
    type: event.type,
    data: { ...event.data },
    metadata: {
      correlationId: identity.correlationId,
      commandId: identity.commandId,
      commandFingerprint: identity.fingerprint,
      actor: identity.actor,
    },
  };
}

/** Folds stored events onto `from`, which the caller gives up (it is extended in place). */
function fold(events: RecordedEvent[], from: BucketState = initialState()): FoldedStream {
  let state = from;
  for (const recorded of events) {
    const event = { type: recorded.type, data: recorded.data };
    if (!isBucketEvent(event)) throw new Error(`${recorded.type} (event ${recorded.id}) is not a bucket event`);
    state = evolveOwned(state, event);
  }
  return { state, revision: events.at(-1)?.revision, position: events.at(-1)?.position };
}

function pause(attempt: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, Math.random() * Math.min(MAX_BACKOFF_MS, 2 ** attempt)));
}
