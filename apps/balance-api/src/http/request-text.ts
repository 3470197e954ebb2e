import { HttpException } from '@nestjs/common';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { tmfError, unsafeTextProblem } from '@ledger/contracts';

/**
 * A percent-encoded part of the URL, decoded strictly. Express's query parser would turn invalid
 * UTF-8 (which is how a lone surrogate is percent-encoded) into U+FFFD without a word, and a `%00`
 * would reach PostgreSQL; both are refused here for the whole URL, before any route sees it.
 */
function problemOf(raw: string, plusIsSpace: boolean): string | undefined {
  let text: string;
  try {
    text = decodeURIComponent(plusIsSpace ? raw.replace(/\+/g, ' ') : raw);
  } catch {
    return 'invalid percent-encoding (not UTF-8, or a lone UTF-16 surrogate)';
  }
  return unsafeTextProblem(text);
}

/** Quoted back to the client still encoded (plain ASCII), and cut short. */
const shown = (raw: string): string => (raw.length > 64 ? `${raw.slice(0, 64)}…` : raw);

function refusal(code: string, reason: string, message: string): HttpException {
  return new HttpException(tmfError(400, code, reason, message), 400);
}

function pathProblem(path: string): HttpException | undefined {
  for (const segment of path.split('/')) {
    const problem = problemOf(segment, false);
    if (problem !== undefined) {
      return refusal('INVALID_PATH_PARAMETER', 'Invalid path', `path segment "${shown(segment)}" contains ${problem}`);
    }
  }
  return undefined;
}

function queryProblem(query: string): HttpException | undefined {
  for (const pair of query.split('&')) {
    const equals = pair.indexOf('=');
    const rawName = equals < 0 ? pair : pair.slice(0, equals);
    const nameProblem = problemOf(rawName, true);
    const name = nameProblem === undefined ? decodeURIComponent(rawName.replace(/\+/g, ' ')) : shown(rawName);
    const problem = nameProblem ?? (equals < 0 ? undefined : problemOf(pair.slice(equals + 1), true));
    if (problem !== undefined) {
      const where = nameProblem === undefined ? `query parameter ${name}` : `query parameter name "${name}"`;
      return refusal('INVALID_QUERY_PARAMETER', 'Invalid query parameter', `${where} contains ${problem}`);
    }
  }
  return undefined;
}

/** NUL characters and lone surrogates in the path or the query: a 400 naming where, for every route. */
export function safeRequestText(): RequestHandler {
  return function safeRequestText(req: Request, _res: Response, next: NextFunction): void {
    const url = req.originalUrl;
    const mark = url.indexOf('?');
    const problem =
      pathProblem(mark < 0 ? url : url.slice(0, mark)) ?? (mark < 0 ? undefined : queryProblem(url.slice(mark + 1)));
    next(problem);
  };
}
