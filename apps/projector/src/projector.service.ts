import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { Kafka } from 'kafkajs';
import { Pool } from 'pg';
import { LEDGER_CONFIG, LedgerConfig } from '@ledger/config';
import { EVENT_STORE, EventStore } from '@ledger/event-store';
import { KafkajsPublisher, OutboxRelay, createKafka, ensureTopics } from '@ledger/kafka-publisher';
import { PG_POOL } from '@ledger/postgres';
import { AdvisoryLock, LedgerProjection, ProjectionRunner, ReadModelQueries } from '@ledger/read-model';

/**
 * The projector process: one projection runner for the serving read-model version and the outbox
 * relay, each the single active instance cluster-wide through its own advisory lock. A second
 * process waits on those locks and takes over when the first dies.
 */
@Injectable()
export class ProjectorService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('Projector');
  private readonly kafka: Kafka;
  private runner: ProjectionRunner | undefined;
  private relay: OutboxRelay | undefined;
  private readonly relayLock: AdvisoryLock;
  private stopped = false;

  constructor(
    @Inject(LEDGER_CONFIG) private readonly config: LedgerConfig,
    @Inject(PG_POOL) private readonly pool: Pool,
    @Inject(EVENT_STORE) private readonly store: EventStore,
  ) {
    this.kafka = createKafka({ brokers: config.kafkaBrokers, clientId: `${config.kafkaClientId}-projector` });
    this.relayLock = new AdvisoryLock(config.databaseUrl, 'outbox-relay');
  }

  async onApplicationBootstrap(): Promise<void> {
    const created = await ensureTopics(this.kafka, this.config.topics);
    if (created.length > 0) this.logger.log(`created topics ${created.join(', ')}`);
    const modelVersion = await new ReadModelQueries(this.pool).servingVersion();
    this.runner = new ProjectionRunner({
      store: this.store,
      databaseUrl: this.config.databaseUrl,
      modelVersion,
      projection: new LedgerProjection({
        topics: this.config.topics,
        hrefBase: `${this.config.publicBaseUrl}/tmf-api/prepayBalanceManagement/v2`,
      }),
      onBatch: () => this.relay?.notify(),
    });
    void this.runner.start().catch((error: unknown) => this.logger.error(`projection did not start: ${String(error)}`));
    void this.startRelay();
  }

  private async startRelay(): Promise<void> {
    const client = await this.relayLock.acquire(() => this.stopped);
    if (!client) return;
    this.logger.log('holds the outbox relay lock; publishing');
    this.relay = new OutboxRelay({
      client,
      publisher: new KafkajsPublisher(this.kafka),
      onConnectionLost: () => {
        void this.relayLock.release().then(() => this.startRelay());
      },
    });
    this.relay.start();
  }

  status() {
    return { projectionLock: this.runner?.holdsLock ?? false, relayLock: this.relayLock.held, checkpoint: this.runner?.checkpoint };
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    await this.runner?.stop();
    await this.relay?.stop();
    await this.relayLock.release();
  }
}
