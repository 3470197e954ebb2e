import { join } from 'node:path';
import { REPO_ROOT, spawnTsEntry } from '../support/processes';

/**
 * The promise of libs/config, checked on the real entry point: a bad configuration stops
 * balance-api before it serves or connects to anything, with one line naming the variable and
 * exit code 78 (EX_CONFIG), and never prints a secret it was given.
 */

jest.setTimeout(90_000);

const ENTRY = join(REPO_ROOT, 'apps/balance-api/src/main.ts');

async function startWith(env: Record<string, string>): Promise<{ code: number | null; output: string }> {
  const child = spawnTsEntry(ENTRY, { name: 'balance-api (bad config)', env: { PORT: '0', ...env } });
  const status = await child.exited;
  return { code: status.code, output: child.lines.join('\n') };
}

describe('balance-api started with a bad configuration', () => {
  it.each([
    [
      'REQUEST_BODY_LIMIT=abc',
      { REQUEST_BODY_LIMIT: 'abc' },
      /^Invalid configuration: REQUEST_BODY_LIMIT must be a size/m,
    ],
    [
      'KAFKA_SASL_MECHANISM=GSSAPI',
      { KAFKA_SASL_MECHANISM: 'GSSAPI' },
      /^Invalid configuration: KAFKA_SASL_MECHANISM /m,
    ],
    [
      'a DATABASE_URL_FILE that does not exist',
      // DATABASE_URL emptied: one inherited from the test's own environment would make it ambiguous.
      { DATABASE_URL: '', DATABASE_URL_FILE: '/nonexistent/ledger-db-url' },
      /^Invalid configuration: DATABASE_URL_FILE names a file that cannot be read \(ENOENT\)/m,
    ],
  ])('exits with 78 for %s, naming the variable', async (_name, env, message) => {
    const { code, output } = await startWith(env);
    expect(output).toMatch(message);
    expect(code).toBe(78);
  });

  it('exits with 78 for a bad DATABASE_URL and masks its password', async () => {
    const { code, output } = await startWith({ DATABASE_URL: 'postgres://ledger:hunter2@db:notaport/ledger' });
    expect(output).toMatch(
      /^Invalid configuration: DATABASE_URL must be a URL, got "postgres:\/\/ledger:\*\*\*@db:notaport\/ledger"$/m,
    );
    expect(output).not.toContain('hunter2');
    expect(code).toBe(78);
  });
});
