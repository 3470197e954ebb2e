import { Logger } from '@nestjs/common';
import { Client } from 'pg';
import { EventStore, Position, RecordedEvent, Subscription, comparePositions } from '@ledger/event-store';
import { AdvisoryLock } from './advisory-lock';
import { backoffDelay, cancellableDelay } from './backoff';
import {
  CheckpointStore,
  RetiredVersionError,
  StaleCheckpointError,
  checkpointError,
  positionColumns,
} from './checkpoint-store';

export interface ProjectionContext {
  /** The runner's lock session, outside any transaction: reads see every batch committed so far. */
  client: Client;
  modelVersion: number;
  /**
   * False for an event some version has certainly published already (a rebuild replaying what the
   * serving version passed). True may still be filtered by the batch statement, which alone sees
   * where the other live versions are under their locks.
   */
  publish: (event: RecordedEvent) => boolean;
  /**
   * What the projection keeps between batches of this runner. Emptied whenever a batch fails or
   * the lock is taken anew, so it only ever holds what committed batches wrote.
   */
  memory: Map<string, unknown>;
}

/**
 * A batch's writes, made by one call of the projection's SQL function `fn` in its own
 * transaction. The runner passes the checkpoint move first (projection, version, from commit,
 * from prepare, to commit, to prepare, events) and `args` after it; `fn` must call
 * projection_advance before writing and return its (published_commit, published_prepare).
 */
export interface ProjectionWrite {
  fn: string;
  args: unknown[];
}

export interface Projection {
  readonly name: string;
  apply(events: RecordedEvent[], ctx: ProjectionContext): Promise<ProjectionWrite>;
}

export interface ProjectionRunnerOptions {
  store: EventStore;
  databaseUrl: string;
  projection: Projection;
  modelVersion: number;
  batchSize?: number;
  /** Events at or before this position are folded but not published (rebuilds). */
  publishedUpTo?: Position;
  onBatch?: (info: { events: number; position: Position }) => void;
  /** The version was retired by a switch to a newer one; the runner has stopped for good. */
  onRetired?: (error: RetiredVersionError) => void;
}

/** The advisory-lock key of one projection version's single active runner (hashed with hashtextextended(key, 0)). */
export const projectionLockKey = (projection: string, modelVersion: number): string =>
  `projection:${projection}:v${modelVersion}`;

const later = (a: Position | undefined, b: Position | undefined) =>
  !a ? b : !b ? a : comparePositions(a, b) >= 0 ? a : b;

/**
 * Runs one projection version: the single active instance (advisory lock) folds each batch into
 * the read model, writes outbox rows and moves the checkpoint, all in one transaction, so a crash
 * at any point replays a batch whose writes never committed. A failed batch restarts the
 * subscription from the stored checkpoint after a backoff. While a rebuild runs beside the serving
 * version, each event is published by whichever version passes it first (see projection_advance),
 * so Kafka sees it once; a retired version can no longer write at all.
 */
export class ProjectionRunner {
  private readonly logger: Logger;
  private readonly lock: AdvisoryLock;
  private subscription: Subscription | undefined;
  private catchingUp: Promise<void> = Promise.resolve();
  private stopped = false;
  private restarts = 0;
  private backoff: { cancel: () => void } | undefined;
  /** Bumped by every start(): a failure reported by an older run (its client, its subscription) is stale. */
  private generation = 0;
  private restarting = false;
  private position: Position | 'start' = 'start';
  /** The furthest other live version, as the last batch statement saw it. */
  private publishedByOthers: Position | undefined;
  private memory = new Map<string, unknown>();

  constructor(private readonly options: ProjectionRunnerOptions) {
    const { projection, modelVersion } = options;
    this.logger = new Logger(`Projection:${projection.name}@v${modelVersion}`);
    this.lock = new AdvisoryLock(options.databaseUrl, projectionLockKey(projection.name, modelVersion), {
      onLost: (error) => this.fail(this.generation, new Error(`lost the projection lock connection: ${String(error)}`)),
    });
  }

