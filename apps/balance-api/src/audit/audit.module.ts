import { Module } from '@nestjs/common';
import { AuditBalanceController } from './audit-balance.controller';
import { AuditEventsController } from './audit-events.controller';

/** The auditors' read-only API under /audit/v1 (docs/auditing.md); it reads the event store only. */
@Module({ controllers: [AuditEventsController, AuditBalanceController] })
export class AuditModule {}
