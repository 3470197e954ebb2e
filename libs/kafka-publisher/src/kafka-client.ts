import { Kafka, KafkaConfig, logLevel, SASLOptions } from 'kafkajs';

export interface KafkaClientOptions {
  brokers: string[];
  clientId: string;
  /** TLS to the brokers; `ca` (PEM) replaces the system's trusted roots, for a private CA. Absent/false: plaintext. */
  ssl?: false | { ca?: string };
  /** SASL over whichever transport `ssl` picks; the same shape as the config's `kafkaSecurity.sasl`. */
  sasl?: { mechanism: 'scram-sha-512' | 'scram-sha-256' | 'plain'; username: string; password: string };
}

/** Certificates are always verified (no switch to turn that off): a private CA is trusted through `ca`. */
function transport(options: KafkaClientOptions): Pick<KafkaConfig, 'ssl' | 'sasl'> {
  const ssl = options.ssl ? (options.ssl.ca === undefined ? true : { ca: [options.ssl.ca] }) : false;
  return { ssl, ...(options.sasl ? { sasl: options.sasl as SASLOptions } : {}) };
}

/** kafkajs stays behind this library: nothing else in the project imports it directly. */
export function createKafka(options: KafkaClientOptions): Kafka {
  return new Kafka({
    clientId: options.clientId,
    brokers: options.brokers,
    ...transport(options),
    logLevel: logLevel.WARN,
    connectionTimeout: 3000,
    requestTimeout: 10_000,
    retry: { initialRetryTime: 200, retries: 8 },
  });
}

export interface BrokerStatus {
  reachable: boolean;
  brokers?: number;
  controller?: number | null;
  error?: string;
}

/** One short-lived admin connection per probe: health must not depend on a cached connection. */
export async function probeKafka(kafka: Kafka, timeoutMs = 3000): Promise<BrokerStatus> {
  const admin = kafka.admin({ retry: { retries: 0 } });
  const timeout = new Promise<never>((_, reject) =>
    setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs).unref(),
  );
  try {
    await Promise.race([admin.connect(), timeout]);
    const cluster = await Promise.race([admin.describeCluster(), timeout]);
    return { reachable: true, brokers: cluster.brokers.length, controller: cluster.controller };
  } catch (error) {
    return { reachable: false, error: error instanceof Error ? error.message : String(error) };
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}
