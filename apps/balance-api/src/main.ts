import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { installProcessGuards, loadApiConfigOrExit } from '@ledger/config';
import { createApiApp } from './bootstrap';

async function main(): Promise<void> {
  installProcessGuards('balance-api');
  const config = loadApiConfigOrExit();
  const app = await createApiApp(config);
  await app.listen(config.port, config.host);
  Logger.log(`balance-api listening on ${config.publicBaseUrl} (OpenAPI at ${config.publicBaseUrl}/docs)`, 'Bootstrap');
}

main().catch((error: unknown) => {
  Logger.error(error instanceof Error ? error.stack : String(error), 'Bootstrap');
  process.exit(1);
});
