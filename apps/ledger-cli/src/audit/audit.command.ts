import { CliIo, UsageError } from '../cli-io';
import { auditBalanceCommand } from './audit-balance.command';
import { auditExportCommand } from './audit-export.command';
import { auditHistoryCommand } from './audit-history.command';
import { auditVerifyChainCommand } from './audit-verify-chain.command';

export const AUDIT_USAGE = `  audit history <bucketId> [--until <time>]
                          the bucket's events as a table: time, event, amount before → after, actor,
                          command id, whether its hash-chain link verifies
  audit balance <bucketId> --at <time>
                          the bucket as its event stream folds up to <time> (RFC 3339), from the event store
  audit verify-chain [--bucket <id> | --all] [--anchors-from db|kafka] [--public-key <pem>] [--no-anchors]
                          every stream's hash chain checked against the signed anchors; names each finding
                          (public key: AUDIT_ANCHOR_PUBLIC_KEY_FILE unless --public-key)
  audit export [--from-position <commit/prepare>] [--until <time>] [--out <file>]
                          every event in global order as NDJSON, then a trailer {count, digest};
                          resume with the trailer's lastPosition
                          audit commands exit 0 when all is well, 1 on any finding, 2 on a usage error`;

export async function auditCommand(args: string[], io: CliIo): Promise<number> {
  const [subcommand, ...rest] = args;
  switch (subcommand) {
    case 'history':
      return auditHistoryCommand(rest, io);
    case 'balance':
      return auditBalanceCommand(rest, io);
    case 'verify-chain':
      return auditVerifyChainCommand(rest, io);
    case 'export':
      return auditExportCommand(rest, io);
    default:
      throw new UsageError(
        subcommand === undefined ? 'audit needs a command' : `unknown audit command "${subcommand}"`,
      );
  }
}
