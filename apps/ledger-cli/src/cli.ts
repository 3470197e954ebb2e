import { ConfigError } from '@ledger/config';
import { AUDIT_USAGE, auditCommand } from './audit/audit.command';
import { CliIo, EXIT, UsageError } from './cli-io';
import { migrateCommand } from './migrate.command';
import { OUTBOX_USAGE, outboxCommand } from './outbox.command';
import { rebuildCommand } from './rebuild.command';
import { TOKEN_USAGE, tokenCommand } from './token.command';
import { verifyCommand } from './verify.command';

export const USAGE = `usage: ledger-cli <command> [options]

commands:
  migrate                 create the database named by DATABASE_URL if missing and apply pending migrations
  rebuild [--batch-size N] [--keep-old]
                          rebuild the read models from the first event into version N+1 while N serves,
                          switch to N+1 once it has caught up, then delete N's rows; resumable
                          (--batch-size: events per transaction, default 5000; --keep-old: keep N's rows)
  verify [--batch-size N] fold every event afresh and compare with the serving read model row by row;
                          prints each difference and exits 1 if there is any
${AUDIT_USAGE}
${OUTBOX_USAGE}
${TOKEN_USAGE}
  help                    this text (also --help, -h)

Configuration comes from the environment as for the services (DATABASE_URL, PUBLIC_BASE_URL):
run rebuild with the projector's values so the outbox rows it writes are the same.`;

/** The CLI as a function: the exit code is returned, output goes through `io`. */
export async function runCli(argv: string[], io: CliIo): Promise<number> {
  const [command, ...args] = argv;
  try {
    switch (command) {
      case 'migrate':
        return await migrateCommand(io);
      case 'rebuild':
        return await rebuildCommand(args, io);
      case 'verify':
        return await verifyCommand(args, io);
      case 'audit':
        return await auditCommand(args, io);
      case 'outbox':
        return await outboxCommand(args, io);
      case 'token':
        return await tokenCommand(args, io);
      case undefined:
      case 'help':
      case '--help':
      case '-h':
        io.stdout(USAGE);
        return EXIT.ok;
      default:
        throw new UsageError(`unknown command "${command}"`);
    }
  } catch (error) {
    if (error instanceof UsageError) {
      io.stderr(`${error.message}\n\n${USAGE}`);
      return EXIT.usage;
    }
    if (error instanceof ConfigError) {
      io.stderr(error.message);
      return EXIT.config;
    }
    throw error;
  }
}
