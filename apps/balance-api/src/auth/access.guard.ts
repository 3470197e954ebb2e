import { CanActivate, ExecutionContext, Injectable, Logger } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request, Response } from 'express';
import { type Actor, KeysUnavailable, TokenVerifier, type Verification } from '@ledger/auth';
import { invalidToken, keysUnavailable, missingToken, roleRequired, routeNotClassified } from './access-errors';
import { RateLimitGuard } from './rate-limit.guard';
import { setActor } from './request-actor';
import { PUBLIC_KEY, ROLES_KEY, type Role } from './roles.decorator';

/** `Bearer <token>`, the scheme case-insensitive (RFC 7235); anything else counts as no token. */
const BEARER = /^Bearer +([A-Za-z0-9\-._~+/]+=*) *$/i;

type Presented = { kind: 'none'; detail: string } | { kind: 'token'; token: string };

function presented(req: Request): Presented {
  const header = req.headers.authorization;
  if (header === undefined || header === '') return { kind: 'none', detail: 'no bearer token was sent' };
  const match = BEARER.exec(header);
  return match ? { kind: 'token', token: match[1] } : { kind: 'none', detail: 'the header is not "Bearer <token>"' };
}

/**
 * The one gate of every route (APP_GUARD), in this order: verify the bearer token, count the
 * request against its client's rate limit (its IP address when there is no valid token, so that
 * a flood of bad tokens is throttled too), then answer 401 without a valid token and 403 without
 * a role the route names. Guards run before pipes and handlers, so a refused request never reaches
 * a command. A route with neither @Roles nor @Public is refused to everyone.
 */
@Injectable()
export class AccessGuard implements CanActivate {
  private readonly logger = new Logger('Access');

  constructor(
    private readonly reflector: Reflector,
    private readonly verifier: TokenVerifier,
    private readonly rateLimit: RateLimitGuard,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const req = context.switchToHttp().getRequest<Request>();
    const res = context.switchToHttp().getResponse<Response>();
    const { roles, isPublic } = this.access(context);
    if (isPublic) return this.rateLimit.canActivate(context);
    const token = presented(req);
    const verification = token.kind === 'token' ? await this.verify(token.token) : undefined;
    if (verification?.ok) setActor(req, verification.actor);
    await this.rateLimit.canActivate(context);
    if (token.kind === 'none') throw this.refused(req, 401, token.detail, missingToken(res, token.detail));
    if (!verification?.ok) {
      const description = verification?.description ?? 'the token could not be verified';
      throw this.refused(req, 401, description, invalidToken(res, description));
    }
    if (roles.length === 0) throw this.refused(req, 403, 'the route declares no roles', routeNotClassified());
    if (!roles.some((role) => verification.actor.roles.includes(role))) {
      throw this.refused(
        req,
        403,
        `${describeActor(verification.actor)} lacks ${roles.join('|')}`,
        roleRequired(res, roles),
      );
    }
    return true;
  }

  /**
   * The route's own metadata, else its controller's: a handler's @Roles is never opened by a
   * controller-wide @Public, and where a handler declares both, the roles win.
   */
  private access(context: ExecutionContext): { roles: Role[]; isPublic: boolean } {
    for (const target of [context.getHandler(), context.getClass()]) {
      const roles = this.reflector.get<Role[] | undefined>(ROLES_KEY, target);
      if (roles !== undefined) return { roles, isPublic: false };
      if (this.reflector.get<boolean | undefined>(PUBLIC_KEY, target)) return { roles: [], isPublic: true };
    }
    return { roles: [], isPublic: false };
  }

  private async verify(token: string): Promise<Verification> {
    try {
      return await this.verifier.verify(token);
    } catch (error) {
      if (!(error instanceof KeysUnavailable)) throw error;
      this.logger.error(error.message);
      throw keysUnavailable();
    }
  }

  /** One line per refusal, for whoever watches for abuse; never the token itself. */
  private refused(req: Request, status: number, why: string, error: Error): Error {
    this.logger.warn(`${status} ${req.method} ${req.path} from ${req.ip}: ${why}`);
    return error;
  }
}

const describeActor = (actor: Actor): string =>
  `subject ${actor.subject} (client ${actor.clientId}, roles ${actor.roles.join(',') || 'none'})`;
