import { parseInstant } from '@ledger/domain';
import { UsageError } from '../cli-io';

/** The bucket id every per-bucket audit command starts with, and the options after it. */
export function bucketArgument(args: string[], command: string): [string, string[]] {
  const [bucketId, ...rest] = args;
  if (bucketId === undefined || bucketId.startsWith('--')) throw new UsageError(`audit ${command} needs a bucket id`);
  return [bucketId, rest];
}

/** An RFC 3339 instant (with a zone) as epoch ms; undefined when the option is absent. */
export function instantOption(options: Map<string, string>, name: string): number | undefined {
  const raw = options.get(name);
  if (raw === undefined) return undefined;
  try {
    return parseInstant(raw, name);
  } catch {
    throw new UsageError(
      `--${name} must be an RFC 3339 date-time with a time zone (e.g. 2025-01-31T23:59:59Z), got "${raw}"`,
    );
  }
}
