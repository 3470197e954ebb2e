import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import type { KeyObject } from 'node:crypto';
import { loadAnchorPrivateKey } from '@ledger/audit';
import { LEDGER_CONFIG, LedgerConfig } from '@ledger/config';
import { EVENT_STORE, EventStore } from '@ledger/event-store';
import { KafkajsPublisher, createKafka } from '@ledger/kafka-publisher';
import { AdvisoryLock } from '@ledger/projection';
import { AnchorWriter } from './anchor-writer';

/** Advisory-lock key of the single active anchor writer (hashed with hashtextextended(key, 0)). */
export const AUDIT_ANCHOR_LOCK_KEY = 'audit-anchors';

const RESTART_DELAY_MS = 1000;

/**
 * Runs the anchor writer in the projector process while this instance holds the anchoring lock;
 * standbys wait on the lock. Without AUDIT_ANCHOR_KEY_FILE nothing is anchored (said once, as a
 * warning); a key file that cannot be read as Ed25519 stops the process at start.
 */
@Injectable()
export class AnchorService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('AuditAnchors');
  private readonly lock: AdvisoryLock;
  private readonly privateKey: KeyObject | undefined;
  private readonly publisher: KafkajsPublisher;
  private writer: AnchorWriter | undefined;
  private stopped = false;
  private restarting = false;

  constructor(
    @Inject(LEDGER_CONFIG) private readonly config: LedgerConfig,
    @Inject(EVENT_STORE) private readonly store: EventStore,
  ) {
    this.lock = new AdvisoryLock(config.databaseUrl, AUDIT_ANCHOR_LOCK_KEY);
    const keyFile = config.audit.anchorKeyFile;
    this.privateKey = keyFile === undefined ? undefined : loadAnchorPrivateKey(keyFile);
    const kafka = createKafka({
      brokers: config.kafkaBrokers,
      clientId: `${config.kafkaClientId}-anchors`,
      ...config.kafkaSecurity,
    });
    this.publisher = new KafkajsPublisher(kafka);
  }

  get anchorsWritten(): number {
    return this.writer?.written ?? 0;
  }

  onApplicationBootstrap(): void {
    if (this.privateKey === undefined) {
      this.logger.warn('AUDIT_ANCHOR_KEY_FILE is not set: no audit anchors are written');
      return;
    }
    this.startWhenLocked(this.privateKey).catch((error: unknown) => this.restart(error));
  }

  private async startWhenLocked(privateKey: KeyObject): Promise<void> {
    const client = await this.lock.acquire(() => this.stopped);
    if (!client) return;
    const writer = new AnchorWriter({
      store: this.store,
      client,
      privateKey,
      publisher: this.publisher,
      topic: this.config.topics.auditAnchors,
      everyEvents: this.config.audit.anchorEveryEvents,
      intervalMs: this.config.audit.anchorIntervalMs,
      onFailure: (error) => this.restart(error),
    });
    this.writer = writer;
    client.once('error', () => this.restart(new Error('lost the anchoring lock connection')));
    await writer.start();
  }

  /** Stops the writer, gives up the lock and takes it again: the next writer continues from the stored tip. */
  private restart(error: unknown): void {
    if (this.stopped || this.restarting || this.privateKey === undefined) return;
    this.restarting = true;
    this.logger.error(`anchor writer stopped: ${error instanceof Error ? error.message : String(error)}; restarting`);
    const writer = this.writer;
    this.writer = undefined;
    const privateKey = this.privateKey;
    void (writer?.stop() ?? Promise.resolve())
      .then(() => this.lock.release())
      .then(() => new Promise((resolve) => setTimeout(resolve, RESTART_DELAY_MS)))
      .then(() => {
        this.restarting = false;
        return this.stopped ? undefined : this.startWhenLocked(privateKey);
      })
      .catch((next: unknown) => {
        this.restarting = false;
        this.restart(next);
      });
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    await this.writer?.stop();
    await this.lock.release();
    await this.publisher.close();
  }
}
