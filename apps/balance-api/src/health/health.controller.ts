import { Controller, Get, HttpStatus, Inject, Res } from '@nestjs/common';
import { HealthCheckService, HealthIndicatorService, type HealthCheckResult } from '@nestjs/terminus';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { LEDGER_CONFIG, type LedgerConfig } from '@ledger/config';
import { EVENT_STORE, EventStore } from '@ledger/event-store';
import type { KafkaProbe } from '@ledger/kafka-publisher';
import { parkedSummary } from '@ledger/outbox';
import { PG_POOL, type PgPool } from '@ledger/postgres';
import { measureProjectionLag } from '@ledger/operations';
import { Public, Roles } from '../auth/roles.decorator';
import { KAFKA_PROBE } from './kafka-probe.provider';
import { ProjectorHealth, assessProjector, unmeasured } from './projector-health';
import { PROBE_TIMEOUT_MS, checkOrUnavailable, withTimeout } from './readiness';

type Reachability = { reachable: boolean; error?: string };

const reachability = async (probe: () => Promise<unknown>): Promise<Reachability> => {
  try {
    await probe();
    return { reachable: true };
  } catch (error) {
    return { reachable: false, error: error instanceof Error ? error.message : String(error) };
  }
};

/**
 * Liveness and readiness for orchestrators and load balancers (public), and the detailed reports
 * for people and monitors (any role). The API never talks to Kafka (the outbox does, in the
 * projector), so Kafka is reported but never makes the API unready or down.
 */
@ApiTags('operations')
@Controller('health')
export class HealthController {
  constructor(
    @Inject(PG_POOL) private readonly pool: PgPool,
    @Inject(KAFKA_PROBE) private readonly kafka: KafkaProbe,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(LEDGER_CONFIG) private readonly config: LedgerConfig,
    private readonly health: HealthCheckService,
    private readonly indicators: HealthIndicatorService,
  ) {}

  @Get('live')
  @Public()
  @ApiOperation({ summary: 'The process is alive and serving HTTP (checks nothing else)' })
  live(): Promise<HealthCheckResult> {
    return this.health.check([]);
  }

  @Get('ready')
  @Public()
  @ApiOperation({
    summary: 'Can serve commands and queries: PostgreSQL (and EventStoreDB when it is the store) reachable',
  })
  ready(): Promise<HealthCheckResult> {
    return checkOrUnavailable(this.health, this.readinessChecks());
  }

  /** 503 only when PostgreSQL or the event store is unreachable; Kafka and the projector are reported, never decisive. */
  @Get()
  @Roles('admin', 'operator', 'charging', 'auditor')
  @ApiOperation({
    summary:
      "Full report: PostgreSQL, the event store, Kafka (reported only) and the projector's lag and parked messages",
  })
  async report(@Res() res: Response): Promise<void> {
    const [postgres, eventStore, kafka, projector] = await Promise.all([
      this.postgres(),
      this.eventStore(),
      this.kafka.probe(),
      this.projector(),
    ]);
    const up = postgres.reachable && eventStore.reachable;
    res.status(up ? HttpStatus.OK : HttpStatus.SERVICE_UNAVAILABLE).json({
      status: up ? 'up' : 'down',
      postgres,
      eventStore: { kind: this.config.eventStore, ...eventStore },
      kafka,
      projector,
    });
  }

  /** The projector section alone, without the Kafka probe: cheap enough to scrape every few seconds. */
  @Get('projector')
  @Roles('admin', 'operator', 'charging', 'auditor')
  @ApiOperation({
    summary: 'Projection lag, outbox backlog, parked messages and lock holders of the serving read model',
  })
  async projectorReport(@Res() res: Response): Promise<void> {
    const projector = await this.projector();
    const measured = !projector.degradedReasons.includes('lag-unknown');
    res.status(measured ? HttpStatus.OK : HttpStatus.SERVICE_UNAVAILABLE).json(projector);
  }

  private readinessChecks() {
    const check = (name: string, probe: () => Promise<Reachability>) => async () => {
      const result = await probe();
      const session = this.indicators.check(name);
      return result.reachable ? session.up() : session.down({ message: result.error ?? 'unreachable' });
    };
    const checks = [check('postgres', () => this.postgres())];
    if (this.config.eventStore === 'eventstoredb') checks.push(check('eventStore', () => this.eventStore()));
    return checks;
  }

  private async projector(): Promise<ProjectorHealth> {
    try {
      const [lag, parked] = await Promise.all([measureProjectionLag(this.pool, this.store), parkedSummary(this.pool)]);
      return assessProjector(lag, parked);
    } catch (error) {
      return unmeasured(error);
    }
  }

  private postgres(): Promise<Reachability> {
    return reachability(() => withTimeout(this.pool.query('SELECT 1'), PROBE_TIMEOUT_MS, 'PostgreSQL'));
  }

  /** The PostgreSQL store lives in the same database, so only EventStoreDB needs a probe of its own. */
  private eventStore(): Promise<Reachability> {
    if (this.config.eventStore !== 'eventstoredb') return this.postgres();
    return reachability(() => withTimeout(this.store.headPosition(), PROBE_TIMEOUT_MS, 'EventStoreDB'));
  }
}
