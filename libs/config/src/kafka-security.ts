import { ConfigError } from './config-error';
import type { ReadTextFile } from './secret-files';

type Env = Record<string, string | undefined>;

/** kafkajs's names for the SASL mechanisms the ledger supports. */
export type KafkaSaslMechanism = 'scram-sha-512' | 'scram-sha-256' | 'plain';
const MECHANISMS: readonly KafkaSaslMechanism[] = ['scram-sha-512', 'scram-sha-256', 'plain'];

export interface KafkaSecurity {
  /** TLS to every broker; `ca` (PEM) replaces the system's trusted roots when the brokers use a private CA. */
  ssl: false | { ca?: string };
  sasl?: { mechanism: KafkaSaslMechanism; username: string; password: string };
}

function flag(env: Env, name: string): boolean {
  const raw = env[name]?.trim().toLowerCase() ?? '';
  if (raw === '' || raw === 'false') return false;
  if (raw === 'true') return true;
  throw new ConfigError(name, `must be "true" or "false", got "${env[name]}"`);
}

function caFile(env: Env, readFile: ReadTextFile): string | undefined {
  const path = env.KAFKA_SSL_CA_FILE?.trim();
  if (!path) return undefined;
  let pem: string;
  try {
    pem = readFile(path);
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code ?? 'unreadable';
    throw new ConfigError('KAFKA_SSL_CA_FILE', `names a file that cannot be read (${reason}): "${path}"`);
  }
  if (!pem.includes('-----BEGIN CERTIFICATE-----')) {
    throw new ConfigError('KAFKA_SSL_CA_FILE', `must name a PEM file of CA certificates: "${path}"`);
  }
  return pem;
}

function sasl(env: Env): KafkaSecurity['sasl'] {
  const raw = env.KAFKA_SASL_MECHANISM?.trim() ?? '';
  const username = env.KAFKA_SASL_USERNAME ?? '';
  const password = env.KAFKA_SASL_PASSWORD ?? '';
  if (raw === '') {
    if (username !== '' || password !== '') {
      throw new ConfigError('KAFKA_SASL_MECHANISM', 'is required when a SASL username or password is set');
    }
    return undefined;
  }
  const mechanism = raw.toLowerCase() as KafkaSaslMechanism;
  if (!MECHANISMS.includes(mechanism)) {
    throw new ConfigError('KAFKA_SASL_MECHANISM', `must be SCRAM-SHA-512, SCRAM-SHA-256 or PLAIN, got "${raw}"`);
  }
  if (username === '') throw new ConfigError('KAFKA_SASL_USERNAME', `is required with KAFKA_SASL_MECHANISM=${raw}`);
  if (password === '') {
    throw new ConfigError(
      'KAFKA_SASL_PASSWORD',
      `(or KAFKA_SASL_PASSWORD_FILE) is required with KAFKA_SASL_MECHANISM=${raw}`,
    );
  }
  return { mechanism, username, password };
}

/** `KAFKA_SSL`, `KAFKA_SSL_CA_FILE`, `KAFKA_SASL_*`: how every Kafka client of the process connects. */
export function kafkaSecurity(env: Env, readFile: ReadTextFile): KafkaSecurity {
  const ssl = flag(env, 'KAFKA_SSL');
  const ca = caFile(env, readFile);
  if (ca !== undefined && !ssl) throw new ConfigError('KAFKA_SSL_CA_FILE', 'is set but KAFKA_SSL is not "true"');
  const credentials = sasl(env);
  return { ssl: ssl ? (ca === undefined ? {} : { ca }) : false, ...(credentials ? { sasl: credentials } : {}) };
}
