import { Logger } from '@nestjs/common';
import { Client } from 'pg';
import { EventStore, Position, RecordedEvent, Subscription, comparePositions } from '@ledger/event-store';
import { AdvisoryLock } from './advisory-lock';
import { CheckpointStore, StaleCheckpointError } from './checkpoint-store';

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
}

/**
 * Runs one projection version: the single active instance (advisory lock) folds each batch into
 * the read model, writes outbox rows and moves the checkpoint, all in one transaction, so a crash
 * at any point replays a batch whose writes never committed. A failed batch restarts the
 * subscription from the stored checkpoint after a backoff.
 */
export class ProjectionRunner {
  private readonly logger: Logger;
  private readonly lock: AdvisoryLock;
  private subscription: Subscription | undefined;
  private stopped = false;
  private restarts = 0;
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

  async start(): Promise<void> {
    const client = await this.lock.acquire(() => this.stopped);
    if (!client) return;
    this.logger.log('holds the projection lock; catching up');
    const checkpoints = new CheckpointStore(client, this.options.projection.name, this.options.modelVersion);
    this.position = await checkpoints.load();
    this.subscription = this.options.store.subscribe(this.position, (batch) => this.handle(client, checkpoints, batch), {
      batchSize: this.options.batchSize ?? 1000,
      onError: (error) => void this.restart(error),
    });
  }

  private async handle(client: Client, checkpoints: CheckpointStore, batch: RecordedEvent[]): Promise<void> {
    if (batch.length === 0) return;
    const last = batch[batch.length - 1].position;
    const publishedUpTo = this.options.publishedUpTo;
    const publish = (e: RecordedEvent) => publishedUpTo === undefined || comparePositions(e.position, publishedUpTo) > 0;
    await client.query('BEGIN');
    try {
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
    const stale = error instanceof StaleCheckpointError;
    this.logger.error(`batch failed${stale ? ' (another instance moved the checkpoint)' : ''}: ${String(error)}`);
    await this.subscription?.stop().catch(() => undefined);
    await this.lock.release();
    const delay = Math.min(30_000, 250 * 2 ** this.restarts++);
    await new Promise((r) => setTimeout(r, delay));
    if (!this.stopped) await this.start().catch((e: unknown) => this.restart(e));
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.subscription?.stop().catch(() => undefined);
    await this.lock.release();
  }
}
