import { DynamicModule, Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { ConfigModule, LedgerConfig, loadConfig } from '@ledger/config';
import { EventStoreModule } from '@ledger/event-store';
import { PostgresModule } from '@ledger/postgres';
import { AnchorService } from './anchor/anchor.service';
import { ProjectorHealthController } from './projector-health.controller';
import { ProjectorService } from './projector.service';
import { TransferResumerService } from './transfers/transfer-resumer.service';
import { CLOCK, systemClock } from '@ledger/application';
import { ReservationExpiryService } from './reservation-expiry/reservation-expiry.service';

@Module({})
export class ProjectorModule {
  static forRoot(config: LedgerConfig = loadConfig()): DynamicModule {
    return {
      module: ProjectorModule,
      // Terminus logs every failed check; an orchestrator polling during an outage would flood the log.
      imports: [
        ConfigModule.forRoot(config),
        PostgresModule,
        EventStoreModule,
        TerminusModule.forRoot({ logger: false }),
      ],
      controllers: [ProjectorHealthController],
      providers: [
        ProjectorService,
        AnchorService,
        TransferResumerService,
        { provide: CLOCK, useValue: systemClock },
        ReservationExpiryService,
      ],
    };
  }
}
