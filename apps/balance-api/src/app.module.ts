import { DynamicModule, Module } from '@nestjs/common';
import { type ApiConfig, ConfigModule, loadApiConfig } from '@ledger/config';
import { EventStoreModule } from '@ledger/event-store';
import { PostgresModule } from '@ledger/postgres';
import { AuditModule } from './audit/audit.module';
import { AuthModule } from './auth/auth.module';
import { HealthModule } from './health/health.module';
import { LedgerApplicationModule } from './ledger-application.module';
import { BalanceActionController } from './v2/balance-action.controller';
import { BucketController } from './v2/bucket.controller';
import { TransferController } from './v2/transfer.controller';
import { ChargingController } from './v2/charging.controller';
import { V2Presenter } from './v2/v2-presenter';

@Module({})
export class AppModule {
  static forRoot(config: ApiConfig = loadApiConfig()): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot(config),
        AuthModule.forRoot(config),
        PostgresModule,
        EventStoreModule,
        LedgerApplicationModule,
        AuditModule,
        HealthModule,
      ],
      controllers: [BucketController, BalanceActionController, TransferController, ChargingController],
      providers: [V2Presenter],
    };
  }
}
