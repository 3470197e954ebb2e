import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { installProcessGuards, loadConfigOrExit } from '@ledger/config';
import { ProjectorModule } from './projector.module';

async function main(): Promise<void> {
  installProcessGuards('projector');
  const config = loadConfigOrExit();
  const app = await NestFactory.create(ProjectorModule.forRoot(config), { logger: ['error', 'warn', 'log'] });
  app.enableShutdownHooks();
  await app.init();
  Logger.log('projector started', 'Bootstrap');
  // The health port is for orchestrators; projecting does not depend on it, so a port taken by
  // another process is logged (and the health check then fails visibly) instead of stopping the work.
  try {
    await app.listen(config.projectorHealthPort, config.host);
    Logger.log(`projector health on http://${config.host}:${config.projectorHealthPort}/health/ready`, 'Bootstrap');
  } catch (error) {
    Logger.error(
      `projector health port ${config.projectorHealthPort} not opened (PROJECTOR_HEALTH_PORT): ${String(error)}; projecting anyway`,
      'Bootstrap',
    );
  }
}

main().catch((error: unknown) => {
  Logger.error(error instanceof Error ? error.stack : String(error), 'Bootstrap');
  process.exit(1);
});
