/**
 * For process entry points (balance-api, projector, ledger-cli): a rejection nobody handled or an
 * exception nobody caught is a bug whose effects are unknown, so the process logs one fatal line
 * with the stack and exits with 70 (EX_SOFTWARE) at once. The supervisor (scripts/start.sh, a
 * container runtime) then sees a crash and restarts it, instead of a process that lives on in a
 * state nobody planned for, or one that ends silently.
 */
export const FATAL_EXIT_CODE = 70;

export function installProcessGuards(processName: string, exit: (code: number) => never = process.exit): void {
  const fatal = (kind: string) => (error: unknown) => {
    const detail = error instanceof Error ? (error.stack ?? error.message) : String(error);
    process.stderr.write(`${new Date().toISOString()} FATAL ${processName}: ${kind}: ${detail}\n`);
    exit(FATAL_EXIT_CODE);
  };
  process.on('unhandledRejection', fatal('unhandled rejection'));
  process.on('uncaughtException', fatal('uncaught exception'));
}
