import { Inject, Module, OnModuleDestroy, Provider } from '@nestjs/common';
import {
  BucketCommandHandler,
  ChargingCommands,
  CLOCK,
  type Clock,
  ID_GENERATOR,
  type IdGenerator,
  LedgerCommands,
  LedgerQueries,
  randomIds,
  systemClock,
  TransferCommandHandler,
  TransferProcess,
} from '@ledger/application';
import { LEDGER_CONFIG, LedgerConfig } from '@ledger/config';
import { EVENT_STORE, EventStore } from '@ledger/event-store';
import { PG_POOL, type PgPool as Pool } from '@ledger/postgres';
import { ProjectionWaiter, ReadModelQueries } from '@ledger/read-model';

/**
 * The composition root of the use cases: the application library is plain classes, and this is
 * where the API process gives them its event store, read model, clock and ids.
 */
const providers: Provider[] = [
  { provide: CLOCK, useValue: systemClock },
  { provide: ID_GENERATOR, useValue: randomIds },
  {
    provide: BucketCommandHandler,
    inject: [EVENT_STORE, LEDGER_CONFIG],
    useFactory: (store: EventStore, config: LedgerConfig) =>
      new BucketCommandHandler(store, { cacheBuckets: config.commandCacheBuckets }),
  },
  {
    provide: LedgerQueries,
    inject: [PG_POOL],
    useFactory: (pool: Pool) => new LedgerQueries(new ReadModelQueries(pool)),
  },
  {
    provide: ProjectionWaiter,
    inject: [PG_POOL, LEDGER_CONFIG],
    useFactory: (pool: Pool, config: LedgerConfig) => new ProjectionWaiter({ pool, databaseUrl: config.databaseUrl }),
  },
  {
    provide: LedgerCommands,
    inject: [BucketCommandHandler, LedgerQueries, ProjectionWaiter, LEDGER_CONFIG, CLOCK, ID_GENERATOR],
    useFactory: (
      handler: BucketCommandHandler,
      queries: LedgerQueries,
      readYourWrites: ProjectionWaiter,
      config: LedgerConfig,
      clock: Clock,
      ids: IdGenerator,
    ) =>
      new LedgerCommands({
        handler,
        queries,
        readYourWrites,
        readYourWritesTimeoutMs: config.readYourWritesTimeoutMs,
        clock,
        ids,
      }),
  },
  {
    provide: ChargingCommands,
    inject: [BucketCommandHandler, EVENT_STORE, ProjectionWaiter, LEDGER_CONFIG, CLOCK, ID_GENERATOR],
    useFactory: (
      handler: BucketCommandHandler,
      store: EventStore,
      readYourWrites: ProjectionWaiter,
      config: LedgerConfig,
      clock: Clock,
      ids: IdGenerator,
    ) =>
      new ChargingCommands({
        handler,
        store,
        readYourWrites,
        readYourWritesTimeoutMs: config.readYourWritesTimeoutMs,
        clock,
        ids,
        reservationDefaultTtlSeconds: config.reservationDefaultTtlSeconds,
      }),
  },
  {
    provide: TransferProcess,
    inject: [EVENT_STORE, BucketCommandHandler, ProjectionWaiter, LEDGER_CONFIG, CLOCK, ID_GENERATOR],
    useFactory: (
      store: EventStore,
      buckets: BucketCommandHandler,
      readYourWrites: ProjectionWaiter,
      config: LedgerConfig,
      clock: Clock,
      ids: IdGenerator,
    ) =>
      new TransferProcess({
        transfers: new TransferCommandHandler(store),
        buckets,
        clock,
        ids,
        readYourWrites,
        readYourWritesTimeoutMs: config.readYourWritesTimeoutMs,
      }),
  },
];

@Module({ providers, exports: [LedgerCommands, LedgerQueries, TransferProcess, ChargingCommands] })
export class LedgerApplicationModule implements OnModuleDestroy {
  constructor(@Inject(ProjectionWaiter) private readonly waiter: ProjectionWaiter) {}

  async onModuleDestroy(): Promise<void> {
    await this.waiter.close();
  }
}
