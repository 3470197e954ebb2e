import { DynamicModule, Module } from '@nestjs/common';
import { ConfigModule, LedgerConfig, loadConfig } from '@ledger/config';
import { EventStoreModule } from '@ledger/event-store';
import { PostgresModule } from '@ledger/postgres';
import { HealthController } from './health/health.controller';
import { kafkaProvider } from './kafka.provider';
import { LedgerApplicationModule } from './ledger-application.module';
import { BalanceActionController } from './v2/balance-action.controller';
import { BucketController } from './v2/bucket.controller';
import { V2Presenter } from './v2/v2-presenter';

@Module({})
export class AppModule {
  static forRoot(config: LedgerConfig = loadConfig()): DynamicModule {
    return {
      module: AppModule,
      imports: [ConfigModule.forRoot(config), PostgresModule, EventStoreModule, LedgerApplicationModule],
      controllers: [HealthController, BucketController, BalanceActionController],
      providers: [kafkaProvider, V2Presenter],
    };
  }
}
