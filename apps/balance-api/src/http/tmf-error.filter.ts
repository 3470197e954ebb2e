import { ArgumentsHost, Catch, ExceptionFilter, Logger, NotFoundException } from '@nestjs/common';
import type { Request, Response } from 'express';
import { tmfError } from '@ledger/contracts';
import { toTmfErrorResponse, TmfErrorResponse } from './tmf-error.mapper';

interface RouteLayer {
  route?: { methods?: Record<string, boolean> };
  match?: (path: string) => boolean;
}

/**
 * Methods the app's routes accept for this path. Express answers a known path with an unknown
 * method like an unknown path; TMF (and the conformance checklist) want 405 with `Allow` there.
 */
export function allowedMethods(req: Request): string[] {
  const stack = (req.app as unknown as { router?: { stack?: RouteLayer[] } } | undefined)?.router?.stack ?? [];
  const methods = new Set<string>();
  for (const layer of stack) {
    if (!layer.route?.methods || typeof layer.match !== 'function' || !layer.match(req.path)) continue;
    for (const [method, enabled] of Object.entries(layer.route.methods)) {
      if (enabled && method !== '_all') methods.add(method.toUpperCase());
    }
  }
  if (methods.has('GET')) methods.add('HEAD');
  return [...methods].sort();
}

/** Nest's not-found handler throws exactly this for a request no route matched. */
function isRouteMiss(exception: unknown, req: Request): boolean {
  return exception instanceof NotFoundException && exception.message === `Cannot ${req.method} ${req.originalUrl}`;
}

/**
 * The one place an error becomes a response: every 4xx/5xx, whether from a controller, the
 * validation pipe, the body parser or Nest's router, leaves as a TMF error body.
 */
@Catch()
export class TmfErrorFilter implements ExceptionFilter {
  private readonly logger = new Logger('TmfErrorFilter');

  catch(exception: unknown, host: ArgumentsHost): void {
    if (host.getType() !== 'http') throw exception;
    const req = host.switchToHttp().getRequest<Request>();
    const res = host.switchToHttp().getResponse<Response>();
    const allow = isRouteMiss(exception, req) ? allowedMethods(req) : [];
    const { status, body, headers } = allow.length > 0 ? methodNotAllowed(req, allow) : toTmfErrorResponse(exception);
    if (status === 503) {
      // Expected under overload, and one line per refused request: no stack.
      this.logger.warn(`${req.method} ${req.originalUrl} → 503 ${body.message}`);
    } else if (status >= 500) {
      this.logger.error(
        `${req.method} ${req.originalUrl} → ${status}`,
        exception instanceof Error ? exception.stack : String(exception),
      );
    }
    if (res.headersSent) {
      // Part of a response is already on the wire: all that can be done is end it.
      res.end();
      return;
    }
    if (allow.length > 0) res.setHeader('Allow', allow.join(', '));
    for (const [name, value] of Object.entries(headers ?? {})) res.setHeader(name, value);
    res.status(status).json(body);
  }
}

function methodNotAllowed(req: Request, allow: string[]): TmfErrorResponse {
  const message = `${req.method} is not supported on ${req.path}; allowed: ${allow.join(', ')}`;
  return { status: 405, body: tmfError(405, 'METHOD_NOT_ALLOWED', 'Method Not Allowed', message) };
}
