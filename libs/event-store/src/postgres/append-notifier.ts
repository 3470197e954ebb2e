import { Client } from 'pg';

export interface AppendNotifierOptions {
  connectionString: string;
  channel: string;
  onError?: (error: unknown) => void;
  /** After a failure, notifications are skipped (subscribers poll) for this long. */
  retryAfterMs?: number;
}

/**
 * Sends the wake-up NOTIFY after appends have committed, on a session of its own with
 * synchronous_commit off. NOTIFY inside the append would serialise every append's commit behind
 * PostgreSQL's notify lock; here at most one NOTIFY is in flight and all appends that commit
 * meanwhile share the next one. A lost notification only costs a subscriber one poll interval.
 */
export class AppendNotifier {
  private client: Client | undefined;
  private sending = false;
  private drained: Promise<void> = Promise.resolve();
  private pending = false;
  private closed = false;
  private pausedUntil = 0;

  constructor(private readonly options: AppendNotifierOptions) {}

  notify(): void {
    if (this.closed || Date.now() < this.pausedUntil) return;
    this.pending = true;
    if (this.sending) return;
    this.sending = true;
    this.drained = this.drain();
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.drained;
    await this.client?.end().catch(() => undefined);
    this.client = undefined;
  }

  private async drain(): Promise<void> {
    try {
      while (this.pending && !this.closed) {
        this.pending = false;
        const client = this.client ?? (await this.connect());
        await client.query(`NOTIFY ${this.options.channel}`);
      }
    } catch (error) {
      this.fail(error);
    } finally {
      this.sending = false;
    }
  }

  private async connect(): Promise<Client> {
    const client = new Client({
      connectionString: this.options.connectionString,
      application_name: 'event-store-notifier',
    });
    client.on('error', (error) => this.fail(error));
    await client.connect();
    await client.query('SET synchronous_commit = off');
    this.client = client;
    return client;
  }

  private fail(error: unknown): void {
    const broken = this.client;
    this.client = undefined;
    // Already failing: how the old connection ends changes nothing.
    if (broken) broken.end().catch(() => undefined);
    this.pausedUntil = Date.now() + (this.options.retryAfterMs ?? 1_000);
    this.options.onError?.(error);
  }
}
