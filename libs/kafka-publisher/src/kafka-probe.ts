import type { Admin, Kafka } from 'kafkajs';
import type { BrokerStatus } from './kafka-client';

/**
 * Kafka reachability over one long-lived admin connection, for health endpoints that are polled
 * every few seconds: a new admin per probe would open (and tear down) a connection to every broker
 * each time. Probes that overlap share one request. After a failure the same admin reconnects on
 * the next probe; kafkajs's own retries are off so a probe answers within `timeoutMs`.
 */
export class KafkaProbe {
  private readonly admin: Admin;
  private connected: Promise<void> | undefined;
  private inFlight: Promise<BrokerStatus> | undefined;
  private closed = false;

  constructor(
    kafka: Kafka,
    private readonly timeoutMs = 3000,
  ) {
    this.admin = kafka.admin({ retry: { retries: 0 } });
  }

  probe(): Promise<BrokerStatus> {
    this.inFlight ??= this.describe().finally(() => (this.inFlight = undefined));
    return this.inFlight;
  }

  private async describe(): Promise<BrokerStatus> {
    if (this.closed) return { reachable: false, error: 'the probe is closed' };
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no answer within ${this.timeoutMs} ms`)), this.timeoutMs);
    });
    try {
      this.connected ??= this.admin.connect();
      await Promise.race([this.connected, timeout]);
      const cluster = await Promise.race([this.admin.describeCluster(), timeout]);
      return { reachable: true, brokers: cluster.brokers.length, controller: cluster.controller };
    } catch (error) {
      // Reconnect next time: a connection that timed out or failed is not trusted again.
      const stale = this.connected;
      this.connected = undefined;
      stale?.catch(() => undefined);
      await this.admin.disconnect().catch(() => undefined);
      return { reachable: false, error: error instanceof Error ? error.message : String(error) };
    } finally {
      clearTimeout(timer);
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.inFlight;
    await this.admin.disconnect().catch(() => undefined);
  }
}
