import {
  ArgumentsHost,
  BadRequestException,
  HttpException,
  Logger,
  NotFoundException,
  ServiceUnavailableException,
} from '@nestjs/common';
import express, { Request, Response } from 'express';
import { DOMAIN_ERROR_CODES } from '@ledger/domain';
import { tmfError } from '@ledger/contracts';
import { TmfErrorFilter } from './tmf-error.filter';
import { DOMAIN_STATUS_TABLE, domainStatus, toTmfErrorResponse } from './tmf-error.mapper';

const coded = (code: string, message = 'refused'): Error =>
  Object.assign(new Error(message), { name: 'DomainError', code });
class CommandIdConflict extends Error {}
class StreamVersionConflict extends Error {
  readonly code = 'EVENT_STORE.STREAM_VERSION_CONFLICT';
}

describe('mapping errors to TMF responses', () => {
  it.each([
    ['AMOUNT.TOO_PRECISE', 400],
    ['DATE.INVALID', 400],
    ['BUCKET.REFERENCE_REQUIRED', 400],
    ['TOPUP.INVALID_STATUS', 400],
    ['BUCKET.NOT_FOUND', 404],
    ['TOPUP.NOT_FOUND', 404],
    ['BUCKET.ALREADY_EXISTS', 409],
    ['TOPUP.INVALID_TRANSITION', 409],
    ['BUCKET.AMBIGUOUS', 409],
    ['IDEMPOTENCY.KEY_REUSED', 409],
    ['BUCKET.INSUFFICIENT_BALANCE', 422],
    ['BUCKET.EXPIRED', 422],
    ['BUCKET.SUSPENDED', 422],
    ['BUCKET.UNITS_MISMATCH', 422],
    ['BUCKET.NOT_YET_VALID', 422],
    ['BUCKET.SOMETHING_NEW', 422],
  ])('maps the domain code %s to %i', (code, status) => {
    expect(domainStatus(code)).toBe(status);
  });

  // A new domain code must get a deliberate status, not fall through to the default by accident.
  it.each([...DOMAIN_ERROR_CODES])('has a table row for the domain code %s', (code) => {
    expect(DOMAIN_STATUS_TABLE.some(([pattern]) => pattern.test(code))).toBe(true);
  });

  it('sends the domain code and message', () => {
    expect(toTmfErrorResponse(coded('BUCKET.INSUFFICIENT_BALANCE', 'bucket b-1 holds 5 EUR'))).toEqual({
      status: 422,
      body: {
        code: 'BUCKET.INSUFFICIENT_BALANCE',
        reason: 'Insufficient balance',
        message: 'bucket b-1 holds 5 EUR',
        status: '422',
      },
    });
  });

  it.each<[string, unknown, number, string]>([
    [
      'a TMF body as it is',
      new BadRequestException(tmfError(400, 'INVALID_FIELD', 'Invalid field value', 'amount.units …')),
      400,
      'INVALID_FIELD',
    ],
    ['a plain Nest 404', new NotFoundException('Cannot GET /nowhere'), 404, 'NOT_FOUND'],
    ['a Nest 503', new ServiceUnavailableException('read model lagging'), 503, 'SERVICE_UNAVAILABLE'],
    ['a reused command id', new CommandIdConflict('command id "k" was used'), 409, 'IDEMPOTENCY.COMMAND_ID_CONFLICT'],
    [
      'an exhausted version conflict',
      new StreamVersionConflict('stream "bucket-1" expected at 3'),
      409,
      'CONCURRENCY.CONFLICT',
    ],
    [
      'an exposed Express client error',
      Object.assign(new Error('aborted'), { status: 400, expose: true }),
      400,
      'BAD_REQUEST',
    ],
  ])('maps %s', (_case, exception, status, code) => {
    const { status: sent, body } = toTmfErrorResponse(exception);
    expect([sent, body.code, body.status]).toEqual([status, code, String(status)]);
    expect(body.message).not.toMatch(/bucket-1|command id/);
  });

  it.each<[string, unknown]>([
    [
      'a store fault with a dotted code',
      Object.assign(new Error('event id "e-1" is already stored'), { code: 'EVENT_STORE.DUPLICATE_EVENT_ID' }),
    ],
    ['a Node system error', Object.assign(new Error("EACCES: permission denied, open '/x'"), { code: 'EACCES' })],
    ['a Postgres error', Object.assign(new Error('duplicate key value violates "events_pkey"'), { code: '23505' })],
    ['a thrown string', 'oops'],
  ])('hides %s behind a generic 500', (_case, exception) => {
    expect(toTmfErrorResponse(exception)).toEqual({
      status: 500,
      body: {
        code: 'INTERNAL_ERROR',
        reason: 'Internal Server Error',
        message: 'An unexpected error occurred; it has been logged',
        status: '500',
      },
    });
  });
});

