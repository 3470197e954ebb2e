import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import {
  BucketCommandHandler,
  TransferCommandHandler,
  TransferProcess,
  randomIds,
  systemClock,
} from '@ledger/application';
import { LEDGER_CONFIG, LedgerConfig } from '@ledger/config';
import { EVENT_STORE, EventStore } from '@ledger/event-store';
import { PG_POOL, type PgPool as Pool } from '@ledger/postgres';
import { AdvisoryLock } from '@ledger/projection';
import { ReadModelQueries } from '@ledger/read-model';

export const TRANSFER_RESUMER_LOCK_KEY = 'transfer-resumer';
/** Between two sweeps for unfinished transfers. */
const SWEEP_INTERVAL_MS = 1000;
/**
 * A transfer is resumed only when its last step is this old: one an API process is driving right
 * now is left to it, so two drivers of one transfer stay the exception (a crash), not the rule.
 */
const QUIET_MS = 2000;
/** Transfers driven at once by a sweep; each holds at most one bucket step at a time. */
const SWEEP_CONCURRENCY = 8;

/**
 * Resumes the transfers a crash left unfinished: at start, then every second, in the one projector
 * that holds the lock. The steps are idempotent, so a sweep that overlaps a live driver (or dies
 * half way) does no harm; the next sweep takes over where it stopped.
 */
@Injectable()
export class TransferResumerService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(TransferResumerService.name);
  private readonly lock: AdvisoryLock;
  private readonly process: TransferProcess;
  private stopped = false;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;

  constructor(
    @Inject(LEDGER_CONFIG) config: LedgerConfig,
    @Inject(PG_POOL) pool: Pool,
    @Inject(EVENT_STORE) store: EventStore,
  ) {
    this.lock = new AdvisoryLock(config.databaseUrl, TRANSFER_RESUMER_LOCK_KEY, {
      onLost: () => this.logger.warn('transfer resumer lock lost; sweeping again once it is back'),
    });
    this.process = new TransferProcess({
      transfers: new TransferCommandHandler(store),
      buckets: new BucketCommandHandler(store, { cacheBuckets: 0 }),
      clock: systemClock,
      ids: randomIds,
      pending: new ReadModelQueries(pool),
      onResumeFailure: (id, error) => this.logger.warn(`transfer ${id} not resumed yet: ${String(error)}`),
    });
  }

  onApplicationBootstrap(): void {
    this.schedule(0);
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    this.lock.interrupt();
    await this.running;
    await this.lock.release();
  }

  private schedule(delayMs: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.running = this.sweep()
        .catch((error: unknown) => this.logger.warn(`transfer sweep failed, retrying: ${String(error)}`))
        .finally(() => this.schedule(SWEEP_INTERVAL_MS));
    }, delayMs);
  }

  private async sweep(): Promise<void> {
    if (!this.lock.held && !(await this.lock.acquire(() => this.stopped))) return;
    const { resumed, failed } = await this.process.resumePending(QUIET_MS, {
      concurrency: SWEEP_CONCURRENCY,
      onFound: (count) => this.logger.log(`resuming ${count} unfinished transfers`),
    });
    if (resumed + failed > 0) this.logger.log(`resumed ${resumed} unfinished transfers (${failed} to retry)`);
  }
}
