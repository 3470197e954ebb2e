import { loadConfig } from '@ledger/config';
import { parkedSummary, retryParked } from '@ledger/outbox';
import { createPool } from '@ledger/postgres';
import { CliIo, EXIT, UsageError, parseOptions } from './cli-io';

export const OUTBOX_USAGE = `  outbox parked           how many outbox rows the relay parked (the broker refused them), of how many buckets
  outbox retry-parked [--id N]
                          put parked rows back at the end of the outbox, in their order: all of them, or row N
                          and the later parked rows of its bucket (they wait behind it); the relay publishes them`;

export async function outboxCommand(args: string[], io: CliIo): Promise<number> {
  const [sub, ...rest] = args;
  if (sub !== 'parked' && sub !== 'retry-parked') throw new UsageError(`unknown outbox command "${sub ?? ''}"`);
  const options = parseOptions(rest, { values: sub === 'retry-parked' ? ['id'] : [], flags: [] });
  const id = options.get('id');
  if (id !== undefined && !/^\d+$/.test(id)) throw new UsageError(`--id must be an outbox row id, got "${id}"`);
  const config = loadConfig(io.env);
  const pool = createPool(config.databaseUrl, { max: 1, application_name: 'ledger-cli' });
  try {
    if (sub === 'parked') {
      const summary = await parkedSummary(pool);
      const oldest = summary.oldestSeconds === null ? '' : `, oldest parked ${Math.round(summary.oldestSeconds)} s ago`;
      io.stdout(`${summary.rows} parked rows of ${summary.buckets} buckets${oldest}`);
      return EXIT.ok;
    }
    const result = await retryParked(pool, id);
    if (id !== undefined && result.retried === 0) {
      io.stderr(`outbox: no parked row with id ${id}`);
      return EXIT.failed;
    }
    io.stdout(
      `put back ${result.retried} parked rows of ${result.buckets.length} buckets` +
        (result.reordered > 0 ? `, and moved ${result.reordered} later rows of those buckets behind them` : ''),
    );
    return EXIT.ok;
  } finally {
    await pool.end();
  }
}
