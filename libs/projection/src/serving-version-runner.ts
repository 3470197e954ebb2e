import { Logger } from '@nestjs/common';
import { Pool } from 'pg';
import { Position } from '@ledger/event-store';
import { RetiredVersionError } from './checkpoint-store';
import { ProjectionRunner, ProjectionRunnerOptions } from './projection-runner';
import { ReadModelVersions } from './read-model-versions';

export interface ServingVersionRunnerOptions extends Omit<
  ProjectionRunnerOptions,
  'modelVersion' | 'publishedUpTo' | 'onRetired'
> {
  /** Where read_model_versions is read. */
  pool: Pool;
  /** How often the serving version is checked (default 1 s). */
  pollMs?: number;
}

/**
 * The projector's runner: always runs the version read_model_versions names. When a rebuild
 * switches it to N+1, the runner for N is stopped (its first batch after the switch already
 * fails with RetiredVersionError, which triggers an immediate check) and one for N+1 resumes
 * from N+1's checkpoint, once the rebuild has released that version's lock.
 */
export class ServingVersionRunner {
  private readonly logger = new Logger('ServingVersion');
  private readonly versions: ReadModelVersions;
  private runner: ProjectionRunner | undefined;
  private timer: NodeJS.Timeout | undefined;
  private following: Promise<void> = Promise.resolve();
  private stopped = false;

  constructor(private readonly options: ServingVersionRunnerOptions) {
    this.versions = new ReadModelVersions(options.pool, options.projection.name);
  }

  get holdsLock(): boolean {
    return this.runner?.holdsLock ?? false;
  }

  /** The serving version's runner holds its lock, waits for it, or backs off before taking it again. */
  get active(): boolean {
    return !this.stopped && (this.runner?.active ?? false);
  }

  get checkpoint(): Position | 'start' {
    return this.runner?.checkpoint ?? 'start';
  }

  get modelVersion(): number | undefined {
    return this.runner?.modelVersion;
  }

  /** Resolves once the serving version is known and its runner is starting (it may still wait for its lock). */
  async start(): Promise<void> {
    await this.follow();
    // follow() logs its own failures and never rejects; the catch only makes that explicit.
    this.timer = setInterval(() => {
      this.follow().catch(() => undefined);
    }, this.options.pollMs ?? 1000);
  }

  /** Checks are chained so two never switch runners at once. */
  private follow(): Promise<void> {
    this.following = this.following
      .then(() => this.switchIfChanged())
      .catch((error: unknown) => this.logger.error(`serving version check failed: ${String(error)}`));
    return this.following;
  }

  private async switchIfChanged(): Promise<void> {
    if (this.stopped) return;
    const serving = await this.versions.serving();
    if (serving === this.runner?.modelVersion) return;
    if (this.runner)
      this.logger.log(`serving version moved from v${this.runner.modelVersion} to v${serving}; following it`);
    await this.runner?.stop();
    const { pool: _pool, pollMs: _pollMs, ...runnerOptions } = this.options;
    this.runner = new ProjectionRunner({
      ...runnerOptions,
      modelVersion: serving,
      onRetired: (error) => this.retired(error),
    });
    const runner = this.runner;
    runner
      .start()
      .catch((error: unknown) => this.logger.error(`v${runner.modelVersion} did not start: ${String(error)}`));
  }

  private retired(error: RetiredVersionError): void {
    if (error.version === this.runner?.modelVersion) this.follow().catch(() => undefined);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    await this.following;
    await this.runner?.stop();
  }
}
