/** What a command may touch of its process, so tests can run the CLI as a function. */
export interface CliIo {
  env: Record<string, string | undefined>;
  /** Results (difference lists, summaries). */
  stdout: (line: string) => void;
  /** Progress and diagnostics. */
  stderr: (line: string) => void;
  /** Aborted on SIGINT/SIGTERM by main.ts; a rebuild stops after its batch in flight. */
  signal?: AbortSignal;
}

export const EXIT = { ok: 0, failed: 1, usage: 2, busy: 75, config: 78, interrupted: 130 } as const;

/** `--name value` and `--flag` options after the command; anything else is a usage error. */
export function parseOptions(args: string[], known: { values: string[]; flags: string[] }): Map<string, string> {
  const options = new Map<string, string>();
  for (let i = 0; i < args.length; i++) {
    const name = args[i].replace(/^--/, '');
    if (known.flags.includes(name) && args[i].startsWith('--')) options.set(name, 'true');
    else if (known.values.includes(name) && args[i].startsWith('--') && args[i + 1] !== undefined)
      options.set(name, args[++i]);
    else throw new UsageError(`unknown or incomplete option "${args[i]}"`);
  }
  return options;
}

export function positiveInt(options: Map<string, string>, name: string, fallback: number): number {
  const raw = options.get(name);
  if (raw === undefined) return fallback;
  if (!/^\d+$/.test(raw) || Number(raw) < 1)
    throw new UsageError(`--${name} must be a positive whole number, got "${raw}"`);
  return Number(raw);
}

export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}
