import { Logger } from '@nestjs/common';
import { Client } from 'pg';
import { EventStore, Position, RecordedEvent, Subscription, comparePositions } from '@ledger/event-store';
import { AdvisoryLock } from './advisory-lock';
import { CheckpointStore, RetiredVersionError, StaleCheckpointError } from './checkpoint-store';

export interface ProjectionContext {
  client: Client;
  modelVersion: number;
  /** False while a rebuild replays events whose state was already published to Kafka. */
  publish: (event: RecordedEvent) => boolean;
}

export interface Projection {
  readonly name: string;
  apply(events: RecordedEvent[], ctx: ProjectionContext): Promise<void>;
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

const later = (a: Position | undefined, b: Position | undefined) => (!a ? b : !b ? a : comparePositions(a, b) >= 0 ? a : b);

/**
 * Runs one projection version: the single active instance (advisory lock) folds each batch into
 * the read model, writes outbox rows and moves the checkpoint, all in one transaction, so a crash
 * at any point replays a batch whose writes never committed. A failed batch restarts the
 * subscription from the stored checkpoint after a backoff. While a rebuild runs beside the serving
 * version, each event is published by whichever version passes it first (see lockLiveVersions),
 * so Kafka sees it once; a retired version can no longer write at all.
 */
export class ProjectionRunner {
  private readonly logger: Logger;
  private readonly lock: AdvisoryLock;
  private subscription: Subscription | undefined;
  private catchingUp: Promise<void> = Promise.resolve();
  private stopped = false;
  private restarts = 0;
  private backoff: { timer: NodeJS.Timeout; resolve: () => void } | undefined;
  private position: Position | 'start' = 'start';

  constructor(private readonly options: ProjectionRunnerOptions) {
    const { projection, modelVersion } = options;
    this.logger = new Logger(`Projection:${projection.name}@v${modelVersion}`);
    this.lock = new AdvisoryLock(options.databaseUrl, `projection:${projection.name}:v${modelVersion}`);
  }

  get holdsLock(): boolean {
    return this.lock.held;
  }

  get checkpoint(): Position | 'start' {
    return this.position;
  }

  get modelVersion(): number {
    return this.options.modelVersion;
  }

  /** Resolves once the lock is held and catching up has begun (or on stop); a failure restarts it with backoff. */
  async start(): Promise<void> {
    try {
      const client = await this.lock.acquire(() => this.stopped);
      if (!client) return;
      this.logger.log('holds the projection lock; catching up');
      const checkpoints = new CheckpointStore(client, this.options.projection.name, this.options.modelVersion);
      this.position = await checkpoints.load();
      this.catchingUp = this.catchUp(client, checkpoints).then(
        () => this.follow(client, checkpoints),
        (error: unknown) => void this.restart(error),
      );
    } catch (error) {
      void this.restart(error);
    }
  }

  /**
   * Far behind (a rebuild, a projector back from downtime), batches are read ahead: the next one
   * is fetched and parsed while this one is written. It ends at the first short batch: the head.
   */
  private async catchUp(client: Client, checkpoints: CheckpointStore): Promise<void> {
    const size = this.batchSize;
    // Settled into a value at once: a read that fails while a batch is written is no unhandled rejection.
    const read = (from: Position | 'start'): Promise<{ events: RecordedEvent[] } | { error: unknown }> =>
      this.options.store.readAll(from, size).then((events) => ({ events }), (error: unknown) => ({ error }));
    let next = read(this.position);
    while (!this.stopped) {
      const result = await next;
      if ('error' in result) throw result.error;
      const { events } = result;
      if (events.length === size) next = read(events[events.length - 1].position);
      await this.handle(client, checkpoints, events);
      if (events.length < size) return;
    }
  }

  private follow(client: Client, checkpoints: CheckpointStore): void {
    if (this.stopped) return;
    this.subscription = this.options.store.subscribe(this.position, (batch) => this.handle(client, checkpoints, batch), {
      batchSize: this.batchSize,
      onError: (error) => void this.restart(error),
    });
  }

  private get batchSize(): number {
    return this.options.batchSize ?? 1000;
  }

  private async handle(client: Client, checkpoints: CheckpointStore, batch: RecordedEvent[]): Promise<void> {
    if (batch.length === 0) return;
    const last = batch[batch.length - 1].position;
    await client.query('BEGIN');
    try {
      const publishedUpTo = later(this.options.publishedUpTo, await checkpoints.lockLiveVersions());
      const publish = (e: RecordedEvent) => publishedUpTo === undefined || comparePositions(e.position, publishedUpTo) > 0;
      await this.options.projection.apply(batch, { client, modelVersion: this.options.modelVersion, publish });
      await checkpoints.advance(this.position, last, batch.length);
      await client.query('COMMIT');
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    }
    this.position = last;
    this.restarts = 0;
    this.options.onBatch?.({ events: batch.length, position: last });
  }

  private async restart(error: unknown): Promise<void> {
    if (this.stopped) return;
    await this.subscription?.stop().catch(() => undefined);
    await this.lock.release();
    if (error instanceof RetiredVersionError) {
      this.logger.log(`${error.message}; stopping`);
      this.stopped = true;
      this.options.onRetired?.(error);
      return;
    }
    const stale = error instanceof StaleCheckpointError;
    this.logger.error(`batch failed${stale ? ' (another instance moved the checkpoint)' : ''}: ${String(error)}`);
    const delay = Math.min(30_000, 250 * 2 ** this.restarts++);
    await new Promise<void>((resolve) => (this.backoff = { timer: setTimeout(resolve, delay), resolve }));
    this.backoff = undefined;
    if (!this.stopped) await this.start();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.backoff) {
      clearTimeout(this.backoff.timer);
      this.backoff.resolve();
    }
    await this.catchingUp;
    await this.subscription?.stop().catch(() => undefined);
    await this.lock.release();
  }
}
