import { ServiceUnavailableException } from '@nestjs/common';
import type { HealthCheckResult, HealthCheckService, HealthIndicatorFunction } from '@nestjs/terminus';
import { tmfError } from '@ledger/contracts';

/** How long one dependency may take to answer a readiness probe before it counts as down. */
export const PROBE_TIMEOUT_MS = 2000;

/** Resolves with `work`, or rejects once `ms` have passed: a hung dependency is a down one. */
export function withTimeout<T>(work: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: no answer within ${ms} ms`)), ms);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

/**
 * Terminus's check, answered as a TMF error when a dependency is down: 503 with code
 * SERVICE_UNAVAILABLE, a message naming each failed check, and terminus's own report under
 * `checks`, so load balancers read the status and people read the body.
 */
export async function checkOrUnavailable(
  health: HealthCheckService,
  indicators: HealthIndicatorFunction[],
): Promise<HealthCheckResult> {
  try {
    return await health.check(indicators);
  } catch (error) {
    if (!(error instanceof ServiceUnavailableException)) throw error;
    const checks = error.getResponse() as HealthCheckResult;
    const down = Object.entries(checks.error ?? {})
      .map(([name, detail]) => `${name}: ${String((detail as { message?: unknown }).message ?? 'down')}`)
      .join('; ');
    throw new ServiceUnavailableException({
      ...tmfError(503, 'SERVICE_UNAVAILABLE', 'Not ready', `not ready: ${down}`),
      checks,
    });
  }
}