  get holdsLock(): boolean {
    return this.lock.held;
  }

  /** Able to do its job: it holds its lock, waits for it, or backs off before taking it again. */
  get active(): boolean {
    return !this.stopped && (this.lock.held || this.lock.waitingForLock || this.restarting);
  }

  get checkpoint(): Position | 'start' {
    return this.position;
  }

  get modelVersion(): number {
    return this.options.modelVersion;
  }

  /**
   * Resolves once the lock is held and catching up has begun (or on stop). Never rejects: every
   * failure, PostgreSQL gone included, restarts the runner after a capped, jittered backoff.
   */
  async start(): Promise<void> {
    const generation = ++this.generation;
    const client = await this.lock.acquire(() => this.stopped);
    if (!client) return;
    this.logger.log('holds the projection lock; catching up');
    this.memory = new Map();
    this.publishedByOthers = undefined;
    try {
      this.position = await new CheckpointStore(client, this.options.projection.name, this.options.modelVersion).load();
    } catch (error) {
      this.fail(generation, error);
      return;
    }
    this.catchingUp = this.catchUp(client).then(
      () => this.follow(client, generation),
      (error: unknown) => this.fail(generation, error),
    );
  }

  /**
   * Far behind (a rebuild, a projector back from downtime), the work is pipelined: while one
   * batch's statement runs in PostgreSQL, the next batch is read and folded here, so the two
   * processes work at once instead of in turn. A fold may read rows back (cache misses): on the
   * same connection that query runs after the statement before it, so it sees what it wrote.
   * Batch n+1 moves the checkpoint from batch n's end: if n fails, n+1's compare-and-set fails
   * too and nothing after n is kept. It ends at the first short batch: the head.
   */
  private async catchUp(client: Client): Promise<void> {
    const size = this.batchSize;
    // Settled into values at once: a read or a write that fails while the other runs is no unhandled rejection.
    const settle = <T>(work: Promise<T>): Promise<{ value: T } | { error: unknown }> =>
      work.then(
        (value) => ({ value }),
        (error: unknown) => ({ error }),
      );
    const read = (from: Position | 'start') => settle(this.options.store.readAll(from, size));
    let next = read(this.position);
    let writing: Promise<{ value: void } | { error: unknown }> | undefined;
    let dispatched = this.position;
    const written = async () => {
      const result = await writing;
      writing = undefined;
      if (result && 'error' in result) throw result.error;
    };
    try {
      while (!this.stopped) {
        const result = await next;
        if ('error' in result) throw result.error;
        const events = result.value;
        if (events.length === size) next = read(events[events.length - 1].position);
        if (events.length > 0) {
          const write = await this.fold(client, events);
          await written();
          writing = settle(this.commit(client, events, dispatched, write));
          dispatched = events[events.length - 1].position;
        }
        if (events.length < size) break;
      }
    } catch (error) {
      await writing;
      throw error;
    }
    await written();
  }

  private follow(client: Client, generation: number): void {
    if (this.stopped || generation !== this.generation) return;
    this.subscription = this.options.store.subscribe(this.position, (batch) => this.handle(client, batch), {
      batchSize: this.batchSize,
      onError: (error) => this.fail(generation, error),
    });
  }

  private get batchSize(): number {
    return this.options.batchSize ?? 1000;
  }

  /**
   * One batch, one statement: the projection folds the events into its writes, and its SQL
   * function makes them together with the checkpoint's compare-and-set in a single transaction,
   * so a crash anywhere leaves either all of it or none. A failure empties the memory before the
   * restart, which folds the batch again from committed rows.
   */
  private async handle(client: Client, batch: RecordedEvent[]): Promise<void> {
    if (batch.length === 0) return;
    await this.commit(client, batch, this.position, await this.fold(client, batch));
  }

