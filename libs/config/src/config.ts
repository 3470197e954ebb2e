/**
 * Process configuration, read once from the environment. Every variable has a documented default
 * (README, "Configuration") so `npm start` runs on local services with no setup; a bad value
 * stops the process with a message naming the variable instead of failing later on first use.
 */
import { readFileSync } from 'node:fs';
import { parseByteSize } from './byte-size';
import { ConfigError } from './config-error';
import { checkDatabaseTls } from './database-url';
import { KafkaSecurity, kafkaSecurity } from './kafka-security';
import { ReadTextFile, resolveSecretFiles } from './secret-files';

export { ConfigError };

export type EventStoreKind = 'postgres' | 'eventstoredb';

export interface LedgerConfig {
  host: string;
  port: number;
  publicBaseUrl: string;
  databaseUrl: string;
  kafkaBrokers: string[];
  kafkaClientId: string;
  eventStore: EventStoreKind;
  eventStoreConnectionString: string | undefined;
  topics: {
    bucketState: string;
    balanceEvents: string;
    partitions: number;
    eventsRetentionMs: number;
    /** Unset: 3, or the number of brokers when fewer (decided when the topics are created). */
    replicationFactor: number | undefined;
    /** Unset: 2 when there are 3 or more replicas, else 1. */
    minInsyncReplicas: number | undefined;
    /** Signed audit anchors (docs/auditing.md): one partition, kept forever. */
    auditAnchors: string;
  };
  readYourWritesTimeoutMs: number;
  /** Largest accepted request body, in bytes. */
  requestBodyLimit: number;
  /** Pool size of balance-api, and how long a query waits for a free connection before failing (503). */
  databasePool: { max: number; connectionTimeoutMs: number };
  /** `X-Total-Count` is exact up to this many matches and reported as the cap beyond it. */
  listCountCap: number;
  kafkaSecurity: KafkaSecurity;
  /** Buckets whose folded state the command handler keeps between commands (0: read every stream). */
  commandCacheBuckets: number;
  /** A reserve without an expiry holds for this long (docs/charging.md). */
  reservationDefaultTtlSeconds: number;
  /** How often the projector's expiry scheduler looks for held reservations past their expiry. */
  reservationExpiryScanMs: number;
  /** Outbox relay: bytes per Kafka request (below the broker's message.max.bytes), rejections before a row is parked. */
  relay: { maxBatchBytes: number; parkAfterAttempts: number };
  /** HTTP port of the projector's /health/live and /health/ready. */
  projectorHealthPort: number;
  /** Audit anchors (docs/auditing.md): how often the projector anchors, and the Ed25519 key files. */
  audit: {
    anchorEveryEvents: number;
    anchorIntervalMs: number;
    /** PEM private key; unset: the projector does not anchor. */
    anchorKeyFile: string | undefined;
    /** PEM public key verify-chain checks anchors with. */
    anchorPublicKeyFile: string | undefined;
  };
}

type Env = Record<string, string | undefined>;

function str(env: Env, name: string, fallback: string): string {
  const value = env[name];
  if (value === undefined || value === '') return fallback;
  return value.trim();
}

function int(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = str(env, name, String(fallback));
  if (!/^\d+$/.test(raw)) throw new ConfigError(name, `must be a whole number, got "${raw}"`);
  const value = Number(raw);
  if (value < min || value > max) throw new ConfigError(name, `must be between ${min} and ${max}, got ${value}`);
  return value;
}

/** A whole number when set; undefined when unset, so the default can depend on the running system. */
function optionalInt(env: Env, name: string, min: number, max: number): number | undefined {
  return str(env, name, '') === '' ? undefined : int(env, name, 0, min, max);
}

function parseUrl(env: Env, name: string, fallback: string, protocols: string[]): URL {
  const raw = str(env, name, fallback);
  let parsed: URL;
  try {
    parsed = new URL(raw);
  } catch {
    throw new ConfigError(name, `must be a URL, got "${raw}"`);
  }
  if (!protocols.includes(parsed.protocol)) {
    throw new ConfigError(name, `must use ${protocols.join(' or ')}, got "${parsed.protocol}"`);
  }
  return parsed;
}

function url(env: Env, name: string, fallback: string, protocols: string[]): string {
  parseUrl(env, name, fallback, protocols);
  return str(env, name, fallback);
}

function databaseUrl(env: Env, readFile: ReadTextFile): string {
  const fallback = 'postgres://postgres@127.0.0.1:5432/ledger';
  checkDatabaseTls('DATABASE_URL', parseUrl(env, 'DATABASE_URL', fallback, ['postgres:', 'postgresql:']), readFile);
  return str(env, 'DATABASE_URL', fallback);
}

const MAX_BODY_LIMIT = 16 * 1024 ** 2;

function byteSize(env: Env, name: string, fallback: string): number {
  const raw = str(env, name, fallback);
  const bytes = parseByteSize(raw);
  if (bytes === undefined) {
    throw new ConfigError(name, `must be a size in bytes with an optional unit b, kb (k) or mb (m), got "${raw}"`);
  }
  if (bytes < 1 || bytes > MAX_BODY_LIMIT) throw new ConfigError(name, `must be between 1b and 16mb, got "${raw}"`);
  return bytes;
}

function brokers(env: Env): string[] {
  const raw = str(env, 'KAFKA_BROKERS', '127.0.0.1:9092');
  const list = raw
    .split(',')
    .map((b) => b.trim())
    .filter(Boolean);
  const bad = list.find((b) => !/^[A-Za-z0-9.\-_[\]:]+:\d{1,5}$/.test(b));
  if (list.length === 0 || bad !== undefined) {
    throw new ConfigError('KAFKA_BROKERS', `must be a comma-separated list of host:port, got "${raw}"`);
  }
  return list;
}

