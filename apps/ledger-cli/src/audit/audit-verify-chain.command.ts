import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { type Finding, formatFinding, loadAnchorPublicKey, verifyChain } from '@ledger/audit';
import { loadConfig } from '@ledger/config';
import { bucketStream } from '@ledger/domain';
import { formatCount } from '@ledger/operations';
import { CliIo, EXIT, parseOptions, UsageError } from '../cli-io';
import { openLedger } from '../ledger-context';
import { type AnchorSource, loadAnchors } from './anchor-source';

/**
 * Checks every stream's hash chain (or one bucket's) against the signed anchors and names each
 * finding. Exit 0: nothing found; 1: any finding.
 */
export async function auditVerifyChainCommand(args: string[], io: CliIo): Promise<number> {
  const options = parseOptions(args, {
    values: ['bucket', 'anchors-from', 'public-key'],
    flags: ['all', 'no-anchors'],
  });
  if (options.has('bucket') && options.has('all')) throw new UsageError('give --bucket <id> or --all, not both');
  const source = options.get('anchors-from') ?? 'db';
  if (source !== 'db' && source !== 'kafka')
    throw new UsageError(`--anchors-from must be db or kafka, got "${source}"`);
  const config = loadConfig(io.env);
  const keyFile = options.get('public-key') ?? config.audit.anchorPublicKeyFile ?? localPublicKey(io.env);
  const withAnchors = !options.has('no-anchors');
  if (withAnchors && keyFile === undefined) {
    throw new UsageError(
      'verify-chain checks anchors with their public key: set AUDIT_ANCHOR_PUBLIC_KEY_FILE or pass --public-key (or --no-anchors); npm start keeps a local one in .run/audit/',
    );
  }
  const publicKey = withAnchors ? publicKeyFrom(keyFile!) : undefined;
  const ledger = openLedger(config);
  try {
    const unreadable: Finding[] = [];
    const anchors = publicKey
      ? {
          anchors: await loadAnchors(ledger, source as AnchorSource, (where) =>
            unreadable.push({ kind: 'anchor-broken-chain', message: `${where} is not an anchor` }),
          ),
          publicKey,
        }
      : undefined;
    if (anchors)
      io.stderr(
        `verify-chain: ${anchors.anchors.length} anchors from ${source === 'db' ? 'the database' : `Kafka topic ${config.topics.auditAnchors}`}`,
      );
    let lastReport = 0;
    const result = await verifyChain({
      store: ledger.store,
      streams: options.has('bucket') ? [bucketStream(options.get('bucket')!)] : 'all',
      anchors,
      onProgress: (p) => {
        if (Date.now() - lastReport < 1000) return;
        lastReport = Date.now();
        io.stderr(`verify-chain: ${p.phase} ${formatCount(p.events)} events, ${formatCount(p.streams)} streams`);
      },
    });
    const findings = [...unreadable, ...result.findings];
    for (const finding of findings) io.stdout(formatFinding(finding));
    const newest = result.lastAnchor;
    const anchorsLine = anchors
      ? ` against ${result.anchorsVerified} verified anchors${newest ? ` (newest #${newest.sequence} of ${newest.anchoredAt})` : ''}; ${formatCount(result.unanchoredEvents)} events not yet anchored`
      : '; anchors not checked (--no-anchors): a recomputed chain or a deleted tail would go unseen';
    io.stdout(`checked ${formatCount(result.streams)} streams, ${formatCount(result.events)} events${anchorsLine}`);
    io.stdout(`${findings.length} finding${findings.length === 1 ? '' : 's'}`);
    return findings.length === 0 ? EXIT.ok : EXIT.failed;
  } finally {
    await ledger.close();
  }
}

function publicKeyFrom(file: string) {
  try {
    return loadAnchorPublicKey(file);
  } catch (error) {
    throw new UsageError(
      `the public key ${file} cannot be used: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
}

/** The key `npm start` generated on this machine, used when nothing else names one. */
function localPublicKey(env: CliIo['env']): string | undefined {
  const file = join(env.LEDGER_RUN_DIR ?? join(process.cwd(), '.run'), 'audit', 'anchor-key.pub.pem');
  return existsSync(file) ? file : undefined;
}
