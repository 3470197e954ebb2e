import { BadRequestException, createParamDecorator, ExecutionContext, UnauthorizedException } from '@nestjs/common';
import type { Request } from 'express';
import type { CommandContext } from '@ledger/application';
import { tmfError } from '@ledger/contracts';
import { actorOf } from '../auth/request-actor';
import { correlationIdOf } from './correlation-id';

/** `Idempotency-Key` (printable, ≤ 200 chars), the correlation id and the verified caller, carried into event metadata. */
export const Ctx = createParamDecorator((_: unknown, context: ExecutionContext): CommandContext => {
  const req = context.switchToHttp().getRequest<Request>();
  const key = req.header('idempotency-key');
  if (key !== undefined && !/^[\x21-\x7e]{1,200}$/.test(key)) {
    throw new BadRequestException(
      tmfError(400, 'INVALID_HEADER', 'Invalid header', 'Idempotency-Key must be 1-200 printable ASCII characters'),
    );
  }
  const actor = actorOf(req);
  // Only a route the access guard let through with a verified token has an actor; never act without one.
  if (actor === undefined) {
    throw new UnauthorizedException(
      tmfError(401, 'AUTH.TOKEN_MISSING', 'Unauthorized', 'Authorization: no verified caller'),
    );
  }
  return { idempotencyKey: key, correlationId: correlationIdOf(req), actor };
});
