import type { Provider } from '@nestjs/common';
import { type KafkaClient, KafkaProbe } from '@ledger/kafka-publisher';
import { KAFKA } from '../kafka.provider';

export const KAFKA_PROBE = Symbol('KAFKA_PROBE');

export const kafkaProbeProvider: Provider = {
  provide: KAFKA_PROBE,
  inject: [KAFKA],
  useFactory: (kafka: KafkaClient) => new KafkaProbe(kafka),
};
