import { ExecutionContext, Injectable } from '@nestjs/common';
import { ThrottlerGuard, type ThrottlerLimitDetail, type ThrottlerRequest } from '@nestjs/throttler';
import type { Request, Response } from 'express';
import { tooManyRequests } from './access-errors';
import { actorOf } from './request-actor';

/** The two route classes, each with its own per-client limit (RATE_LIMIT_WRITES/READS_PER_MINUTE). */
export const WRITES = 'writes';
export const READS = 'reads';

const READ_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);
export const isWrite = (method: string): boolean => !READ_METHODS.has(method.toUpperCase());

/**
 * Per-client limits: a verified caller is counted by its token's client id (so one client cannot
 * use up another's allowance, wherever its requests come from), anyone else by IP address. One
 * count per client and route class, across all routes of the class.
 */
@Injectable()
export class RateLimitGuard extends ThrottlerGuard {
  protected override getTracker(req: Record<string, unknown>): Promise<string> {
    const actor = actorOf(req as unknown as Request);
    return Promise.resolve(actor ? `client:${actor.clientId}` : `ip:${String(req.ip)}`);
  }

  protected override generateKey(_context: ExecutionContext, tracker: string, name: string): string {
    return `${name}:${tracker}`;
  }

  protected override handleRequest(request: ThrottlerRequest): Promise<boolean> {
    const req = request.context.switchToHttp().getRequest<Request>();
    if ((request.throttler.name === WRITES) !== isWrite(req.method)) return Promise.resolve(true);
    return super.handleRequest(request);
  }

  protected override throwThrottlingException(context: ExecutionContext, detail: ThrottlerLimitDetail): Promise<void> {
    const req = context.switchToHttp().getRequest<Request>();
    const routeClass = isWrite(req.method) ? WRITES : READS;
    const who = detail.tracker.replace(/^(client|ip):/, (_m, kind: string) =>
      kind === 'client' ? 'client ' : 'address ',
    );
    const message = `more than ${detail.limit} ${routeClass} per minute from ${who}; retry after ${detail.timeToBlockExpire} s`;
    return Promise.reject(
      tooManyRequests(context.switchToHttp().getResponse<Response>(), message, detail.timeToBlockExpire),
    );
  }
}
