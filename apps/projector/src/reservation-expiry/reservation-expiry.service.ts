import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { BucketCommandHandler, CLOCK, type Clock } from '@ledger/application';
import { LEDGER_CONFIG, LedgerConfig } from '@ledger/config';
import { EVENT_STORE, EventStore } from '@ledger/event-store';
import { PG_POOL, type PgPool as Pool } from '@ledger/postgres';
import { AdvisoryLock } from '@ledger/projection';
import { ReservationExpiryScheduler } from './reservation-expiry.scheduler';

export const RESERVATION_EXPIRY_LOCK_KEY = 'reservation-expiry';

/** The projector's expiry scheduler (docs/charging.md): one active instance, through its own lock. */
@Injectable()
export class ReservationExpiryService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('ReservationExpiry');
  readonly scheduler: ReservationExpiryScheduler;

  constructor(
    @Inject(LEDGER_CONFIG) config: LedgerConfig,
    @Inject(PG_POOL) pool: Pool,
    @Inject(EVENT_STORE) store: EventStore,
    @Inject(CLOCK) clock: Clock,
  ) {
    const lock = new AdvisoryLock(config.databaseUrl, RESERVATION_EXPIRY_LOCK_KEY, {
      onLost: () => this.logger.warn('reservation expiry lock lost; scanning again once it is back'),
    });
    // No remembered states: the API processes append to the same buckets.
    const handler = new BucketCommandHandler(store, { cacheBuckets: 0 });
    this.scheduler = new ReservationExpiryScheduler({
      pool,
      store,
      handler,
      clock,
      lock,
      scanMs: config.reservationExpiryScanMs,
    });
  }

  onApplicationBootstrap(): void {
    this.scheduler.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.scheduler.stop();
  }
}
