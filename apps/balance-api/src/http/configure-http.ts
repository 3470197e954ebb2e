import { BadRequestException, INestApplication, ValidationError, ValidationPipe } from '@nestjs/common';
import { flattenValidationErrors, validationErrorBody } from '@ledger/contracts';
import { correlationId } from './correlation-id';
import { losslessJsonBodyParser, losslessJsonResponse } from './lossless-json';
import { safeRequestText } from './request-text';
import { TmfErrorFilter } from './tmf-error.filter';

/**
 * The request DTOs' rules, enforced strictly: unknown properties are refused (not silently
 * dropped), nothing is coerced (a "50" is not 50), and failures leave as a TMF 400 whose message
 * names each field by its full path.
 */
export function createValidationPipe(): ValidationPipe {
  return new ValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    forbidUnknownValues: true,
    transform: true,
    transformOptions: { enableImplicitConversion: false },
    validationError: { target: false, value: false },
    exceptionFactory: (errors: ValidationError[]) =>
      new BadRequestException(validationErrorBody(flattenValidationErrors(errors))),
  });
}

export interface HttpOptions {
  /** Request body limit in bytes or as '64kb' (the config's `requestBodyLimit`). */
  bodyLimit: string | number;
}

/**
 * Everything the HTTP conventions need, in the order it must run. The app must be created with
 * `NestFactory.create(module, { bodyParser: false })` so Nest does not install `express.json()`
 * (which would round amounts) ahead of the lossless parser; call this before `app.init()`/`listen()`.
 */
export function configureHttp(app: INestApplication, { bodyLimit }: HttpOptions): void {
  // First, so that even errors raised by the body parser are written by the lossless serializer.
  app.use(losslessJsonResponse());
  // Next, so that every later refusal (URL, body, route) already carries the correlation id.
  app.use(correlationId());
  app.use(safeRequestText());
  app.use(losslessJsonBodyParser({ limit: bodyLimit }));
  app.useGlobalFilters(new TmfErrorFilter());
  app.useGlobalPipes(createValidationPipe());
}
