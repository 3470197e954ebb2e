import { Logger } from '@nestjs/common';
import { Client } from 'pg';
import { backoffDelay, cancellableDelay } from './backoff';

export interface AdvisoryLockOptions {
  /** Called once per acquisition when the lock's connection dies: the lock is no longer ours. */
  onLost?: (error: unknown) => void;
  /** Pause between tries while another instance holds the lock (default 1 s). */
  pollMs?: number;
  /** Cap of the backoff while PostgreSQL cannot be reached (default 10 s). */
  maxBackoffMs?: number;
}

/**
 * A session-level advisory lock held on its own connection: it is released by PostgreSQL the
 * moment that connection dies, which is how a standby instance takes over from a crashed one.
 * While PostgreSQL is unreachable (a restart, a failover), acquire() keeps trying with capped,
 * jittered backoff instead of failing: a lock holder must come back by itself.
 */
export class AdvisoryLock {
  private readonly logger: Logger;
  private client: Client | undefined;
  private waiting: { cancel: () => void } | undefined;
  private acquiring = false;

  constructor(
    private readonly databaseUrl: string,
    readonly key: string,
    private readonly options: AdvisoryLockOptions = {},
  ) {
    this.logger = new Logger(`AdvisoryLock:${key}`);
  }

  get held(): boolean {
    return this.client !== undefined;
  }

  /** True while acquire() runs: waiting for another holder or for PostgreSQL to come back. */
  get waitingForLock(): boolean {
    return this.acquiring;
  }

  /** Resolves with the connection once the lock is ours, or undefined once `isStopped()`. Never rejects. */
  async acquire(isStopped: () => boolean, pollMs = this.options.pollMs ?? 1000): Promise<Client | undefined> {
    this.acquiring = true;
    try {
      for (let failures = 0; !isStopped();) {
        const outcome = await this.tryOnce();
        if (outcome === 'unreachable') failures++;
        else failures = 0;
        if (typeof outcome === 'object') {
          if (!isStopped()) return outcome;
          await outcome.end().catch(() => undefined);
          return undefined;
        }
        const pause =
          outcome === 'busy' ? pollMs : backoffDelay(failures, { maxMs: this.options.maxBackoffMs ?? 10_000 });
        await this.pause(pause);
      }
      return undefined;
    } finally {
      this.acquiring = false;
    }
  }

  /** One try: the connection when the lock is ours, undefined when another session holds it; rejects when PostgreSQL cannot be reached. */
  async tryAcquire(): Promise<Client | undefined> {
    const outcome = await this.tryOnce(true);
    return outcome === 'busy' ? undefined : (outcome as Client);
  }

  /** Ends a pending acquire()'s pause at once (its loop then checks isStopped). */
  interrupt(): void {
    this.waiting?.cancel();
  }

  private async tryOnce(rethrow = false): Promise<Client | 'busy' | 'unreachable'> {
    const client = new Client({ connectionString: this.databaseUrl, application_name: `lock:${this.key}` });
    // Before connect(): an 'error' event with no listener would end the process.
    let lostError: unknown;
    client.on('error', (error) => {
      lostError = error;
      if (this.client === client) this.lost(error);
    });
    client.on('end', () => {
      if (this.client === client) this.lost(lostError ?? new Error('the lock connection ended'));
    });
    try {
      await client.connect();
      const { rows } = await client.query<{ ok: boolean }>(
        'SELECT pg_try_advisory_lock(hashtextextended($1, 0)) AS ok',
        [this.key],
      );
      if (rows[0].ok) {
        this.client = client;
        return client;
      }
      await client.end().catch(() => undefined);
      return 'busy';
    } catch (error) {
      await client.end().catch(() => undefined);
      if (rethrow) throw error;
      this.logger.warn(`PostgreSQL unreachable, will retry: ${String(error)}`);
      return 'unreachable';
    }
  }

  private async pause(ms: number): Promise<void> {
    const wait = cancellableDelay(ms);
    this.waiting = wait;
    await wait.done;
    this.waiting = undefined;
  }

  private lost(error: unknown): void {
    this.client = undefined;
    this.options.onLost?.(error);
  }

  async release(): Promise<void> {
    const client = this.client;
    this.client = undefined;
    await client?.end().catch(() => undefined);
  }
}
