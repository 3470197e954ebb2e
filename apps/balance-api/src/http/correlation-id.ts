import { HttpException } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { tmfError } from '@ledger/contracts';

export const CORRELATION_HEADER = 'X-Correlation-Id';
/**
 * The id travels into event metadata, Kafka headers and logs, so it is held to what is safe in all
 * three: no spaces, quotes, control characters or log-line breaks, and short.
 */
const SAFE_CORRELATION_ID = /^[A-Za-z0-9._:-]{1,128}$/;

const assigned = new WeakMap<Request, string>();

/** The request's correlation id: the client's, or one generated for it (also when the client's was refused). */
export function correlationIdOf(req: Request): string {
  let id = assigned.get(req);
  if (id === undefined) {
    id = randomUUID();
    assigned.set(req, id);
  }
  return id;
}

/**
 * Runs before anything that can fail, so every response, errors included, names its correlation
 * id. A refused id is never echoed: the answer carries a generated one the client can quote.
 */
export function correlationId(): RequestHandler {
  return function correlationId(req: Request, res: Response, next: NextFunction): void {
    const given = req.headers['x-correlation-id'];
    const valid = typeof given === 'string' && SAFE_CORRELATION_ID.test(given);
    if (valid) assigned.set(req, given);
    res.setHeader(CORRELATION_HEADER, correlationIdOf(req));
    if (given === undefined || valid) return next();
    const message = `${CORRELATION_HEADER} must be 1-128 characters of A-Z, a-z, 0-9, ".", "_", ":" and "-"`;
    next(new HttpException(tmfError(400, 'INVALID_HEADER', 'Invalid header', message), 400));
  };
}