describe('PostgreSQL gone (a restart, a failover)', () => {
  it.each<[string, unknown]>([
    [
      'the server shutting down (57P01)',
      Object.assign(new Error('terminating connection due to administrator command'), { code: '57P01' }),
    ],
    [
      'the server starting up (57P03)',
      Object.assign(new Error('the database system is starting up'), { code: '57P03' }),
    ],
    ['a connection exception (08006)', Object.assign(new Error('connection failure'), { code: '08006' })],
    ['a refused connection', Object.assign(new Error('connect ECONNREFUSED 10.0.0.5:5432'), { code: 'ECONNREFUSED' })],
    ['a connection ended under a query', new Error('Connection terminated unexpectedly')],
  ])('answers %s with 503 SERVICE_UNAVAILABLE and Retry-After, hiding the cause', (_case, exception) => {
    const { status, body, headers } = toTmfErrorResponse(exception);
    expect([status, body.code, body.status, headers]).toEqual([
      503,
      'SERVICE_UNAVAILABLE',
      '503',
      { 'Retry-After': '1' },
    ]);
    expect(body.message).toMatch(/^The database is unavailable right now; retry shortly/);
    expect(body.message).not.toMatch(/10\.0\.0\.5|administrator|terminated/);
  });
});

describe('TmfErrorFilter', () => {
  const app = express();
  app.get('/v2/bucket', () => undefined);
  app.post('/v2/bucket', () => undefined);

  function respond(exception: unknown, method: string, url: string, headersSent = false) {
    const sent = { status: 0, body: undefined as unknown, headers: {} as Record<string, string>, ended: false };
    const res = {
      headersSent,
      setHeader: (name: string, value: string) => (sent.headers[name] = value),
      status: (status: number) => ((sent.status = status), res),
      json: (body: unknown) => (sent.body = body),
      end: () => (sent.ended = true),
    };
    const req = { app, method, originalUrl: url, path: url.split('?')[0] } as unknown as Request;
    const host = {
      getType: () => 'http',
      switchToHttp: () => ({ getRequest: () => req, getResponse: () => res as unknown as Response }),
    };
    new TmfErrorFilter().catch(exception, host as unknown as ArgumentsHost);
    return sent;
  }

  beforeAll(() => jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined));

  it('answers a known path with an unsupported method with 405 and Allow', () => {
    const sent = respond(new NotFoundException('Cannot DELETE /v2/bucket?x=1'), 'DELETE', '/v2/bucket?x=1');
    expect([sent.status, sent.headers.Allow, (sent.body as { code: string }).code]).toEqual([
      405,
      'GET, HEAD, POST',
      'METHOD_NOT_ALLOWED',
    ]);
  });

  it('answers an unknown path with 404', () => {
    const sent = respond(new NotFoundException('Cannot GET /v2/nowhere'), 'GET', '/v2/nowhere');
    expect(sent).toMatchObject({
      status: 404,
      body: { code: 'NOT_FOUND', status: '404', message: 'Cannot GET /v2/nowhere' },
    });
  });

  it('keeps a 404 thrown by a handler for a known path a 404', () => {
    expect(respond(new NotFoundException('bucket b-9 does not exist'), 'DELETE', '/v2/bucket').status).toBe(404);
  });

  it('only ends a response that has already started', () => {
    expect(respond(new HttpException('late', 500), 'GET', '/v2/bucket', true)).toMatchObject({
      status: 0,
      ended: true,
    });
  });
});
