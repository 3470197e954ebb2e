import { ConfigError } from './config-error';
import type { ReadTextFile } from './secret-files';

/** What node-postgres understands in `sslmode` (libpq's names, plus its own `no-verify`). */
const SSL_MODES = ['disable', 'prefer', 'require', 'verify-ca', 'verify-full', 'no-verify'];
const SSL_FILES = ['sslrootcert', 'sslcert', 'sslkey'];

/**
 * TLS settings in `DATABASE_URL`, checked at start-up: node-postgres reads them only on the first
 * connection, where a misspelt `sslmode` is silently ignored (plain text) and a missing
 * `sslrootcert` file fails every query instead of the start.
 */
export function checkDatabaseTls(name: string, parsed: URL, readFile: ReadTextFile): void {
  const mode = parsed.searchParams.get('sslmode');
  if (mode !== null && !SSL_MODES.includes(mode)) {
    throw new ConfigError(name, `has sslmode=${mode}; use one of ${SSL_MODES.join(', ')}`);
  }
  for (const parameter of SSL_FILES) {
    const path = parsed.searchParams.get(parameter);
    if (path === null) continue;
    try {
      readFile(path);
    } catch (error) {
      const reason = (error as NodeJS.ErrnoException).code ?? 'unreadable';
      throw new ConfigError(name, `has ${parameter}=${path}, a file that cannot be read (${reason})`);
    }
  }
}
