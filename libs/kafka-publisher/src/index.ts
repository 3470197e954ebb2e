export type { Kafka as KafkaClient } from 'kafkajs';
export { type BrokerStatus, type KafkaClientOptions, createKafka, probeKafka } from './kafka-client';
export { KafkaProbe } from './kafka-probe';
export { KafkajsPublisher, type MessagePublisher, type OutgoingMessage } from './message-publisher';
export { type TopicRecord, readWholeTopic } from './topic-reader';
export {
  DEFAULT_REPLICATION_FACTOR,
  type Durability,
  type DurabilitySettings,
  TopicDurabilityError,
  decideDurability,
} from './topic-durability';
export { type EnsureTopicsOptions, type TopicSettings, ensureTopics } from './topics';
export { recordRejection } from './publish-errors';
