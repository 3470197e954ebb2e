import type { PgPool as Pool } from '@ledger/postgres';
import { LedgerConfig } from '@ledger/config';
import { EventStore, PostgresEventStore } from '@ledger/event-store';
import { createPool } from '@ledger/postgres';
import { LedgerProjection } from '@ledger/ledger-projection';
import { tmf654V2Base } from '@ledger/contracts';

export interface LedgerContext {
  config: LedgerConfig;
  pool: Pool;
  store: EventStore;
  projection: LedgerProjection;
  close(): Promise<void>;
}

/**
 * The event store and projection exactly as the projector builds them: the same topics and href
 * base, so messages written by a rebuild are the ones the projector would have written.
 */
export function openLedger(config: LedgerConfig): LedgerContext {
  if (config.eventStore === 'eventstoredb') {
    throw new Error(
      'EVENT_STORE=eventstoredb: the EventStoreDB adapter is not part of this build yet; use EVENT_STORE=postgres',
    );
  }
  const pool = createPool(config.databaseUrl, { max: 4, application_name: 'ledger-cli' });
  const store = new PostgresEventStore(pool, config.databaseUrl);
  const projection = new LedgerProjection({
    topics: config.topics,
    hrefBase: tmf654V2Base(config.publicBaseUrl),
  });
  return {
    config,
    pool,
    store,
    projection,
    async close() {
      await store.close();
      await pool.end();
    },
  };
}
