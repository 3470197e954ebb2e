import { Global, Inject, Module, OnApplicationShutdown } from '@nestjs/common';
import { Pool } from 'pg';
import { LEDGER_CONFIG, LedgerConfig } from '@ledger/config';
import { PG_POOL } from '@ledger/postgres';
import { EVENT_STORE, EventStore } from './event-store.port';
import { PostgresEventStore } from './postgres/postgres-event-store';
import { EventStoreDbEventStore } from './eventstoredb/eventstoredb-event-store';

/** Binds EVENT_STORE to the adapter named by EVENT_STORE for the whole process. */
@Global()
@Module({
  providers: [
    {
      provide: EVENT_STORE,
      inject: [LEDGER_CONFIG, PG_POOL],
      useFactory: (config: LedgerConfig, pool: Pool): EventStore => {
        if (config.eventStore === 'eventstoredb') {
          if (!config.eventStoreConnectionString)
            throw new Error('EVENT_STORE=eventstoredb needs EVENTSTORE_CONNECTION_STRING');
          return EventStoreDbEventStore.fromConnectionString(config.eventStoreConnectionString);
        }
        return new PostgresEventStore(pool, config.databaseUrl);
      },
    },
  ],
  exports: [EVENT_STORE],
})
export class EventStoreModule implements OnApplicationShutdown {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

  async onApplicationShutdown(): Promise<void> {
    await this.store.close();
  }
}
