import { createWriteStream, type WriteStream } from 'node:fs';
import { once } from 'node:events';
import { exportEvents, parseExportPosition } from '@ledger/audit';
import { loadConfig } from '@ledger/config';
import { ProgressPrinter } from '@ledger/operations';
import { CliIo, EXIT, parseOptions, UsageError } from '../cli-io';
import { openLedger } from '../ledger-context';
import { instantOption } from './audit-arguments';

/**
 * Every event in global order as NDJSON, then a trailer line with the count and the SHA-256 of
 * the lines before it. `--from-position` takes the trailer's lastPosition to resume a previous run.
 */
export async function auditExportCommand(args: string[], io: CliIo): Promise<number> {
  const options = parseOptions(args, { values: ['from-position', 'until', 'out'], flags: [] });
  const fromText = options.get('from-position') ?? 'start';
  const from = parseExportPosition(fromText);
  if (from === undefined)
    throw new UsageError(`--from-position must be "start" or <commit>/<prepare>, got "${fromText}"`);
  const untilMs = instantOption(options, 'until');
  const out = options.get('out');
  const ledger = openLedger(loadConfig(io.env));
  const file = out === undefined ? undefined : createWriteStream(out, { flags: 'wx' });
  try {
    if (file) await once(file, 'open');
    const goal = await ledger.store.headPosition();
    const progress = new ProgressPrinter('audit export', 'head', io.stderr);
    const trailer = await exportEvents(
      ledger.store,
      { from, untilMs, onBatch: (p) => progress.report({ events: p.events, position: p.position, goal }) },
      file
        ? (text) => writeTo(file, text)
        : async (text) =>
            text
              .replace(/\n$/, '')
              .split('\n')
              .forEach((line) => io.stdout(line)),
    );
    io.stderr(
      `audit export: ${trailer.count} events, sha256 ${trailer.digest}, resume with --from-position ${trailer.lastPosition}`,
    );
    return EXIT.ok;
  } finally {
    if (file)
      await new Promise<void>((resolve, reject) =>
        file.end((error?: Error | null) => (error ? reject(error) : resolve())),
      );
    await ledger.close();
  }
}

async function writeTo(file: WriteStream, text: string): Promise<void> {
  if (!file.write(text)) await once(file, 'drain');
}
