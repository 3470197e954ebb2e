import { Controller, Get, HttpStatus, Inject, Res } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import type { Kafka } from 'kafkajs';
import { Pool } from 'pg';
import { probeKafka } from '@ledger/kafka-publisher';
import { PG_POOL } from '@ledger/postgres';
import { KAFKA } from '../kafka.provider';

@ApiTags('operations')
@Controller('health')
export class HealthController {
  constructor(@Inject(PG_POOL) private readonly pool: Pool, @Inject(KAFKA) private readonly kafka: Kafka) {}

  @Get()
  @ApiOperation({ summary: 'Liveness of the API and its dependencies (PostgreSQL, Kafka)' })
  async health(@Res() res: Response): Promise<void> {
    const [postgres, kafka] = await Promise.all([this.postgres(), probeKafka(this.kafka)]);
    const up = postgres.reachable && kafka.reachable;
    res.status(up ? HttpStatus.OK : HttpStatus.SERVICE_UNAVAILABLE).json({
      status: up ? 'up' : 'down',
      postgres,
      kafka,
    });
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
