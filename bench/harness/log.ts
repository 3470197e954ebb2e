import { ConsoleLogger, LogLevel } from '@nestjs/common';
/** Progress lines go to stderr, so stdout carries only the final table. */
const started = Date.now();

export function log(message: string): void {
  const elapsed = ((Date.now() - started) / 1000).toFixed(1).padStart(6);
  process.stderr.write(`[bench ${elapsed}s] ${message}\n`);
}

/** A log for progress lines that writes at most one line per `everyMs` (the first after `everyMs`). */
export function progressLog(everyMs = 5000): (message: () => string) => void {
  let last = Date.now();
  return (message) => {
    if (Date.now() - last < everyMs) return;
    last = Date.now();
    log(`  ${message()}`);
  };
}

export const fmt = (n: number, digits = 0): string =>
  n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Nest's logger, but on stderr: stdout is kept for the table. */
export class StderrLogger extends ConsoleLogger {
  protected override printMessages(
    messages: unknown[],
    context?: string,
    logLevel?: LogLevel,
    _stream?: 'stdout' | 'stderr',
    errorStack?: unknown,
  ): void {
    super.printMessages(messages, context, logLevel, 'stderr', errorStack);
  }
}
