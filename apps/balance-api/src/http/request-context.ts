import { BadRequestException, createParamDecorator, ExecutionContext } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { Request } from 'express';
import type { CommandContext } from '@ledger/application';
import { tmfError } from '@ledger/contracts';

/** `Idempotency-Key` (printable, ≤ 200 chars) and the correlation id carried into event metadata. */
export const Ctx = createParamDecorator((_: unknown, context: ExecutionContext): CommandContext => {
  const req = context.switchToHttp().getRequest<Request>();
  const key = req.header('idempotency-key');
  if (key !== undefined && !/^[\x21-\x7e]{1,200}$/.test(key)) {
    throw new BadRequestException(
      tmfError(400, 'INVALID_HEADER', 'Invalid header', 'Idempotency-Key must be 1-200 printable ASCII characters'),
    );
  }
  return { idempotencyKey: key, correlationId: req.header('x-correlation-id') ?? randomUUID() };
});
