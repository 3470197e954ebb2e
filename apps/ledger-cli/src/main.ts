import { Logger } from '@nestjs/common';
import { installProcessGuards } from '@ledger/config';
import { runCli } from './cli';

// Library loggers (projection runner) keep to warnings and errors, on stderr; results go to stdout.
Logger.overrideLogger(['error', 'warn']);

installProcessGuards('ledger-cli');

const controller = new AbortController();
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => controller.abort());

runCli(process.argv.slice(2), {
  env: process.env,
  stdout: (line) => process.stdout.write(`${line}\n`),
  stderr: (line) => process.stderr.write(`${line}\n`),
  signal: controller.signal,
}).then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
    process.exit(1);
  },
);
