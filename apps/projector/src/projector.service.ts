import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import type { PgPool as Pool } from '@ledger/postgres';
import { LEDGER_CONFIG, LedgerConfig } from '@ledger/config';
import { EVENT_STORE, EventStore } from '@ledger/event-store';
import { type KafkaClient, KafkaProbe, KafkajsPublisher, createKafka, ensureTopics } from '@ledger/kafka-publisher';
import { LedgerProjection } from '@ledger/ledger-projection';
import { measureProjectionLag } from '@ledger/operations';
import { OUTBOX_RELAY_LOCK_KEY, OutboxRelay, entryMessages } from '@ledger/outbox';
import { PG_POOL } from '@ledger/postgres';
import { AdvisoryLock, ServingVersionRunner } from '@ledger/projection';
import { tmf654V2Base } from '@ledger/contracts';

/** How often the active projector logs its lag while it has any (silent when caught up). */
const LAG_LOG_INTERVAL_MS = 30_000;

/**
 * The projector process: one projection runner for the serving read-model version and the outbox
 * relay, each the single active instance cluster-wide through its own advisory lock. A second
 * process waits on those locks and takes over when the first dies. Neither needs the other's
 * dependency to start: the projection runs while Kafka is down (the outbox grows), and the relay
 * creates the topics once the broker answers. Both outlive a PostgreSQL restart: they reconnect
 * with backoff and take their locks again.
 */
@Injectable()
export class ProjectorService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('Projector');
  private readonly kafka: KafkaClient;
  readonly kafkaProbe: KafkaProbe;
  private runner: ServingVersionRunner | undefined;
  private relay: OutboxRelay | undefined;
  private relayStarting: Promise<void> | undefined;
  private readonly relayLock: AdvisoryLock;
  private stopped = false;
  private lagTimer: NodeJS.Timeout | undefined;

  constructor(
    @Inject(LEDGER_CONFIG) private readonly config: LedgerConfig,
    @Inject(PG_POOL) private readonly pool: Pool,
    @Inject(EVENT_STORE) private readonly store: EventStore,
  ) {
    this.kafka = createKafka({
      brokers: config.kafkaBrokers,
      clientId: `${config.kafkaClientId}-projector`,
      ...config.kafkaSecurity,
    });
    this.kafkaProbe = new KafkaProbe(this.kafka);
    this.relayLock = new AdvisoryLock(config.databaseUrl, OUTBOX_RELAY_LOCK_KEY);
  }

  onApplicationBootstrap(): void {
    this.runner = new ServingVersionRunner({
      pool: this.pool,
      store: this.store,
      databaseUrl: this.config.databaseUrl,
      projection: new LedgerProjection({
        topics: this.config.topics,
        hrefBase: tmf654V2Base(this.config.publicBaseUrl),
      }),
      onBatch: () => this.relay?.notify(),
    });
    this.runner.start().catch((error: unknown) => this.logger.error(`projection did not start: ${String(error)}`));
    this.startRelay();
    this.lagTimer = setInterval(() => {
      this.logLag().catch((error: unknown) => this.logger.warn(`lag not measured: ${String(error)}`));
    }, LAG_LOG_INTERVAL_MS).unref();
  }

  /** Only the instance holding the projection lock reports, so standbys do not repeat it. */
  private async logLag(): Promise<void> {
    const modelVersion = this.runner?.modelVersion;
    if (!this.runner?.holdsLock || modelVersion === undefined) return;
    const lag = await measureProjectionLag(this.pool, this.store, { modelVersion });
    if (lag.eventsBehind === 0 && lag.outboxBacklog === 0) return;
    const atLeast = (capped: boolean) => (capped ? '≥' : '');
    this.logger.log(
      `lag: ${atLeast(lag.eventsBehindCapped)}${lag.eventsBehind} events (${lag.secondsBehind} s); ` +
        `outbox: ${atLeast(lag.outboxBacklogCapped)}${lag.outboxBacklog} rows (oldest ${lag.oldestOutboxAgeSeconds} s)`,
    );
  }

  /** Takes the relay lock (waiting while another instance or an outage keeps it) and publishes under it. */
  private startRelay(): void {
    this.relayStarting = this.runRelay()
      .catch((error: unknown) => this.logger.error(`outbox relay did not start: ${String(error)}`))
      .finally(() => (this.relayStarting = undefined));
  }

  private async runRelay(): Promise<void> {
    const client = await this.relayLock.acquire(() => this.stopped);
    if (!client) return;
    this.logger.log('holds the outbox relay lock; publishing');
    this.relay = new OutboxRelay({
      client,
      publisher: new KafkajsPublisher(this.kafka),
      messages: (row) => entryMessages(row, this.config.topics),
      maxBatchBytes: this.config.relay.maxBatchBytes,
      parkAfterAttempts: this.config.relay.parkAfterAttempts,
      prepare: () => this.ensureTopics(),
      onConnectionLost: () => {
        this.relayLock
          .release()
          .then(() => {
            if (!this.stopped) this.startRelay();
          })
          .catch((error: unknown) => this.logger.error(`outbox relay restart failed: ${String(error)}`));
      },
    });
    this.relay.start();
  }

  private async ensureTopics(): Promise<void> {
    const created = await ensureTopics(this.kafka, this.config.topics);
    if (created.length > 0) this.logger.log(`created topics ${created.join(', ')}`);
  }

  /** What readiness needs from the process itself; PostgreSQL and Kafka are probed by the health controller. */
  status() {
    const relayRunning = this.relay?.status().running ?? false;
    return {
      projection: { active: this.runner?.active ?? false, holdsLock: this.runner?.holdsLock ?? false },
      relay: {
        // Holding the lock and publishing, waiting for it, or between the two after losing it.
        active:
          !this.stopped &&
          ((this.relayLock.held && relayRunning) || this.relayLock.waitingForLock || this.relayStarting !== undefined),
        holdsLock: this.relayLock.held,
        ...(this.relay?.status() ?? { failures: 0, lastError: undefined, parked: 0 }),
      },
      checkpoint: this.runner?.checkpoint,
    };
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.lagTimer);
    this.stopped = true;
    this.relayLock.interrupt();
    await this.runner?.stop();
    await this.relayStarting;
    await this.relay?.stop();
    await this.relayLock.release();
    await this.kafkaProbe.close();
  }
}
