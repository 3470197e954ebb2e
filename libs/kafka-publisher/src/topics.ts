import { Logger } from '@nestjs/common';
import { Admin, ConfigResourceTypes, Kafka } from 'kafkajs';
import {
  type DurabilitySettings,
  ExistingTopic,
  TopicDurabilityError,
  WantedTopic,
  decideDurability,
  topicMismatches,
} from './topic-durability';

export interface TopicSettings extends DurabilitySettings {
  bucketState: string;
  balanceEvents: string;
  partitions: number;
  eventsRetentionMs: number;
  /** The signed audit anchors' topic, created with the others when given. */
  auditAnchors?: string;
}

export interface EnsureTopicsOptions {
  /** Where mismatches and weakened durability are reported; the library's logger by default. */
  warn?: (message: string) => void;
}

const logger = new Logger('KafkaTopics');

/**
 * Creates the ledger's topics when missing, with the replication factor and min.insync.replicas
 * decided from the configuration and the number of brokers the cluster reports. The state topic is
 * compacted so a consumer that starts from the beginning gets the latest state of every bucket; the
 * event topic keeps history by time. Existing topics are left as they are (changing partitions
 * would move keys between partitions); any difference from what would be created is a warning.
 * Returns the names of the topics it created.
 */
export async function ensureTopics(
  kafka: Kafka,
  settings: TopicSettings,
  options: EnsureTopicsOptions = {},
): Promise<string[]> {
  const warn = options.warn ?? ((message: string) => logger.warn(message));
  const admin = kafka.admin();
  await admin.connect();
  try {
    const { brokers } = await admin.describeCluster();
    const existing = new Set(await admin.listTopics());
    let durability: ReturnType<typeof decideDurability>;
    try {
      durability = decideDurability(settings, brokers.length);
    } catch (error) {
      // A broker down leaves the existing topics to publish to: only creating one with fewer copies
      // than configured is refused, never publishing to topics that are already there.
      const names = wantedTopics(settings, 1, 1).map((t) => t.name);
      if (error instanceof TopicDurabilityError && names.every((name) => existing.has(name))) return [];
      throw error;
    }
    durability.warnings.forEach(warn);
    const wanted = wantedTopics(settings, durability.replicationFactor, durability.minInsyncReplicas);
    const missing = wanted.filter((t) => !existing.has(t.name));
    const present = wanted.filter((t) => existing.has(t.name));
    if (present.length > 0) {
      for (const topic of await describeTopics(admin, present)) {
        topicMismatches(
          wanted.find((w) => w.name === topic.name)!,
          topic,
        ).forEach(warn);
      }
    }
    if (missing.length > 0) {
      await admin.createTopics({
        waitForLeaders: true,
        topics: missing.map((t) => ({
          topic: t.name,
          numPartitions: t.partitions,
          replicationFactor: t.replicationFactor,
          configEntries: Object.entries(t.configs).map(([name, value]) => ({ name, value })),
        })),
      });
      logger.log(
        `created ${missing.map((t) => t.name).join(', ')} with ${settings.partitions} partitions, ` +
          `replication factor ${durability.replicationFactor}, min.insync.replicas ${durability.minInsyncReplicas}`,
      );
    }
    return missing.map((t) => t.name);
  } finally {
    await admin.disconnect();
  }
}

function wantedTopics(settings: TopicSettings, replicationFactor: number, minInsyncReplicas: number): WantedTopic[] {
  const common = { partitions: settings.partitions, replicationFactor };
  const minIsr = String(minInsyncReplicas);
  // One partition: anchors form a chain, and a verifier reads them in sequence order. Kept forever.
  const anchors: WantedTopic[] = settings.auditAnchors
    ? [
        {
          name: settings.auditAnchors,
          partitions: 1,
          replicationFactor,
          configs: { 'cleanup.policy': 'delete', 'retention.ms': '-1', 'min.insync.replicas': minIsr },
        },
      ]
    : [];
  return [
    {
      ...common,
      name: settings.bucketState,
      configs: { 'cleanup.policy': 'compact', 'min.compaction.lag.ms': '60000', 'min.insync.replicas': minIsr },
    },
    {
      ...common,
      name: settings.balanceEvents,
      configs: {
        'cleanup.policy': 'delete',
        'retention.ms': String(settings.eventsRetentionMs),
        'min.insync.replicas': minIsr,
      },
    },
    ...anchors,
  ];
}

async function describeTopics(admin: Admin, topics: WantedTopic[]): Promise<ExistingTopic[]> {
  const names = topics.map((t) => t.name);
  const metadata = await admin.fetchTopicMetadata({ topics: names });
  const configs = await admin.describeConfigs({
    includeSynonyms: false,
    resources: topics.map((t) => ({
      type: ConfigResourceTypes.TOPIC,
      name: t.name,
      configNames: Object.keys(t.configs),
    })),
  });
  return metadata.topics.map((topic) => {
    const resource = configs.resources.find((r) => r.resourceName === topic.name);
    return {
      name: topic.name,
      partitions: topic.partitions.length,
      replicationFactor: Math.min(...topic.partitions.map((p) => p.replicas.length)),
      configs: Object.fromEntries((resource?.configEntries ?? []).map((e) => [e.configName, e.configValue])),
    };
  });
}
