import { Socket } from 'node:net';

function reachable(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = new Socket();
    socket.setTimeout(2000);
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
    socket.once('timeout', () => {
      socket.destroy();
      resolve(false);
    });
    socket.connect(port, host);
  });
}

/**
 * Integration and e2e tests need the real services. `npm test` starts them; running jest directly
 * without them gets this message instead of a wall of connection errors.
 */
export default async function globalSetup(): Promise<void> {
  const kafka = (process.env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(',')[0];
  const [kafkaHost, kafkaPort] = kafka.split(':');
  const checks: Array<[string, string, number]> = [
    ['PostgreSQL', '127.0.0.1', 5432],
    ['Kafka', kafkaHost, Number(kafkaPort)],
  ];
  for (const [name, host, port] of checks) {
    if (!(await reachable(host, port))) {
      throw new Error(
        `${name} is not reachable on ${host}:${port}. Run the tests with \`npm test\`, which starts it, or start it with \`bash scripts/postgres.sh\` / \`npm run kafka:start\`.`,
      );
    }
  }
}
