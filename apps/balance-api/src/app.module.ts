import { DynamicModule, Module } from '@nestjs/common';
import { ConfigModule, LedgerConfig, loadConfig } from '@ledger/config';
import { PostgresModule } from '@ledger/postgres';
import { HealthController } from './health/health.controller';
import { kafkaProvider } from './kafka.provider';

@Module({})
export class AppModule {
  static forRoot(config: LedgerConfig = loadConfig()): DynamicModule {
    return {
      module: AppModule,
      imports: [ConfigModule.forRoot(config), PostgresModule],
      controllers: [HealthController],
      providers: [kafkaProvider],
    };
  }
}
