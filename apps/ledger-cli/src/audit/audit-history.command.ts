import { replayStream } from '@ledger/audit';
import { loadConfig } from '@ledger/config';
import {
  type BucketState,
  bucketStream,
  evolve,
  formatAmount,
  initialState,
  isBucketEvent,
  isLive,
} from '@ledger/domain';
import { CliIo, EXIT, parseOptions } from '../cli-io';
import { openLedger } from '../ledger-context';
import { bucketArgument, instantOption } from './audit-arguments';

const COLUMNS = ['time', 'rev', 'event', 'amount before → after', 'actor', 'command id', 'chain'];

/** A readable table of the bucket's events, amounts folded with the domain's evolve. Exit 1 if a link is broken. */
export async function auditHistoryCommand(args: string[], io: CliIo): Promise<number> {
  const [bucketId, rest] = bucketArgument(args, 'history');
  const options = parseOptions(rest, { values: ['until'], flags: [] });
  const until = instantOption(options, 'until');
  const ledger = openLedger(loadConfig(io.env));
  try {
    const rows: string[][] = [];
    let state: BucketState = initialState();
    let broken = 0;
    for await (const { event, audited } of replayStream(ledger.store, bucketStream(bucketId))) {
      if (until !== undefined && Date.parse(audited.recordedAt) > until) break;
      const domainEvent = { type: event.type, data: event.data };
      const after = isBucketEvent(domainEvent) ? evolve(state, domainEvent) : state;
      if (!audited.linkVerified) broken++;
      rows.push([
        audited.recordedAt,
        audited.revision,
        audited.type,
        `${amountOf(state)} → ${amountOf(after)}`,
        audited.actor ? `${audited.actor.subject} (${audited.actor.clientId})` : '-',
        audited.commandId ?? '-',
        audited.linkVerified ? 'ok' : `BROKEN: ${audited.linkProblem}`,
      ]);
      state = after;
    }
    if (rows.length === 0) {
      io.stderr(`audit history: bucket ${bucketId} has no events${until === undefined ? '' : ' by then'}`);
      return EXIT.failed;
    }
    for (const line of table([COLUMNS, ...rows])) io.stdout(line);
    io.stderr(`audit history: ${rows.length} events, ${broken} broken link${broken === 1 ? '' : 's'}`);
    return broken === 0 ? EXIT.ok : EXIT.failed;
  } finally {
    await ledger.close();
  }
}

function amountOf(state: BucketState): string {
  if (!isLive(state)) return state.status === 'deleted' ? 'deleted' : '-';
  return `${formatAmount(state.amount)}${state.units === null ? '' : ` ${state.units}`}`;
}

function table(rows: string[][]): string[] {
  const widths = rows[0].map((_, column) => Math.max(...rows.map((row) => [...row[column]].length)));
  return rows.map((row) =>
    row
      .map((cell, column) => (column === row.length - 1 ? cell : cell.padEnd(widths[column])))
      .join('  ')
      .trimEnd(),
  );
}
