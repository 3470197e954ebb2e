import { Inject, Module, OnApplicationShutdown } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import type { KafkaProbe } from '@ledger/kafka-publisher';
import { kafkaProvider } from '../kafka.provider';
import { HealthController } from './health.controller';
import { KAFKA_PROBE, kafkaProbeProvider } from './kafka-probe.provider';

/** Health endpoints; Kafka is probed over one admin connection that lives as long as the process. */
@Module({
  // Terminus logs every failed check; a load balancer polling a down dependency would flood the log.
  imports: [TerminusModule.forRoot({ logger: false })],
  controllers: [HealthController],
  providers: [kafkaProvider, kafkaProbeProvider],
})
export class HealthModule implements OnApplicationShutdown {
  constructor(@Inject(KAFKA_PROBE) private readonly probe: KafkaProbe) {}

  async onApplicationShutdown(): Promise<void> {
    await this.probe.close();
  }
}
