import type { ProjectionLag } from '@ledger/operations';
import type { ParkedSummary } from '@ledger/outbox';

/**
 * When the projector counts as degraded. Lag never makes the API unhealthy: commands still append
 * and a lagging read model still serves, so a load balancer must not pull the API for it. The flags
 * are for monitors and operators (README, "Health and lag").
 */
export const PROJECTOR_THRESHOLDS = {
  /** Read-your-writes waits 3 s by default; 30 s behind means clients are already seeing stale reads. */
  secondsBehind: 30,
  /** The relay publishes within a poll interval; a row this old means Kafka consumers are behind the read model. */
  oldestOutboxAgeSeconds: 30,
  /** Pools end idle transactions after 10 s and statements after 30 s; a writer older than this is outside the ledger's own sessions. */
  oldestWriteTransactionSeconds: 60,
} as const;

export type DegradedReason =
  | 'projection-lock-free'
  | 'outbox-relay-lock-free'
  | 'projection-behind'
  | 'outbox-stale'
  | 'read-horizon-stalled'
  | 'outbox-parked'
  | 'lag-unknown';

export type ProjectorHealth =
  | ({ degraded: boolean; degradedReasons: DegradedReason[]; parked: ParkedSummary } & ProjectionLag)
  | { degraded: true; degradedReasons: ['lag-unknown']; error: string };

const NOTHING_PARKED: ParkedSummary = { rows: 0, buckets: 0, oldestSeconds: null };

/** `parked`: rows the broker refused, set aside with their bucket's later rows; any at all needs an operator. */
export function assessProjector(
  lag: ProjectionLag,
  parked: ParkedSummary = NOTHING_PARKED,
  thresholds = PROJECTOR_THRESHOLDS,
): ProjectorHealth {
  const reasons: DegradedReason[] = [];
  if (!lag.locks.projection.held) reasons.push('projection-lock-free');
  if (!lag.locks.outboxRelay.held) reasons.push('outbox-relay-lock-free');
  if (lag.secondsBehind > thresholds.secondsBehind) reasons.push('projection-behind');
  if (lag.oldestOutboxAgeSeconds > thresholds.oldestOutboxAgeSeconds) reasons.push('outbox-stale');
  if ((lag.oldestWriteTransactionSeconds ?? 0) > thresholds.oldestWriteTransactionSeconds)
    reasons.push('read-horizon-stalled');
  if (parked.rows > 0) reasons.push('outbox-parked');
  return { degraded: reasons.length > 0, degradedReasons: reasons, ...lag, parked };
}

export function unmeasured(error: unknown): ProjectorHealth {
  return {
    degraded: true,
    degradedReasons: ['lag-unknown'],
    error: error instanceof Error ? error.message : String(error),
  };
}
