import { INestApplication, LogLevel } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import type { ApiConfig } from '@ledger/config';
import { AppModule } from './app.module';
import { configureHttp } from './http/configure-http';

/** Builds the HTTP application; shared by main.ts and the e2e tests so both run the same wiring. */
export async function createApiApp(
  config: ApiConfig,
  options: { logger?: LogLevel[] } = {},
): Promise<INestApplication> {
  // bodyParser off: Nest's express.json() would parse amounts into floats before ours sees them.
  const app = await NestFactory.create(AppModule.forRoot(config), {
    bodyParser: false,
    logger: options.logger ?? ['error', 'warn', 'log'],
  });
  app.enableShutdownHooks();
  configureHttp(app, { bodyLimit: config.requestBodyLimit });
  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('Prepay Balance Ledger')
      .setDescription('TM Forum TMF654 Prepay Balance Management (R17, API v2) over an event-sourced ledger')
      .setVersion('0.1.0')
      .addBearerAuth()
      .build(),
  );
  SwaggerModule.setup('docs', app, document);
  return app;
}
