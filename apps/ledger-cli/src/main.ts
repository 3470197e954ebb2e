import { ConfigError, loadConfig } from '@ledger/config';
import { databaseName, ensureDatabase, migrate } from '@ledger/postgres';

const USAGE = `usage: ledger-cli <command>
  migrate   create the database named by DATABASE_URL if missing and apply pending migrations`;

async function runMigrate(): Promise<void> {
  const { databaseUrl } = loadConfig();
  const created = await ensureDatabase(databaseUrl);
  process.stderr.write(`${created ? 'created' : 'found'} database ${databaseName(databaseUrl)}; migrating\n`);
  const output = await migrate(databaseUrl);
  process.stderr.write(output.trim() ? `${output.trim()}\n` : 'no pending migrations\n');
}

async function main(argv: string[]): Promise<void> {
  switch (argv[0]) {
    case 'migrate':
      return runMigrate();
    default:
      process.stderr.write(`${USAGE}\n`);
      process.exit(argv[0] ? 2 : 0);
  }
}

main(process.argv.slice(2)).catch((error: unknown) => {
  process.stderr.write(`${error instanceof ConfigError ? error.message : error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(error instanceof ConfigError ? 78 : 1);
});
