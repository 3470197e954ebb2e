/**
 * How many copies of each message the ledger's topics keep, decided from the configuration and the
 * cluster. With acks=all, a write is acknowledged once `min.insync.replicas` copies have it, so
 * replication factor 3 with min ISR 2 survives the loss of any one broker without losing an
 * acknowledged state and without refusing writes.
 */

/** Replication factor used when none is configured (capped at the number of brokers). */
export const DEFAULT_REPLICATION_FACTOR = 3;

export interface DurabilitySettings {
  /** KAFKA_REPLICATION_FACTOR; undefined: 3, or the number of brokers when fewer. */
  replicationFactor?: number;
  /** KAFKA_MIN_INSYNC_REPLICAS; undefined: 2 when there are 3 or more replicas, else 1. */
  minInsyncReplicas?: number;
}

export interface Durability {
  replicationFactor: number;
  minInsyncReplicas: number;
  /** Why this is weaker than the defaults promise, for the log; empty when it is not. */
  warnings: string[];
}

export class TopicDurabilityError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TopicDurabilityError';
  }
}

/**
 * An explicit replication factor is never lowered to fit the cluster: a topic created with fewer
 * copies than the operator asked for would stay that way after the missing brokers come back.
 * Only the default adapts, with a warning, so a single local broker still works.
 */
export function decideDurability(settings: DurabilitySettings, brokers: number): Durability {
  if (brokers < 1) throw new TopicDurabilityError('the Kafka cluster reports no brokers');
  const warnings: string[] = [];
  const explicitRf = settings.replicationFactor;
  if (explicitRf !== undefined && explicitRf > brokers) {
    throw new TopicDurabilityError(
      `KAFKA_REPLICATION_FACTOR is ${explicitRf} but the cluster has ${brokers} broker(s); ` +
        'start the missing brokers or lower KAFKA_REPLICATION_FACTOR',
    );
  }
  const replicationFactor = explicitRf ?? Math.min(DEFAULT_REPLICATION_FACTOR, brokers);
  if (explicitRf === undefined && replicationFactor < DEFAULT_REPLICATION_FACTOR) {
    warnings.push(
      `the cluster has ${brokers} broker(s): new topics get replication factor ${replicationFactor}, ` +
        'so one broker lost can lose acknowledged messages (set KAFKA_REPLICATION_FACTOR=3 for production)',
    );
  }
  const minInsyncReplicas = settings.minInsyncReplicas ?? (replicationFactor >= 3 ? 2 : 1);
  if (minInsyncReplicas > replicationFactor) {
    throw new TopicDurabilityError(
      `KAFKA_MIN_INSYNC_REPLICAS is ${minInsyncReplicas} but the replication factor is ${replicationFactor}: ` +
        'every acks=all write would be refused',
    );
  }
  if (minInsyncReplicas === replicationFactor && replicationFactor > 1) {
    warnings.push(
      `min.insync.replicas equals the replication factor (${replicationFactor}): publishing stops while any replica is down`,
    );
  }
  return { replicationFactor, minInsyncReplicas, warnings };
}

/** What an existing topic looks like on the broker. */
export interface ExistingTopic {
  name: string;
  partitions: number;
  /** Replicas of each partition (the smallest, should they differ). */
  replicationFactor: number;
  /** Topic-level configuration values, by name. */
  configs: Record<string, string | undefined>;
}

export interface WantedTopic {
  name: string;
  partitions: number;
  replicationFactor: number;
  configs: Record<string, string>;
}

/**
 * Differences between a topic as it exists and as the ledger would create it. They are reported,
 * never repaired: partitions cannot change without moving keys between partitions (breaking
 * per-bucket order), and replicas are an operator's reassignment.
 */
export function topicMismatches(wanted: WantedTopic, existing: ExistingTopic): string[] {
  const found: string[] = [];
  const differ = (what: string, want: string | number, have: string | number | undefined) => {
    if (String(want) !== String(have))
      found.push(`topic ${wanted.name}: ${what} is ${have ?? 'unset'}, expected ${want}`);
  };
  differ('partition count', wanted.partitions, existing.partitions);
  differ('replication factor', wanted.replicationFactor, existing.replicationFactor);
  for (const [name, value] of Object.entries(wanted.configs)) differ(name, value, existing.configs[name]);
  return found;
}
