import { Client } from 'pg';

/**
 * A session-level advisory lock held on its own connection: it is released by PostgreSQL the
 * moment that connection dies, which is how a standby instance takes over from a crashed one.
 */
export class AdvisoryLock {
  private client: Client | undefined;

  constructor(
    private readonly databaseUrl: string,
    readonly key: string,
  ) {}

  get held(): boolean {
    return this.client !== undefined;
  }

  /** Resolves with the connection once the lock is ours; polls while another instance holds it. */
  async acquire(isStopped: () => boolean, pollMs = 1000): Promise<Client | undefined> {
    while (!isStopped()) {
      const client = new Client({ connectionString: this.databaseUrl, application_name: `lock:${this.key}` });
      await client.connect();
      const { rows } = await client.query<{ ok: boolean }>(
        'SELECT pg_try_advisory_lock(hashtextextended($1, 0)) AS ok',
        [this.key],
      );
      if (rows[0].ok) {
        client.on('error', () => this.lost());
        this.client = client;
        return client;
      }
      await client.end();
      await new Promise((r) => setTimeout(r, pollMs));
    }
    return undefined;
  }

  private lost(): void {
    this.client = undefined;
  }

  async release(): Promise<void> {
    const client = this.client;
    this.client = undefined;
    await client?.end().catch(() => undefined);
  }
}
