export type { Kafka as KafkaClient } from 'kafkajs';
export { type BrokerStatus, type KafkaClientOptions, createKafka, probeKafka } from './kafka-client';
export { KafkajsPublisher, type MessagePublisher, type OutgoingMessage } from './message-publisher';
export { type TopicSettings, ensureTopics } from './topics';
