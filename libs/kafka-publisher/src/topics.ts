import { Kafka } from 'kafkajs';

export interface TopicSettings {
  bucketState: string;
  balanceEvents: string;
  partitions: number;
  eventsRetentionMs: number;
}

/**
 * Creates the ledger's topics when missing. The state topic is compacted so a consumer that starts
 * from the beginning gets the latest state of every bucket; the event topic keeps history by time.
 * Existing topics are left as they are (changing partitions would move keys between partitions).
 */
export async function ensureTopics(kafka: Kafka, settings: TopicSettings): Promise<string[]> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const existing = new Set(await admin.listTopics());
    const wanted = [
      {
        topic: settings.bucketState,
        numPartitions: settings.partitions,
        configEntries: [
          { name: 'cleanup.policy', value: 'compact' },
          { name: 'min.compaction.lag.ms', value: '60000' },
        ],
      },
      {
        topic: settings.balanceEvents,
        numPartitions: settings.partitions,
        configEntries: [
          { name: 'cleanup.policy', value: 'delete' },
          { name: 'retention.ms', value: String(settings.eventsRetentionMs) },
        ],
      },
    ].filter((t) => !existing.has(t.topic));
    if (wanted.length > 0) await admin.createTopics({ topics: wanted, waitForLeaders: true });
    return wanted.map((t) => t.topic);
  } finally {
    await admin.disconnect();
  }
}
