import { randomBytes, randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '@ledger/config';
import { createKafka, type KafkaClient, KafkajsPublisher } from '@ledger/kafka-publisher';
import { waitFor } from '@ledger/testing';
import { freePort, runCommand } from '../support/processes';

/**
 * A private broker (scripts/kafka-sasl.sh, its own directory and free ports) whose client
 * listeners demand SASL, in plain text and over TLS with a CA made by keytool. The ledger's own
 * configuration path (env → loadConfig → createKafka) must publish with the right password, be
 * refused with a wrong one, and refuse a broker certificate it was not told to trust.
 */

jest.setTimeout(180_000);

const MECHANISMS = ['SCRAM-SHA-512', 'SCRAM-SHA-256', 'PLAIN'] as const;

describe('Kafka over SASL (and SASL over TLS) against a real broker', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ledger-kafka-sasl-'));
  const password = randomBytes(12).toString('hex');
  const passwordFile = join(dir, 'ledger-password');
  const wrongPasswordFile = join(dir, 'wrong-password');
  const ports = { sasl: 0, saslSsl: 0, internal: 0, controller: 0 };
  const topic = `it.sasl.${randomUUID()}`;
  const clients: KafkaClient[] = [];

  const script = (command: string) =>
    runCommand(
      'bash',
      [
        'scripts/kafka-sasl.sh',
        command,
        ...['--dir', dir, '--password-file', passwordFile],
        ...['--sasl-port', String(ports.sasl), '--sasl-ssl-port', String(ports.saslSsl)],
        ...['--internal-port', String(ports.internal), '--controller-port', String(ports.controller)],
      ],
      { timeoutMs: 150_000 },
    );

  /** Last resort when afterAll never runs: the broker must not outlive the test process. */
  function stopBrokerNow(): void {
    try {
      process.kill(Number(readFileSync(join(dir, 'kafka.pid'), 'utf8').trim()), 'SIGTERM');
    } catch {
      // not running
    }
  }

  /** A Kafka client exactly as a ledger process builds it from its environment. */
  function ledgerKafka(env: Record<string, string>): KafkaClient {
    const config = loadConfig(env);
    const kafka = createKafka({
      brokers: config.kafkaBrokers,
      clientId: `sasl-it-${randomUUID().slice(0, 8)}`,
      ...config.kafkaSecurity,
    });
    clients.push(kafka);
    return kafka;
  }

  const saslEnv = (mechanism: string, file = passwordFile): Record<string, string> => ({
    KAFKA_BROKERS: `127.0.0.1:${ports.sasl}`,
    KAFKA_SASL_MECHANISM: mechanism,
    KAFKA_SASL_USERNAME: 'ledger',
    KAFKA_SASL_PASSWORD_FILE: file,
  });
  const tlsEnv = (mechanism: string): Record<string, string> => ({
    ...saslEnv(mechanism),
    KAFKA_BROKERS: `127.0.0.1:${ports.saslSsl}`,
    KAFKA_SSL: 'true',
    KAFKA_SSL_CA_FILE: join(dir, 'tls', 'ca.pem'),
  });

  async function highWatermark(kafka: KafkaClient): Promise<number> {
    const admin = kafka.admin();
    await admin.connect();
    try {
      const offsets = await admin.fetchTopicOffsets(topic);
      return offsets.reduce((sum, p) => sum + Number(p.high), 0);
    } finally {
      await admin.disconnect();
    }
  }

  /** Publishes one message with the project's publisher and reads it back from the broker. */
  async function publishAndRead(kafka: KafkaClient, key: string): Promise<string> {
    const publisher = new KafkajsPublisher(kafka);
    try {
      await publisher.publish([{ topic, key, value: `value-${key}`, headers: { 'event-id': key } }]);
    } finally {
      await publisher.close();
    }
    const consumer = kafka.consumer({ groupId: `sasl-it-${key}` });
    const seen = new Map<string, string>();
    await consumer.connect();
    try {
      await consumer.subscribe({ topic, fromBeginning: true });
      await consumer.run({
        eachMessage: async ({ message }) => {
          seen.set(String(message.key), String(message.value));
        },
      });
      return await waitFor(`message ${key} consumed back`, () => seen.get(key), 30_000);
    } finally {
      await consumer.disconnect();
    }
  }

  beforeAll(async () => {
    writeFileSync(passwordFile, `${password}\n`, { mode: 0o600 });
    writeFileSync(wrongPasswordFile, 'not-the-password\n', { mode: 0o600 });
    const taken = new Set<number>();
    for (const name of Object.keys(ports) as (keyof typeof ports)[]) {
      let port: number;
      do port = await freePort();
      while (taken.has(port));
      taken.add(port);
      ports[name] = port;
    }
    process.once('exit', stopBrokerNow);
    const started = await script('start');
    if (started.code !== 0) {
      const log = join(dir, 'kafka.log');
      const tail = existsSync(log) ? readFileSync(log, 'utf8').split('\n').slice(-30).join('\n') : '(no broker log)';
      throw new Error(`kafka-sasl.sh start failed (${started.code}): ${started.stderr}\n${tail}`);
    }
    const admin = ledgerKafka(saslEnv('SCRAM-SHA-512')).admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic, numPartitions: 1 }], waitForLeaders: true });
    await admin.disconnect();
  });

  afterAll(async () => {
    await script('stop');
    process.removeListener('exit', stopBrokerNow);
    rmSync(dir, { recursive: true, force: true });
  });

  it.each(MECHANISMS)('publishes over SASL_PLAINTEXT with %s and the right password', async (mechanism) => {
    const key = `plain-${mechanism}-${randomUUID().slice(0, 8)}`;
    expect(await publishAndRead(ledgerKafka(saslEnv(mechanism)), key)).toBe(`value-${key}`);
  });

  it.each(MECHANISMS)('is refused with %s and a wrong password, and nothing is written', async (mechanism) => {
    const before = await highWatermark(ledgerKafka(saslEnv('SCRAM-SHA-512')));
    const publisher = new KafkajsPublisher(ledgerKafka(saslEnv(mechanism, wrongPasswordFile)));
    await expect(
      publisher.publish([{ topic, key: 'intruder', value: 'should never arrive', headers: {} }]),
    ).rejects.toMatchObject({ name: 'KafkaJSSASLAuthenticationError' });
    await publisher.close();
    expect(await highWatermark(ledgerKafka(saslEnv('SCRAM-SHA-512')))).toBe(before);
  });

  it('is refused without SASL on the SASL listener', async () => {
    const publisher = new KafkajsPublisher(ledgerKafka({ KAFKA_BROKERS: `127.0.0.1:${ports.sasl}` }));
    await expect(publisher.publish([{ topic, key: 'anonymous', value: 'x', headers: {} }])).rejects.toThrow();
    await publisher.close();
  });

  it.each(MECHANISMS)('publishes over SASL_SSL with %s, trusting the CA from KAFKA_SSL_CA_FILE', async (mechanism) => {
    const key = `tls-${mechanism}-${randomUUID().slice(0, 8)}`;
    expect(await publishAndRead(ledgerKafka(tlsEnv(mechanism)), key)).toBe(`value-${key}`);
  });

  it('refuses the TLS listener when its CA is not trusted (no KAFKA_SSL_CA_FILE)', async () => {
    const env = { ...tlsEnv('SCRAM-SHA-512'), KAFKA_SSL_CA_FILE: '' };
    const publisher = new KafkajsPublisher(ledgerKafka(env));
    await expect(publisher.publish([{ topic, key: 'untrusted', value: 'x', headers: {} }])).rejects.toThrow(
      /self-signed certificate/,
    );
    await publisher.close();
  });
});
