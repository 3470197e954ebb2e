import { execFile, execFileSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { freePort } from '../support/processes';

const run = promisify(execFile);
const BIN = '/usr/lib/postgresql/15/bin';

/**
 * A throwaway PostgreSQL 15 cluster of one test's own (initdb + pg_ctl on a free port, run as
 * the postgres user), so a fault test can restart or stop PostgreSQL without touching the shared
 * server that every other suite uses. About a second to create, 0.2 s per fast restart.
 */
export class PrivatePostgres {
  private readonly dir = mkdtempSync(join(tmpdir(), 'ledger-pg-private-'));
  private readonly data = join(this.dir, 'data');
  private port = 0;
  private running = false;
  private readonly exitHook = () => this.stopNow();

  /** A URL of this cluster for `database`. */
  url(database = 'postgres'): string {
    return `postgres://postgres@127.0.0.1:${this.port}/${database}`;
  }

  async start(): Promise<void> {
    this.port = await freePort();
    const postgres = Number(execFileSync('id', ['-u', 'postgres']).toString().trim());
    chownSync(this.dir, postgres, postgres);
    await this.asPostgres('initdb', ['-D', this.data, '-A', 'trust', '-U', 'postgres']);
    this.running = true;
    process.once('exit', this.exitHook);
    await this.pgCtl(['-o', this.options(), '-l', join(this.dir, 'log'), '-w', 'start']);
  }

  /** `pg_ctl restart -m fast`: every session is ended (57P01), new ones are refused until it is back. */
  async restart(): Promise<void> {
    await this.pgCtl(['-m', 'fast', '-o', this.options(), '-l', join(this.dir, 'log'), '-w', 'restart']);
  }

  async stop(): Promise<void> {
    if (this.running) await this.pgCtl(['-m', 'fast', '-w', 'stop']).catch(() => undefined);
    this.running = false;
    process.removeListener('exit', this.exitHook);
    rmSync(this.dir, { recursive: true, force: true });
  }

  /** The server log's last lines, for failure messages. */
  logTail(lines = 30): string {
    const log = join(this.dir, 'log');
    return existsSync(log) ? readFileSync(log, 'utf8').split('\n').slice(-lines).join('\n') : '(no log)';
  }

  private options(): string {
    return `-p ${this.port} -k ${this.dir} -c listen_addresses=127.0.0.1 -c max_connections=200`;
  }

  private pgCtl(args: string[]) {
    return this.asPostgres('pg_ctl', ['-D', this.data, ...args]);
  }

  private asPostgres(tool: string, args: string[]) {
    return run('runuser', ['-u', 'postgres', '--', `${BIN}/${tool}`, ...args], { timeout: 60_000 });
  }

  /** Last resort when the test process exits without afterAll: an immediate stop, synchronously. */
  private stopNow(): void {
    try {
      execFileSync('runuser', ['-u', 'postgres', '--', `${BIN}/pg_ctl`, '-D', this.data, '-m', 'immediate', 'stop']);
    } catch {
      // already stopped
    }
  }
}
