import { Provider } from '@nestjs/common';
import { LEDGER_CONFIG, LedgerConfig } from '@ledger/config';
import { createKafka } from '@ledger/kafka-publisher';

export const KAFKA = Symbol('KAFKA');

export const kafkaProvider: Provider = {
  provide: KAFKA,
  inject: [LEDGER_CONFIG],
  useFactory: (config: LedgerConfig) =>
    createKafka({ brokers: config.kafkaBrokers, clientId: `${config.kafkaClientId}-api`, ...config.kafkaSecurity }),
};
