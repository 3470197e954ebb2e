import { DynamicModule, Module } from '@nestjs/common';
import { ConfigModule, LedgerConfig, loadConfig } from '@ledger/config';
import { EventStoreModule } from '@ledger/event-store';
import { PostgresModule } from '@ledger/postgres';
import { BalanceActionController } from './ledger/balance-action.controller';
import { BucketCommandHandler } from './ledger/bucket-command.handler';
import { BucketController } from './ledger/bucket.controller';
import { LedgerCommands } from './ledger/ledger-commands.service';
import { LedgerReads } from './ledger/ledger-reads.service';
import { HealthController } from './health/health.controller';
import { kafkaProvider } from './kafka.provider';

@Module({})
export class AppModule {
  static forRoot(config: LedgerConfig = loadConfig()): DynamicModule {
    return {
      module: AppModule,
      imports: [ConfigModule.forRoot(config), PostgresModule, EventStoreModule],
      controllers: [HealthController, BucketController, BalanceActionController],
      providers: [kafkaProvider, BucketCommandHandler, LedgerCommands, LedgerReads],
    };
  }
}
