import { loadConfig } from '@ledger/config';
import { ProgressPrinter, RebuildInProgressError, formatCount, rebuildReadModel } from '@ledger/operations';
import { CliIo, EXIT, parseOptions, positiveInt } from './cli-io';
import { openLedger } from './ledger-context';

export async function rebuildCommand(args: string[], io: CliIo): Promise<number> {
  const options = parseOptions(args, { values: ['batch-size'], flags: ['keep-old'] });
  const batchSize = positiveInt(options, 'batch-size', 5000);
  const ledger = openLedger(loadConfig(io.env));
  const progress = new ProgressPrinter('rebuild', 'head', io.stderr);
  try {
    const result = await rebuildReadModel({
      store: ledger.store,
      pool: ledger.pool,
      databaseUrl: ledger.config.databaseUrl,
      projection: ledger.projection,
      batchSize,
      keepOldVersion: options.has('keep-old'),
      signal: io.signal,
      onProgress: (p) => progress.report({ events: p.events, position: p.position, goal: p.head }),
      onStep: (message) => io.stderr(`rebuild: ${message}`),
    });
    const seconds = result.elapsedMs / 1000;
    const rate = formatCount(result.events / Math.max(seconds, 0.001));
    if (result.outcome === 'stopped') {
      io.stdout(
        `rebuild of v${result.to} stopped after ${formatCount(result.events)} events; run it again to resume (v${result.from} still serves)`,
      );
      return EXIT.interrupted;
    }
    io.stdout(
      `rebuilt v${result.to} from ${formatCount(result.events)} events in ${seconds.toFixed(1)} s (${rate} events/s)` +
        `${result.resumed ? ', resumed' : ''}; v${result.to} serves; deleted ${formatCount(result.deletedRows)} rows of v${result.from}`,
    );
    return EXIT.ok;
  } catch (error) {
    if (!(error instanceof RebuildInProgressError)) throw error;
    io.stderr(`rebuild: ${error.message}`);
    return EXIT.busy;
  } finally {
    await ledger.close();
  }
}
