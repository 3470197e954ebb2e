import { Client } from 'pg';
import { delay, Wait } from '../subscription/wake-signal';

export interface NotificationListenerOptions {
  connectionString: string;
  channel: string;
  /** With the payload; without one after each (re)connect, when notifications may have been missed. */
  onNotification: (payload?: string) => void;
  onError?: (error: unknown) => void;
  reconnectDelayMs?: number;
  applicationName?: string;
}

/**
 * A dedicated LISTEN session that reconnects by itself. Notifications only shorten waits: the
 * subscriptions poll anyway, so a dropped session costs latency, never events. Each (re)connect
 * also counts as a notification because appends may have happened while it was down.
 */
export class NotificationListener {
  private client: Client | undefined;
  private closed = false;
  private running: Promise<void> | undefined;
  private reconnectWait: Wait | undefined;

  constructor(private readonly options: NotificationListenerOptions) {}

  start(): void {
    this.running ??= this.run();
  }

  async close(): Promise<void> {
    this.closed = true;
    this.reconnectWait?.cancel();
    await this.client?.end().catch(() => undefined);
    await this.running;
  }

  private async run(): Promise<void> {
    while (!this.closed) {
      try {
        await this.listenUntilDisconnected();
      } catch (error) {
        if (!this.closed) this.options.onError?.(error);
      }
      if (this.closed) return;
      this.reconnectWait = delay(this.options.reconnectDelayMs ?? 1_000);
      await this.reconnectWait.done;
    }
  }

  private async listenUntilDisconnected(): Promise<void> {
    const client = new Client({
      connectionString: this.options.connectionString,
      application_name: this.options.applicationName ?? 'event-store-listener',
    });
    this.client = client;
    // `on`, not `once`: a second 'error' without a listener would crash the process.
    const ended = new Promise<void>((resolve, reject) => {
      client.on('end', () => resolve());
      client.on('error', (error) => reject(error));
    });
    ended.catch(() => undefined);
    try {
      await client.connect();
      if (this.closed) return;
      client.on('notification', (message) => this.options.onNotification(message.payload));
      await client.query(`LISTEN ${this.options.channel}`);
      this.options.onNotification();
      await ended;
    } finally {
      this.client = undefined;
      await client.end().catch(() => undefined);
    }
  }
}