  private async fold(client: Client, batch: RecordedEvent[]): Promise<ProjectionWrite> {
    const { projection, modelVersion } = this.options;
    const published = later(this.options.publishedUpTo, this.publishedByOthers);
    // A lower bound while batches overlap: the statement filters again under its locks.
    const publish = (e: RecordedEvent) => published === undefined || comparePositions(e.position, published) > 0;
    try {
      return await projection.apply(batch, { client, modelVersion, publish, memory: this.memory });
    } catch (error) {
      this.memory = new Map();
      throw error;
    }
  }

  private async commit(
    client: Client,
    batch: RecordedEvent[],
    from: Position | 'start',
    write: ProjectionWrite,
  ): Promise<void> {
    const { projection, modelVersion } = this.options;
    const last = batch[batch.length - 1].position;
    try {
      this.publishedByOthers = await writeBatch(
        client,
        { projection: projection.name, modelVersion, from, to: last, events: batch.length },
        write,
      );
    } catch (error) {
      this.memory = new Map();
      throw error;
    }
    this.position = last;
    this.restarts = 0;
    this.options.onBatch?.({ events: batch.length, position: last });
  }

  /** One restart per run, whichever of its parts (lock, catch-up, subscription) noticed first. */
  private fail(generation: number, error: unknown): void {
    if (this.stopped || this.restarting || generation !== this.generation) return;
    this.restarting = true;
    this.restart(error).catch((failure: unknown) => {
      this.restarting = false;
      this.logger.error(`restart failed; the runner stays stopped: ${String(failure)}`);
    });
  }

  private async restart(error: unknown): Promise<void> {
    await this.subscription?.stop().catch(() => undefined);
    this.subscription = undefined;
    await this.lock.release();
    if (error instanceof RetiredVersionError) {
      this.logger.log(`${error.message}; stopping`);
      this.stopped = true;
      this.restarting = false;
      this.options.onRetired?.(error);
      return;
    }
    const stale = error instanceof StaleCheckpointError;
    const delay = backoffDelay(++this.restarts, { baseMs: 250, maxMs: 10_000 });
    this.logger.error(
      `batch failed${stale ? ' (another instance moved the checkpoint)' : ''}; restarting in ${delay} ms: ${String(error)}`,
    );
    const backoff = cancellableDelay(delay);
    this.backoff = backoff;
    await backoff.done;
    this.backoff = undefined;
    this.restarting = false;
    if (!this.stopped) await this.start();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.backoff?.cancel();
    this.lock.interrupt();
    await this.catchingUp;
    await this.subscription?.stop().catch(() => undefined);
    await this.lock.release();
  }
}

export interface BatchCheckpoint {
  projection: string;
  modelVersion: number;
  from: Position | 'start';
  to: Position;
  events: number;
}

/**
 * Makes a projection's writes and moves its checkpoint in one statement (one transaction when
 * the client is outside one). Returns the furthest checkpoint of the other live versions, as
 * projection_advance saw it under its locks; throws RetiredVersionError or StaleCheckpointError
 * when the checkpoint may not move.
 */
export async function writeBatch(
  client: Client,
  checkpoint: BatchCheckpoint,
  write: ProjectionWrite,
): Promise<Position | undefined> {
  if (!/^[a-z_][a-z0-9_]*$/.test(write.fn))
    throw new Error(`projection function name ${JSON.stringify(write.fn)} is not a plain identifier`);
  const placeholders = Array.from({ length: 7 + write.args.length }, (_, i) => `$${i + 1}`).join(', ');
  try {
    const {
      rows: [row],
    } = await client.query<{ published_commit: string | null; published_prepare: string | null }>({
      name: `projection/${write.fn}`,
      text: `SELECT published_commit, published_prepare FROM ${write.fn}(${placeholders})`,
      values: [
        checkpoint.projection,
        checkpoint.modelVersion,
        ...positionColumns(checkpoint.from),
        ...positionColumns(checkpoint.to),
        checkpoint.events,
        ...write.args,
      ],
    });
    return row.published_commit === null
      ? undefined
      : { commit: BigInt(row.published_commit), prepare: BigInt(row.published_prepare as string) };
  } catch (error) {
    throw checkpointError(error, checkpoint.projection, checkpoint.modelVersion);
  }
}
