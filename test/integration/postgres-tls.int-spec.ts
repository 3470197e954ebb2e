import { chmodSync, chownSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createPool } from '@ledger/postgres';
import { freePort, runCommand } from '../support/processes';
import { TEST_SERVER_URL } from '../support/test-database';

/**
 * `sslmode` in DATABASE_URL is what decides TLS: createPool hands the URL to node-postgres, which
 * reads sslmode/sslrootcert from it. Checked against the shared server (no TLS: a client asking
 * for it must fail, not fall back to plain text) and a private cluster started with ssl=on and a
 * certificate signed by a CA made here with openssl.
 */

jest.setTimeout(120_000);

const BIN = '/usr/lib/postgresql/15/bin';

async function sslInUse(url: string): Promise<boolean> {
  const pool = createPool(url, { max: 1 });
  try {
    const { rows } = await pool.query<{ ssl: boolean }>('SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()');
    return rows[0].ssl;
  } finally {
    await pool.end();
  }
}

async function run(file: string, args: string[]): Promise<void> {
  const result = await runCommand(file, args, { timeoutMs: 60_000 });
  if (result.code !== 0) throw new Error(`${file} ${args.join(' ')} failed (${result.code}): ${result.stderr}`);
}

describe('PostgreSQL TLS from sslmode in DATABASE_URL', () => {
  it('fails with a clear error, instead of connecting in plain text, when the server has no TLS', async () => {
    const url = new URL(TEST_SERVER_URL);
    url.searchParams.set('sslmode', 'require');
    await expect(sslInUse(url.toString())).rejects.toThrow('The server does not support SSL connections');
  });

  describe('against a private cluster with ssl=on', () => {
    const dir = mkdtempSync(join(tmpdir(), 'ledger-pg-tls-'));
    const data = join(dir, 'data');
    const postgres = Number(execFileSync('id', ['-u', 'postgres']).toString().trim());
    let port = 0;
    let started = false;
    const base = () => `postgres://postgres@127.0.0.1:${port}/postgres`;

    beforeAll(async () => {
      port = await freePort();
      chownSync(dir, postgres, postgres);
      const subj = (cn: string) => ['-subj', `/CN=${cn}`];
      await run('openssl', [
        ...['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '2', ...subj('ledger test CA')],
        ...['-keyout', join(dir, 'ca.key'), '-out', join(dir, 'ca.pem')],
        ...['-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=keyCertSign'],
      ]);
      await run('openssl', [
        ...['req', '-newkey', 'rsa:2048', '-nodes', ...subj('127.0.0.1')],
        ...['-keyout', join(dir, 'server.key'), '-out', join(dir, 'server.csr')],
      ]);
      writeFileSync(join(dir, 'san.ext'), 'subjectAltName=IP:127.0.0.1\n');
      await run('openssl', [
        ...['x509', '-req', '-in', join(dir, 'server.csr'), '-days', '2', '-CA', join(dir, 'ca.pem')],
        ...['-CAkey', join(dir, 'ca.key'), '-CAcreateserial', '-out', join(dir, 'server.crt')],
        ...['-extfile', join(dir, 'san.ext')],
      ]);
      // PostgreSQL refuses a key file readable by others, and runs as postgres.
      for (const file of ['server.key', 'server.crt']) chownSync(join(dir, file), postgres, postgres);
      chmodSync(join(dir, 'server.key'), 0o600);
      await run('runuser', ['-u', 'postgres', '--', `${BIN}/initdb`, '-D', data, '-A', 'trust', '-U', 'postgres']);
      const options = [
        `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c ssl=on`,
        `-c ssl_cert_file=${join(dir, 'server.crt')} -c ssl_key_file=${join(dir, 'server.key')}`,
      ].join(' ');
      started = true;
      await run('runuser', [
        '-u',
        'postgres',
        '--',
        `${BIN}/pg_ctl`,
        '-D',
        data,
        '-o',
        options,
        '-l',
        join(dir, 'log'),
        '-w',
        'start',
      ]);
    });

    afterAll(async () => {
      if (started)
        await run('runuser', ['-u', 'postgres', '--', `${BIN}/pg_ctl`, '-D', data, '-m', 'fast', '-w', 'stop']);
      rmSync(dir, { recursive: true, force: true });
    });

    it('connects over TLS with sslmode=verify-full and the CA in sslrootcert', async () => {
      const url = `${base()}?sslmode=verify-full&sslrootcert=${encodeURIComponent(join(dir, 'ca.pem'))}`;
      expect(await sslInUse(url)).toBe(true);
    });

    // node-postgres 8 treats require like verify-full (and warns), unlike libpq: no silent trust.
    it.each(['verify-full', 'require'])(
      'refuses the server certificate with sslmode=%s when its CA is not given',
      async (mode) => {
        await expect(sslInUse(`${base()}?sslmode=${mode}`)).rejects.toThrow('unable to verify the first certificate');
      },
    );

    it('connects in plain text to the same server only when the URL says so', async () => {
      expect(await sslInUse(`${base()}?sslmode=disable`)).toBe(false);
    });
  });
});
