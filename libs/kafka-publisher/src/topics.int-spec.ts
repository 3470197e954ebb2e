import { randomUUID } from 'node:crypto';
import { Admin, ConfigResourceTypes, Kafka } from 'kafkajs';
import { createKafka } from './kafka-client';
import { TopicDurabilityError } from './topic-durability';
import { TopicSettings, ensureTopics } from './topics';

/** The shared single broker of the test run: the defaults must come down to one copy there. */
const brokers = (process.env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(',');

async function durabilityOf(admin: Admin, topic: string) {
  const { topics } = await admin.fetchTopicMetadata({ topics: [topic] });
  const { resources } = await admin.describeConfigs({
    includeSynonyms: false,
    resources: [
      { type: ConfigResourceTypes.TOPIC, name: topic, configNames: ['min.insync.replicas', 'cleanup.policy'] },
    ],
  });
  const config = Object.fromEntries(resources[0].configEntries.map((e) => [e.configName, e.configValue]));
  return {
    partitions: topics[0].partitions.length,
    replicas: topics[0].partitions.map((p) => p.replicas.length),
    minInsyncReplicas: config['min.insync.replicas'],
    cleanupPolicy: config['cleanup.policy'],
  };
}

describe('ensureTopics against the real broker', () => {
  let kafka: Kafka;
  let admin: Admin;
  const created: string[] = [];

  function settings(overrides: Partial<TopicSettings> = {}): TopicSettings {
    const suffix = randomUUID().slice(0, 8);
    const s = {
      bucketState: `it.topics.state.${suffix}`,
      balanceEvents: `it.topics.events.${suffix}`,
      partitions: 3,
      eventsRetentionMs: 3_600_000,
      ...overrides,
    };
    created.push(s.bucketState, s.balanceEvents);
    return s;
  }

  beforeAll(async () => {
    kafka = createKafka({ brokers, clientId: 'topics-int-spec' });
    admin = kafka.admin();
    await admin.connect();
  });

  afterAll(async () => {
    const existing = new Set(await admin.listTopics());
    const ours = created.filter((t) => existing.has(t));
    if (ours.length > 0) await admin.deleteTopics({ topics: ours });
    await admin.disconnect();
  });

  it('creates both topics with one replica and min ISR 1 on a single broker, warning about it', async () => {
    const warnings: string[] = [];
    const s = settings();
    expect(await ensureTopics(kafka, s, { warn: (m) => warnings.push(m) })).toEqual([s.bucketState, s.balanceEvents]);
    expect(await durabilityOf(admin, s.bucketState)).toEqual({
      partitions: 3,
      replicas: [1, 1, 1],
      minInsyncReplicas: '1',
      cleanupPolicy: 'compact',
    });
    expect(await durabilityOf(admin, s.balanceEvents)).toMatchObject({ replicas: [1, 1, 1], cleanupPolicy: 'delete' });
    expect(warnings).toEqual([expect.stringContaining('replication factor 1')]);
  });

  it('leaves existing topics alone and reports nothing when they match', async () => {
    const s = settings({ replicationFactor: 1 });
    await ensureTopics(kafka, s, { warn: () => undefined });
    const warnings: string[] = [];
    expect(await ensureTopics(kafka, s, { warn: (m) => warnings.push(m) })).toEqual([]);
    expect(warnings).toEqual([]);
  });

  it('warns about an existing topic that differs, and never changes its partitions', async () => {
    const s = settings({ replicationFactor: 1 });
    await admin.createTopics({ topics: [{ topic: s.bucketState, numPartitions: 2 }], waitForLeaders: true });
    const warnings: string[] = [];
    expect(await ensureTopics(kafka, s, { warn: (m) => warnings.push(m) })).toEqual([s.balanceEvents]);
    expect(warnings).toEqual([
      `topic ${s.bucketState}: partition count is 2, expected 3`,
      `topic ${s.bucketState}: cleanup.policy is delete, expected compact`,
      `topic ${s.bucketState}: min.compaction.lag.ms is 0, expected 60000`,
    ]);
    expect((await durabilityOf(admin, s.bucketState)).partitions).toBe(2);
  });

  it('refuses a configured replication factor the cluster cannot hold, creating nothing', async () => {
    const s = settings({ replicationFactor: 3 });
    await expect(ensureTopics(kafka, s)).rejects.toThrow(TopicDurabilityError);
    const existing = await admin.listTopics();
    expect(existing).not.toContain(s.bucketState);
    expect(existing).not.toContain(s.balanceEvents);
  });

  it('keeps publishing possible with a broker down: existing topics pass a replication factor the cluster cannot hold now', async () => {
    const s = settings();
    await ensureTopics(kafka, s, { warn: () => undefined });
    // The same topics, now asked for with 3 copies on this one broker: as after a broker of three died.
    await expect(ensureTopics(kafka, { ...s, replicationFactor: 3 })).resolves.toEqual([]);
    const partial = { ...s, balanceEvents: `${s.balanceEvents}.missing`, replicationFactor: 3 };
    created.push(partial.balanceEvents);
    await expect(ensureTopics(kafka, partial)).rejects.toThrow(TopicDurabilityError);
  });
});
