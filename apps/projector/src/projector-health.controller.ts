import { Controller, Get, HttpException, HttpStatus, Inject } from '@nestjs/common';
import { HealthCheckService, HealthIndicatorService, type HealthCheckResult } from '@nestjs/terminus';
import { tmfError } from '@ledger/contracts';
import { PG_POOL, type PgPool } from '@ledger/postgres';
import { ProjectorService } from './projector.service';

const PROBE_TIMEOUT_MS = 2000;

/**
 * The projector's own health port (PROJECTOR_HEALTH_PORT). Ready means it can do its job: its
 * runner and relay hold their locks or wait for them (a standby is ready: it takes over when the
 * holder dies), PostgreSQL answers and Kafka answers. Unlike the API's, this readiness does depend
 * on Kafka, since publishing is half of the projector's work.
 */
@Controller('health')
export class ProjectorHealthController {
  constructor(
    private readonly projector: ProjectorService,
    @Inject(PG_POOL) private readonly pool: PgPool,
    private readonly health: HealthCheckService,
    private readonly indicators: HealthIndicatorService,
  ) {}

  @Get('live')
  live(): Promise<HealthCheckResult> {
    return this.health.check([]);
  }

  @Get('ready')
  async ready(): Promise<HealthCheckResult> {
    try {
      return await this.health.check([() => this.locks(), () => this.postgres(), () => this.kafka()]);
    } catch (error) {
      if (!(error instanceof HttpException) || error.getStatus() !== HttpStatus.SERVICE_UNAVAILABLE) throw error;
      const checks = error.getResponse() as HealthCheckResult;
      const down = Object.entries(checks.error ?? {})
        .map(([name, detail]) => `${name}: ${String((detail as { message?: unknown }).message ?? 'down')}`)
        .join('; ');
      throw new HttpException(
        { ...tmfError(503, 'SERVICE_UNAVAILABLE', 'Not ready', `not ready: ${down}`), checks },
        HttpStatus.SERVICE_UNAVAILABLE,
      );
    }
  }

  private locks() {
    const { projection, relay } = this.projector.status();
    const session = this.indicators.check('locks');
    const details = { projection, relay: { active: relay.active, holdsLock: relay.holdsLock, parked: relay.parked } };
    if (projection.active && relay.active) return session.up(details);
    const stopped = [!projection.active && 'projection runner', !relay.active && 'outbox relay'].filter(Boolean);
    return session.down({ message: `${stopped.join(' and ')} neither holds nor waits for its lock`, ...details });
  }

  private async postgres() {
    const session = this.indicators.check('postgres');
    try {
      await within(this.pool.query('SELECT 1'), PROBE_TIMEOUT_MS, 'PostgreSQL');
      return session.up();
    } catch (error) {
      return session.down({ message: error instanceof Error ? error.message : String(error) });
    }
  }

  private async kafka() {
    const status = await this.projector.kafkaProbe.probe();
    const session = this.indicators.check('kafka');
    return status.reachable
      ? session.up({ brokers: status.brokers })
      : session.down({ message: status.error ?? 'unreachable' });
  }
}

function within<T>(work: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: no answer within ${ms} ms`)), ms);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}
