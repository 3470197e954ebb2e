import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { LEDGER_ROLES, LOCAL_AUDIENCE, LOCAL_ISSUER, type LedgerRole, parseTtl, signToken } from '@ledger/auth';
import { CliIo, EXIT, parseOptions, UsageError } from './cli-io';

export const TOKEN_USAGE = `  token --role R[,R...] [--subject S] [--client C] [--ttl 1h]
                          print a bearer token for the local API, signed with the key \`npm start\` made
                          under .run/auth/ (roles: ${LEDGER_ROLES.join(', ')}; --subject default: $USER;
                          --client default: ledger-cli; --ttl: 90s, 15m, 1h, 7d, at most 30d)`;

const MAX_TTL_SECONDS = 30 * 86400;

function roles(option: string | undefined): LedgerRole[] {
  if (option === undefined) throw new UsageError('--role is required (several roles: --role operator,auditor)');
  const names = option.split(',').map((name) => name.trim());
  const unknown = names.find((name) => !(LEDGER_ROLES as readonly string[]).includes(name));
  if (unknown !== undefined) throw new UsageError(`unknown role "${unknown}"; roles are ${LEDGER_ROLES.join(', ')}`);
  return names as LedgerRole[];
}

function ttl(option: string | undefined): number {
  const seconds = parseTtl(option ?? '1h');
  if (seconds === undefined || seconds > MAX_TTL_SECONDS) {
    throw new UsageError(`--ttl must be like 90s, 15m, 1h or 7d, at most 30d; got "${option}"`);
  }
  return seconds;
}

/**
 * The local half of "two commands": the key, issuer and audience are the ones scripts/auth-keys.sh
 * gave the API (AUTH_ISSUER / AUTH_AUDIENCE from the environment when set, as for the API). Only the
 * token goes to stdout, so `TOKEN=$(npm run -s ledger-cli -- token --role operator)` works.
 */
export async function tokenCommand(args: string[], io: CliIo): Promise<number> {
  const options = parseOptions(args, { values: ['role', 'subject', 'client', 'ttl'], flags: [] });
  const request = { roles: roles(options.get('role')), ttlSeconds: ttl(options.get('ttl')) };
  const keyFile =
    io.env.AUTH_SIGNING_KEY_FILE ??
    join(io.env.LEDGER_RUN_DIR ?? join(process.cwd(), '.run'), 'auth', 'signing-key.pem');
  let privateKeyPem: string;
  try {
    privateKeyPem = readFileSync(keyFile, 'utf8');
  } catch {
    io.stderr(
      `no local signing key at ${keyFile}: run \`npm start\` once (it generates .run/auth/), or set AUTH_SIGNING_KEY_FILE`,
    );
    return EXIT.config;
  }
  const token = await signToken({
    ...request,
    privateKeyPem,
    issuer: io.env.AUTH_ISSUER || LOCAL_ISSUER,
    audience: io.env.AUTH_AUDIENCE?.split(',')[0].trim() || LOCAL_AUDIENCE,
    subject: options.get('subject') ?? io.env.USER ?? 'local-user',
    clientId: options.get('client') ?? 'ledger-cli',
  });
  io.stdout(token);
  return EXIT.ok;
}
