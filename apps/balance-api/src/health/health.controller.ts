import { Controller, Get, HttpStatus, Inject, Res } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { EVENT_STORE, EventStore } from '@ledger/event-store';
import { type KafkaClient, probeKafka } from '@ledger/kafka-publisher';
import { PG_POOL, type PgPool } from '@ledger/postgres';
import { measureProjectionLag } from '@ledger/operations';
import { KAFKA } from '../kafka.provider';
import { ProjectorHealth, assessProjector, unmeasured } from './projector-health';

@ApiTags('operations')
@Controller('health')
export class HealthController {
  constructor(
    @Inject(PG_POOL) private readonly pool: PgPool,
    @Inject(KAFKA) private readonly kafka: KafkaClient,
    @Inject(EVENT_STORE) private readonly store: EventStore,
  ) {}

  /** 503 only when a dependency is unreachable; a lagging or stopped projector shows as `projector.degraded`. */
  @Get()
  @ApiOperation({ summary: "Liveness of the API and its dependencies (PostgreSQL, Kafka), and the projector's lag" })
  async health(@Res() res: Response): Promise<void> {
    const [postgres, kafka, projector] = await Promise.all([this.postgres(), probeKafka(this.kafka), this.projector()]);
    const up = postgres.reachable && kafka.reachable;
    res.status(up ? HttpStatus.OK : HttpStatus.SERVICE_UNAVAILABLE).json({
      status: up ? 'up' : 'down',
      postgres,
      kafka,
      projector,
    });
  }

  /** The projector section alone, without the Kafka probe: cheap enough to scrape every few seconds. */
  @Get('projector')
  @ApiOperation({ summary: 'Projection lag, outbox backlog and lock holders of the serving read model' })
  async projectorHealth(@Res() res: Response): Promise<void> {
    const projector = await this.projector();
    const measured = !projector.degradedReasons.includes('lag-unknown');
    res.status(measured ? HttpStatus.OK : HttpStatus.SERVICE_UNAVAILABLE).json(projector);
  }

  private async projector(): Promise<ProjectorHealth> {
    try {
      return assessProjector(await measureProjectionLag(this.pool, this.store));
    } catch (error) {
      return unmeasured(error);
    }
  }

  private async postgres(): Promise<{ reachable: boolean; error?: string }> {
    try {
      await this.pool.query('SELECT 1');
      return { reachable: true };
    } catch (error) {
      return { reachable: false, error: error instanceof Error ? error.message : String(error) };
    }
  }
}
