import {
  ForbiddenException,
  HttpException,
  HttpStatus,
  ServiceUnavailableException,
  UnauthorizedException,
} from '@nestjs/common';
import type { Response } from 'express';
import { tmfError } from '@ledger/contracts';

const REALM = 'prepay-balance-ledger';

/** RFC 6750 §3: the challenge, with an error code once a token was presented. */
function challenge(res: Response, error?: { code: string; description: string }): void {
  const parts = [`Bearer realm="${REALM}"`];
  // error_description is quoted-string text: our own fixed phrases, never anything from the token.
  if (error) parts.push(`error="${error.code}"`, `error_description="${error.description}"`);
  res.setHeader('WWW-Authenticate', parts.join(', '));
}

/** No bearer token at all: RFC 6750 says the challenge then carries no error code. */
export function missingToken(res: Response, detail: string): HttpException {
  challenge(res);
  return new UnauthorizedException(tmfError(401, 'AUTH.TOKEN_MISSING', 'Unauthorized', `Authorization: ${detail}`));
}

export function invalidToken(res: Response, description: string): HttpException {
  challenge(res, { code: 'invalid_token', description });
  return new UnauthorizedException(
    tmfError(401, 'AUTH.TOKEN_INVALID', 'Unauthorized', `Authorization: ${description}`),
  );
}

export function roleRequired(res: Response, needed: readonly string[]): HttpException {
  const description = `this operation needs one of the roles ${needed.join(', ')}`;
  challenge(res, { code: 'insufficient_scope', description });
  return new ForbiddenException(tmfError(403, 'AUTH.ROLE_REQUIRED', 'Forbidden', `Authorization: ${description}`));
}

/** A route nobody classified: refused to everyone rather than opened to anyone. */
export function routeNotClassified(): HttpException {
  return new ForbiddenException(
    tmfError(403, 'AUTH.ROUTE_NOT_CLASSIFIED', 'Forbidden', 'this route declares no roles, so nobody may call it'),
  );
}

export function keysUnavailable(): HttpException {
  return new ServiceUnavailableException(
    tmfError(
      503,
      'AUTH.KEYS_UNAVAILABLE',
      'Service Unavailable',
      'Authorization: the token signing keys cannot be fetched; retry later',
    ),
  );
}

export function tooManyRequests(res: Response, message: string, retryAfterSeconds: number): HttpException {
  res.setHeader('Retry-After', String(Math.max(1, Math.ceil(retryAfterSeconds))));
  return new HttpException(
    tmfError(429, 'RATE_LIMIT.EXCEEDED', 'Too Many Requests', message),
    HttpStatus.TOO_MANY_REQUESTS,
  );
}
