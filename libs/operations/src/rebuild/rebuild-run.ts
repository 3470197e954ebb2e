import { Position } from '@ledger/event-store';
import { READ_MODEL_TABLES } from '@ledger/ledger-projection';
import { AdvisoryLock, ProjectionRunner, ReadModelVersions, RetiredVersionError, atOrPast } from '@ledger/projection';
import { RebuildInProgressError, type RebuildOptions, type RebuildResult } from './rebuild';
import { formatCount } from './rebuild-progress';

/**
 * Rebuilds a read model from the first event into version N+1 while N keeps serving, switches
 * the serving version once N+1 has caught up, then deletes N's rows. One rebuild at a time
 * (advisory lock, refused rather than queued); an interrupted one resumes from N+1's checkpoint.
 */
export async function rebuildReadModel(options: RebuildOptions): Promise<RebuildResult> {
  const lock = new AdvisoryLock(options.databaseUrl, `rebuild:${options.projection.name}`);
  // One attempt only: a rebuild already running is refused, not waited for.
  if (!(await lock.tryAcquire())) throw new RebuildInProgressError(options.projection.name);
  try {
    return await new RebuildRun(options).run();
  } finally {
    await lock.release();
  }
}

/** One run of a rebuild, under the rebuild lock (see rebuildReadModel). */
export class RebuildRun {
  private readonly versions: ReadModelVersions;
  private readonly started = Date.now();
  private events = 0;
  private head: Position | undefined;
  private following = false;
  private retired: RetiredVersionError | undefined;
  /** The runner could not start (its lock connection failed, say): the rebuild stops with that error. */
  private startFailure: { error: unknown } | undefined;
  private waitingReported = false;
  private wake: () => void = () => undefined;

  constructor(private readonly options: RebuildOptions) {
    this.versions = new ReadModelVersions(options.pool, options.projection.name);
  }

  private get deleteBatch(): number {
    return this.options.deleteBatchSize ?? 10_000;
  }

  async run(): Promise<RebuildResult> {
    const from = await this.versions.serving();
    const to = from + 1;
    const resumed = await this.prepare(from, to);
    const publishedUpTo = await this.versions.checkpoint(from);
    this.step(`${resumed ? 'resuming' : 'starting'} rebuild of ${this.versions.name} v${to} while v${from} serves`);
    const switched = await this.follow(from, to, publishedUpTo === 'start' ? undefined : publishedUpTo);
    const result = { from, to, resumed, events: this.events, elapsedMs: Date.now() - this.started, deletedRows: 0 };
    if (!switched) return { ...result, outcome: 'stopped' };
    this.step(`switched: ${this.versions.name} v${to} serves now`);
    if (this.options.keepOldVersion) return { ...result, outcome: 'switched' };
    const deletedRows = await this.versions.deleteVersions(
      READ_MODEL_TABLES,
      '=',
      from,
      this.deleteBatch,
      this.deleteProgress(from),
    );
    this.step(`deleted ${formatCount(deletedRows)} rows of v${from}`);
    return { ...result, outcome: 'switched', deletedRows };
  }

  /**
   * Clears what earlier runs left behind: retired versions a switched rebuild did not finish
   * deleting, and versions above `to`. Rows of `to` stay only with their checkpoint (a resumable
   * run); without one they never belonged to a run that can be resumed. True when resuming.
   */
  private async prepare(from: number, to: number): Promise<boolean> {
    const leftovers = await this.versions.deleteVersions(READ_MODEL_TABLES, '<', from, this.deleteBatch);
    if (leftovers > 0) this.step(`deleted ${formatCount(leftovers)} rows of retired versions below v${from}`);
    await this.versions.deleteVersions(READ_MODEL_TABLES, '>', to, this.deleteBatch);
    const resumed = (await this.versions.checkpoint(to)) !== undefined;
    if (!resumed) await this.versions.deleteVersions(READ_MODEL_TABLES, '=', to, this.deleteBatch);
    return resumed;
  }

  /** Runs `to` until it has caught up and the switch succeeded (true) or the signal aborted (false). */
  private async follow(from: number, to: number, publishedUpTo: Position | undefined): Promise<boolean> {
    const { store, databaseUrl, projection, signal } = this.options;
    const batchSize = this.options.batchSize ?? 5000;
    const runner = new ProjectionRunner({
      store,
      databaseUrl,
      projection,
      modelVersion: to,
      batchSize,
      publishedUpTo,
      onBatch: ({ events, position }) => this.batchDone(to, events, position, events < batchSize),
      onRetired: (error) => {
        this.retired = error;
        this.wake();
      },
    });
    const onAbort = () => this.wake();
    signal?.addEventListener('abort', onAbort);
    runner.start().catch((error: unknown) => {
      this.startFailure = { error };
      this.wake();
    });
    try {
      while (!signal?.aborted) {
        if (await this.switched(runner, from, to)) return true;
        await this.pause(this.options.checkIntervalMs ?? 100);
      }
      return false;
    } finally {
      signal?.removeEventListener('abort', onAbort);
      await runner.stop();
    }
  }

  private async switched(runner: ProjectionRunner, from: number, to: number): Promise<boolean> {
    if (this.retired) throw this.retired;
    if (this.startFailure) throw this.startFailure.error;
    this.head = await this.options.store.headPosition();
    if (!runner.holdsLock) {
      this.reportWaiting(to);
      return false;
    }
    const caughtUp = this.following || atOrPast(runner.checkpoint, this.head);
    return caughtUp && this.versions.switchTo(from, to);
  }

  /**
   * A short batch means `to` read everything visible: it has reached the head and now follows it
   * live. On a busy system the head moves on between any two reads, so this, not `checkpoint ≥
   * head`, is what "caught up" means; the switch is tried at once, before the serving version moves.
   */
  private batchDone(version: number, events: number, position: Position, short: boolean): void {
    this.events += events;
    this.following = short;
    this.options.onProgress?.({
      version,
      events: this.events,
      position,
      head: this.head,
      elapsedMs: Date.now() - this.started,
    });
    if (short) this.wake();
  }

  private reportWaiting(to: number): void {
    if (this.waitingReported || Date.now() - this.started < 5000) return;
    this.waitingReported = true;
    this.step(`waiting for the projection lock of v${to}: another process holds it`);
  }

  private deleteProgress(version: number): (rows: number) => void {
    let deleted = 0;
    let reported = Date.now();
    return (rows) => {
      deleted += rows;
      if (Date.now() - reported < 1000) return;
      reported = Date.now();
      this.step(`deleting v${version}: ${formatCount(deleted)} rows so far`);
    };
  }

  private pause(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, ms);
      this.wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }

  private step(message: string): void {
    this.options.onStep?.(message);
  }
}
