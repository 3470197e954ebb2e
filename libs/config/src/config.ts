/**
 * Process configuration, read once from the environment. Every variable has a documented default
 * (README, "Configuration") so `npm start` runs on local services with no setup; a bad value
 * stops the process with a message naming the variable instead of failing later on first use.
 */
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
  topics: { bucketState: string; balanceEvents: string; partitions: number; eventsRetentionMs: number };
  readYourWritesTimeoutMs: number;
  requestBodyLimit: string;
  /** Buckets whose folded state the command handler keeps between commands (0: read every stream). */
  commandCacheBuckets: number;
}

export class ConfigError extends Error {
  constructor(
    readonly variable: string,
    problem: string,
  ) {
    super(`Invalid configuration: ${variable} ${problem}`);
    this.name = 'ConfigError';
  }
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

function url(env: Env, name: string, fallback: string, protocols: string[]): string {
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
  return raw;
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

export function loadConfig(env: Env = process.env): LedgerConfig {
  const host = str(env, 'HOST', '127.0.0.1');
  const port = int(env, 'PORT', 3000, 0, 65535);
  const store = eventStore(env);
  return Object.freeze({
    host,
    port,
    publicBaseUrl: url(env, 'PUBLIC_BASE_URL', `http://${host}:${port}`, ['http:', 'https:']).replace(/\/+$/, ''),
    databaseUrl: url(env, 'DATABASE_URL', 'postgres://postgres@127.0.0.1:5432/ledger', ['postgres:', 'postgresql:']),
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
    },
    readYourWritesTimeoutMs: int(env, 'READ_YOUR_WRITES_TIMEOUT_MS', 3000, 0, 60_000),
    requestBodyLimit: str(env, 'REQUEST_BODY_LIMIT', '64kb'),
    commandCacheBuckets: int(env, 'COMMAND_CACHE_BUCKETS', 20_000, 0, 10_000_000),
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
