import { loadConfig } from '@ledger/config';
import { databaseName, ensureDatabase, migrate } from '@ledger/postgres';
import { CliIo, EXIT } from './cli-io';

export async function migrateCommand(io: CliIo): Promise<number> {
  const { databaseUrl } = loadConfig(io.env);
  const created = await ensureDatabase(databaseUrl);
  io.stderr(`${created ? 'created' : 'found'} database ${databaseName(databaseUrl)}; migrating`);
  const output = await migrate(databaseUrl);
  io.stderr(output.trim() ? output.trim() : 'no pending migrations');
  return EXIT.ok;
}
