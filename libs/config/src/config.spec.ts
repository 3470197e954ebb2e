import { ConfigError, loadConfig } from './config';

describe('loadConfig', () => {
  it('runs on local defaults with an empty environment', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({
      port: 3000,
      publicBaseUrl: 'http://127.0.0.1:3000',
      databaseUrl: 'postgres://postgres@127.0.0.1:5432/ledger',
      kafkaBrokers: ['127.0.0.1:9092'],
      eventStore: 'postgres',
      topics: { bucketState: 'ledger.bucket-state.v1', balanceEvents: 'ledger.balance-events.v1', partitions: 6 },
    });
  });

  it('reads every variable it documents', () => {
    const config = loadConfig({
      PORT: '8080',
      HOST: '0.0.0.0',
      PUBLIC_BASE_URL: 'https://ledger.example.com/',
      DATABASE_URL: 'postgresql://u@db:5432/x',
      KAFKA_BROKERS: 'k1:9092, k2:9092',
      EVENT_STORE: 'eventstoredb',
      EVENTSTORE_CONNECTION_STRING: 'esdb://127.0.0.1:2113?tls=false',
      KAFKA_TOPIC_BUCKET_STATE: 'a.state',
      KAFKA_TOPIC_BALANCE_EVENTS: 'a.events',
      KAFKA_TOPIC_PARTITIONS: '12',
      KAFKA_REPLICATION_FACTOR: '3',
      KAFKA_MIN_INSYNC_REPLICAS: '2',
    });
    expect(config).toMatchObject({
      host: '0.0.0.0',
      port: 8080,
      publicBaseUrl: 'https://ledger.example.com',
      kafkaBrokers: ['k1:9092', 'k2:9092'],
      eventStore: 'eventstoredb',
      eventStoreConnectionString: 'esdb://127.0.0.1:2113?tls=false',
      topics: {
        bucketState: 'a.state',
        balanceEvents: 'a.events',
        partitions: 12,
        replicationFactor: 3,
        minInsyncReplicas: 2,
      },
    });
  });

  it('holds a reservation 900 s by default and scans for expired ones every second', () => {
    expect(loadConfig({})).toMatchObject({ reservationDefaultTtlSeconds: 900, reservationExpiryScanMs: 1000 });
    const set = loadConfig({ RESERVATION_DEFAULT_TTL_SECONDS: '60', RESERVATION_EXPIRY_SCAN_MS: '250' });
    expect(set).toMatchObject({ reservationDefaultTtlSeconds: 60, reservationExpiryScanMs: 250 });
    expect(() => loadConfig({ RESERVATION_DEFAULT_TTL_SECONDS: '0' })).toThrow(ConfigError);
  });

  it('leaves the replication factor and min ISR to the cluster when unset', () => {
    const { topics } = loadConfig({});
    expect(topics.replicationFactor).toBeUndefined();
    expect(topics.minInsyncReplicas).toBeUndefined();
  });

  it.each([
    ['PORT', { PORT: 'eighty' }],
    ['PORT', { PORT: '70000' }],
    ['DATABASE_URL', { DATABASE_URL: 'mysql://x/y' }],
    ['DATABASE_URL', { DATABASE_URL: 'not a url' }],
    ['KAFKA_BROKERS', { KAFKA_BROKERS: 'localhost' }],
    ['EVENT_STORE', { EVENT_STORE: 'mongo' }],
    ['EVENTSTORE_CONNECTION_STRING', { EVENT_STORE: 'eventstoredb' }],
    ['EVENTSTORE_CONNECTION_STRING', { EVENTSTORE_CONNECTION_STRING: 'http://x' }],
    ['KAFKA_TOPIC_BUCKET_STATE', { KAFKA_TOPIC_BUCKET_STATE: 'bad topic!' }],
    ['KAFKA_TOPIC_PARTITIONS', { KAFKA_TOPIC_PARTITIONS: '0' }],
    ['KAFKA_REPLICATION_FACTOR', { KAFKA_REPLICATION_FACTOR: '0' }],
    ['KAFKA_MIN_INSYNC_REPLICAS', { KAFKA_MIN_INSYNC_REPLICAS: 'two' }],
  ])('rejects a bad %s naming the variable', (variable, env) => {
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow(new RegExp(`^Invalid configuration: ${variable} `));
  });
});
