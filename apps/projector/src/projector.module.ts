import { DynamicModule, Module } from '@nestjs/common';
import { ConfigModule, LedgerConfig, loadConfig } from '@ledger/config';
import { EventStoreModule } from '@ledger/event-store';
import { PostgresModule } from '@ledger/postgres';
import { ProjectorService } from './projector.service';

@Module({})
export class ProjectorModule {
  static forRoot(config: LedgerConfig = loadConfig()): DynamicModule {
    return {
      module: ProjectorModule,
      imports: [ConfigModule.forRoot(config), PostgresModule, EventStoreModule],
      providers: [ProjectorService],
    };
  }
}
