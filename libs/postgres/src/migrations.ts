import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** The repository (or image) root: the same code runs from source under ts-jest and from dist/. */
function projectRoot(): string {
  for (let dir = __dirname; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'package.json')) && existsSync(join(dir, 'migrations'))) return dir;
    if (dirname(dir) === dir) throw new Error(`no project root with migrations/ above ${__dirname}`);
  }
}

export const MIGRATIONS_DIR = process.env.MIGRATIONS_DIR ?? join(projectRoot(), 'migrations');
const CLI = join(projectRoot(), 'node_modules/node-pg-migrate/bin/node-pg-migrate.js');

/**
 * Applies every pending versioned SQL migration in `migrations/` with node-pg-migrate, under its
 * advisory lock so two processes starting at once cannot both migrate. node-pg-migrate is an ES
 * module, so it runs as its CLI rather than being imported into CommonJS (and into jest).
 */
export async function migrate(databaseUrl: string, direction: 'up' | 'down' = 'up'): Promise<string> {
  const args = [
    CLI,
    direction,
    '--migrations-dir',
    MIGRATIONS_DIR,
    '--migrations-table',
    'pgmigrations',
    '--advisory-lock-mode',
    'wait',
    '--verbose',
    'false',
  ];
  if (direction === 'down') args.push('0');
  const { stdout } = await run(process.execPath, args, {
    cwd: join(MIGRATIONS_DIR, '..'),
    env: { ...process.env, DATABASE_URL: databaseUrl },
  });
  return stdout;
}
