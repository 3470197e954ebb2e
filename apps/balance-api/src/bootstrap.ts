import { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { LedgerConfig } from '@ledger/config';
import { AppModule } from './app.module';

/** Builds the HTTP application; shared by main.ts and the e2e tests so both run the same wiring. */
export async function createApiApp(config: LedgerConfig): Promise<INestApplication> {
  const app = await NestFactory.create(AppModule.forRoot(config), {
    logger: ['error', 'warn', 'log'],
  });
  app.enableShutdownHooks();
  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('Prepay Balance Ledger')
      .setDescription('TM Forum TMF654 Prepay Balance Management over an event-sourced ledger')
      .setVersion('0.1.0')
      .build(),
  );
  SwaggerModule.setup('docs', app, document);
  return app;
}
