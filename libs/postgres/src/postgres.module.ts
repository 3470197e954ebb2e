import { Global, Inject, Module, OnApplicationShutdown } from '@nestjs/common';
import { Pool } from 'pg';
import { LEDGER_CONFIG, LedgerConfig } from '@ledger/config';
import { createPool } from './database';

export const PG_POOL = Symbol('PG_POOL');

@Global()
@Module({
  providers: [
    {
      provide: PG_POOL,
      inject: [LEDGER_CONFIG],
      useFactory: (config: LedgerConfig) =>
        createPool(config.databaseUrl, {
          max: config.databasePool.max,
          connectionTimeoutMillis: config.databasePool.connectionTimeoutMs,
        }),
    },
  ],
  exports: [PG_POOL],
})
export class PostgresModule implements OnApplicationShutdown {
  constructor(@Inject(PG_POOL) private readonly pool: Pool) {}

  async onApplicationShutdown(): Promise<void> {
    await this.pool.end();
  }
}
