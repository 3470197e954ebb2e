import { type BalanceQuantity, balanceAt } from '@ledger/audit';
import { loadConfig } from '@ledger/config';
import { CliIo, EXIT, parseOptions, UsageError } from '../cli-io';
import { openLedger } from '../ledger-context';
import { bucketArgument, instantOption } from './audit-arguments';

const quantity = (q: BalanceQuantity | undefined) => (q === undefined ? '-' : `${q.amount} ${q.units}`);

/** The bucket as its stream folds up to `--at`, from the event store. Exit 1 when it did not exist then. */
export async function auditBalanceCommand(args: string[], io: CliIo): Promise<number> {
  const [bucketId, rest] = bucketArgument(args, 'balance');
  const options = parseOptions(rest, { values: ['at'], flags: [] });
  const atMs = instantOption(options, 'at');
  if (atMs === undefined) throw new UsageError('audit balance needs --at <RFC 3339 time>');
  const at = options.get('at')!;
  const ledger = openLedger(loadConfig(io.env));
  try {
    const answer = await balanceAt(ledger.store, bucketId, { at, atMs });
    if (answer.kind !== 'found') {
      io.stderr(
        `audit balance: bucket ${bucketId} ${answer.kind === 'no-stream' ? 'has no event stream' : `did not exist yet at ${at}`}`,
      );
      return EXIT.failed;
    }
    const b = answer.balance;
    io.stdout(`bucket ${b.bucketId} at ${at}`);
    io.stdout(`  status          ${b.status}`);
    io.stdout(`  amount          ${quantity(b.amount)}`);
    io.stdout(`  reservedAmount  ${quantity(b.reservedAmount)}`);
    io.stdout(`  creditLimit     ${quantity(b.creditLimit)}`);
    io.stdout(
      `  stands on       revision ${b.revision}: ${b.event.type} ${b.event.id}, recorded ${b.event.recordedAt}`,
    );
    return EXIT.ok;
  } finally {
    await ledger.close();
  }
}
