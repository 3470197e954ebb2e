export { createPool, databaseName, dropDatabase, ensureDatabase, isPoolTimeout, withDatabase } from './database';
export { MIGRATIONS_DIR, migrate } from './migrations';
export { PG_POOL, PostgresModule } from './postgres.module';
/** Apps hold pools and clients by these names; only PostgreSQL adapters import `pg` itself. */
export type { Client as PgClient, Pool as PgPool, PoolConfig as PgPoolConfig } from 'pg';
