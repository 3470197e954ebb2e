import { loadConfig } from '@ledger/config';
import { ProgressPrinter, formatCount, formatDifference, formatPosition, verifyReadModel } from '@ledger/operations';
import { CliIo, EXIT, parseOptions, positiveInt } from './cli-io';
import { openLedger } from './ledger-context';

export async function verifyCommand(args: string[], io: CliIo): Promise<number> {
  const options = parseOptions(args, { values: ['batch-size'], flags: [] });
  const ledger = openLedger(loadConfig(io.env));
  const progress = new ProgressPrinter('verify', 'checkpoint', io.stderr);
  try {
    const result = await verifyReadModel({
      store: ledger.store,
      databaseUrl: ledger.config.databaseUrl,
      batchSize: positiveInt(options, 'batch-size', 5000),
      onProgress: (p) => progress.report({ events: p.events, position: p.position, goal: p.target }),
    });
    io.stderr(
      `verify: folded ${formatCount(result.events)} events up to v${result.version}'s checkpoint ${formatPosition(result.checkpoint)}`,
    );
    for (const difference of result.differences) io.stdout(formatDifference(difference));
    const n = result.differences.length;
    io.stdout(`${formatCount(n)} difference${n === 1 ? '' : 's'}`);
    return n === 0 ? EXIT.ok : EXIT.failed;
  } finally {
    await ledger.close();
  }
}