function topicName(env: Env, name: string, fallback: string): string {
  const value = str(env, name, fallback);
  if (!/^[A-Za-z0-9._-]{1,249}$/.test(value)) {
    throw new ConfigError(name, `must be a Kafka topic name ([A-Za-z0-9._-], at most 249 characters), got "${value}"`);
  }
  return value;
}

function eventStore(env: Env): { kind: EventStoreKind; connection: string | undefined } {
  const kind = str(env, 'EVENT_STORE', 'postgres');
  if (kind !== 'postgres' && kind !== 'eventstoredb') {
    throw new ConfigError('EVENT_STORE', `must be "postgres" or "eventstoredb", got "${kind}"`);
  }
  const connection = env.EVENTSTORE_CONNECTION_STRING?.trim() || undefined;
  if (kind === 'eventstoredb' && connection === undefined) {
    throw new ConfigError('EVENTSTORE_CONNECTION_STRING', 'is required when EVENT_STORE=eventstoredb');
  }
  if (connection !== undefined && !/^esdb(\+discover)?:\/\//.test(connection)) {
    throw new ConfigError(
      'EVENTSTORE_CONNECTION_STRING',
      `must start with esdb:// or esdb+discover://, got "${connection}"`,
    );
  }
  return { kind, connection };
}

const readText: ReadTextFile = (path) => readFileSync(path, 'utf8');

/** `readFile` reads `*_FILE` secrets and certificate files; specs pass a map instead of a disk. */
export function loadConfig(environment: Env = process.env, readFile: ReadTextFile = readText): LedgerConfig {
  const env = resolveSecretFiles(environment, readFile);
  const host = str(env, 'HOST', '127.0.0.1');
  const port = int(env, 'PORT', 3000, 0, 65535);
  const store = eventStore(env);
  return Object.freeze({
    host,
    port,
    publicBaseUrl: url(env, 'PUBLIC_BASE_URL', `http://${host}:${port}`, ['http:', 'https:']).replace(/\/+$/, ''),
    databaseUrl: databaseUrl(env, readFile),
    kafkaBrokers: brokers(env),
    kafkaClientId: str(env, 'KAFKA_CLIENT_ID', 'prepay-balance-ledger'),
    eventStore: store.kind,
    eventStoreConnectionString: store.connection,
    topics: {
      bucketState: topicName(env, 'KAFKA_TOPIC_BUCKET_STATE', 'ledger.bucket-state.v1'),
      balanceEvents: topicName(env, 'KAFKA_TOPIC_BALANCE_EVENTS', 'ledger.balance-events.v1'),
      partitions: int(env, 'KAFKA_TOPIC_PARTITIONS', 6, 1, 1000),
      eventsRetentionMs: int(
        env,
        'KAFKA_EVENTS_RETENTION_MS',
        7 * 24 * 3600 * 1000,
        60_000,
        10 * 365 * 24 * 3600 * 1000,
      ),
      replicationFactor: optionalInt(env, 'KAFKA_REPLICATION_FACTOR', 1, 32),
      minInsyncReplicas: optionalInt(env, 'KAFKA_MIN_INSYNC_REPLICAS', 1, 32),
      auditAnchors: topicName(env, 'KAFKA_TOPIC_AUDIT_ANCHORS', 'ledger.audit-anchors.v1'),
    },
    readYourWritesTimeoutMs: int(env, 'READ_YOUR_WRITES_TIMEOUT_MS', 3000, 0, 60_000),
    requestBodyLimit: byteSize(env, 'REQUEST_BODY_LIMIT', '64kb'),
    databasePool: {
      max: int(env, 'DATABASE_POOL_MAX', 20, 1, 1000),
      connectionTimeoutMs: int(env, 'DATABASE_POOL_TIMEOUT_MS', 5000, 1, 600_000),
    },
    listCountCap: int(env, 'LIST_COUNT_CAP', 10_000, 1, 10_000_000),
    kafkaSecurity: kafkaSecurity(env, readFile),
    commandCacheBuckets: int(env, 'COMMAND_CACHE_BUCKETS', 20_000, 0, 10_000_000),
    reservationDefaultTtlSeconds: int(env, 'RESERVATION_DEFAULT_TTL_SECONDS', 900, 1, 366 * 24 * 3600),
    reservationExpiryScanMs: int(env, 'RESERVATION_EXPIRY_SCAN_MS', 1000, 10, 3_600_000),
    relay: {
      // Half the broker's default message.max.bytes (1 MB): room for the record batch's own overhead.
      maxBatchBytes: byteSize(env, 'RELAY_MAX_BATCH_BYTES', '512kb'),
      parkAfterAttempts: int(env, 'RELAY_PARK_AFTER_ATTEMPTS', 3, 1, 1000),
    },
    projectorHealthPort: int(env, 'PROJECTOR_HEALTH_PORT', 3001, 0, 65535),
    audit: {
      anchorEveryEvents: int(env, 'AUDIT_ANCHOR_EVERY_EVENTS', 1000, 1, 5000),
      anchorIntervalMs: int(env, 'AUDIT_ANCHOR_INTERVAL_MS', 10_000, 100, 24 * 3600 * 1000),
      anchorKeyFile: str(env, 'AUDIT_ANCHOR_KEY_FILE', '') || undefined,
      anchorPublicKeyFile: str(env, 'AUDIT_ANCHOR_PUBLIC_KEY_FILE', '') || undefined,
    },
  });
}

/** For process entry points: a bad configuration ends the process with the message and exit code 78 (EX_CONFIG). */
export function loadConfigOrExit(env: Env = process.env): LedgerConfig {
  try {
    return loadConfig(env);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(`${error.message}\n`);
    process.exit(78);
  }
}
