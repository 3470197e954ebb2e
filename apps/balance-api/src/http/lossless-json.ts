import { HttpException } from '@nestjs/common';
import express, { NextFunction, Request, RequestHandler, Response } from 'express';
import { LosslessNumber, parse } from 'lossless-json';
import { InexactNumber, findUnsafeText, tmfError } from '@ledger/contracts';
import { toExactJson } from '@ledger/contracts';

/**
 * Exact JSON numbers in both directions. `JSON.parse` would turn 0.1000000000000000000001 into 0.1
 * and the ledger would book an amount the client never sent; `JSON.stringify` cannot write an
 * amount with more digits than a double holds. Requests keep every number that a JS number
 * represents exactly and mark the others; responses write `LosslessNumber`s and Quantity amounts
 * verbatim (toExactJson).
 */
const JSON_MEDIA_TYPES = new Set(['application/json', 'application/merge-patch+json']);

/** `<sign><digits>e<exponent>` without redundant zeros, so 50, 50.0, 5e1 and 5.0E+1 compare equal. */
export function normalizeDecimal(literal: string): string {
  const [mantissa, exponent = '0'] = literal.toLowerCase().split('e');
  const [integer, fraction = ''] = mantissa.replace(/^[-+]/, '').split('.');
  const digits = `${integer}${fraction}`.replace(/^0+/, '');
  const significant = digits.replace(/0+$/, '');
  if (significant === '') return '0';
  const power = Number(exponent) - fraction.length + (digits.length - significant.length);
  return `${mantissa.startsWith('-') ? '-' : ''}${significant}e${power}`;
}

/** A JS number when `String(Number(literal))` has the literal's exact value; the marker otherwise. */
export function parseExactNumber(literal: string): number | InexactNumber {
  const value = Number(literal);
  const exact = Number.isFinite(value) && normalizeDecimal(String(value)) === normalizeDecimal(literal);
  if (!exact) return new InexactNumber(literal);
  return value === 0 ? 0 : value;
}

function badRequest(code: string, reason: string, message: string): HttpException {
  return new HttpException(tmfError(400, code, reason, message), 400);
}

/** Parses a request body; every TMF body is an object, so arrays and scalars are refused here. */
export function parseJsonBody(text: string): Record<string, unknown> {
  if (text === '') return {};
  let value: unknown;
  try {
    value = parse(text, null, parseExactNumber);
  } catch (error) {
    throw badRequest('INVALID_JSON', 'Malformed JSON', `Malformed JSON: ${(error as Error).message}`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw badRequest('INVALID_BODY', 'Request body must be a JSON object', 'The request body must be a JSON object');
  }
  refuseUnsafeText(text, value);
  return value as Record<string, unknown>;
}

/**
 * NUL and lone surrogates can only be written as `\u` escapes in valid JSON (raw control
 * characters are malformed, and decoded UTF-8 holds no surrogates), so a body without `\u` is
 * not walked at all.
 */
function refuseUnsafeText(text: string, value: object): void {
  if (!text.includes('\\u')) return;
  const unsafe = findUnsafeText(value);
  if (unsafe === undefined) return;
  throw badRequest('INVALID_FIELD', 'Invalid character', `${unsafe.path} contains ${unsafe.problem}`);
}

function hasBody(req: Request): boolean {
  const length = req.headers['content-length'];
  return req.headers['transfer-encoding'] !== undefined || (length !== undefined && length !== '0');
}

/** JSON is UTF-8 (RFC 8259 §8.1): another media type or charset is refused rather than guessed at. */
export function contentTypeProblem(header: string | undefined): HttpException | undefined {
  const [type = '', ...params] = (header ?? '').split(';');
  const charset = params
    .map((param) => param.split('='))
    .find(([name]) => name.trim().toLowerCase() === 'charset')?.[1];
  const charsetOk = charset === undefined || ['utf-8', 'utf8'].includes(charset.trim().replace(/"/g, '').toLowerCase());
  if (JSON_MEDIA_TYPES.has(type.trim().toLowerCase()) && charsetOk) return undefined;
  const message = `Content-Type must be application/json or application/merge-patch+json (UTF-8), got "${header ?? ''}"`;
  return new HttpException(tmfError(415, 'UNSUPPORTED_MEDIA_TYPE', 'Unsupported media type', message), 415);
}

function readError(error: unknown, limit: string | number): unknown {
  const { type, status, message } = error as { type?: string; status?: number; message?: string };
  if (type === 'entity.too.large') {
    const tooLarge = tmfError(
      413,
      'PAYLOAD_TOO_LARGE',
      'Request body too large',
      `The request body exceeds the limit of ${limit}`,
    );
    return new HttpException(tooLarge, 413);
  }
  if (typeof status === 'number' && status >= 400 && status < 500) {
    return new HttpException(tmfError(status, 'INVALID_BODY', 'Unreadable request body', message), status);
  }
  return error;
}

export interface JsonBodyParserOptions {
  /** Size limit in bytes or as '64kb'; past it the request gets a 413 before the body is parsed. */
  limit: string | number;
}

/**
 * Replaces Nest's `express.json()`: create the app with `bodyParser: false`. The returned function
 * is named `jsonParser`, the name Nest looks for before adding its own, as a second guard.
 */
export function losslessJsonBodyParser({ limit }: JsonBodyParserOptions): RequestHandler {
  const readText = express.text({ type: () => true, limit, defaultCharset: 'utf-8' });
  return function jsonParser(req: Request, res: Response, next: NextFunction): void {
    if (!hasBody(req)) return next();
    const problem = contentTypeProblem(req.headers['content-type']);
    if (problem) return next(problem);
    readText(req, res, (error?: unknown) => {
      if (error) return next(readError(error, limit));
      try {
        req.body = parseJsonBody(typeof req.body === 'string' ? req.body : '');
      } catch (parseError) {
        return next(parseError);
      }
      next();
    });
  };
}

/** An amount the response writes as a raw JSON number with exactly these digits (never a string). */
export function exactNumber(value: string | number | bigint): LosslessNumber {
  if (typeof value === 'number' && !Number.isFinite(value)) throw new TypeError(`Not a finite number: ${value}`);
  const literal = String(value);
  try {
    return new LosslessNumber(literal);
  } catch {
    throw new TypeError(`Not a JSON number literal: "${literal}"`);
  }
}

/** Makes `res.json` (used by Nest for every object it returns, and by the error filter) lossless. */
export function losslessJsonResponse(): RequestHandler {
  return function losslessJsonResponse(_req: Request, res: Response, next: NextFunction): void {
    res.json = function json(body?: unknown): Response {
      if (!res.get('Content-Type')) res.type('application/json');
      return res.send(toExactJson(body));
    };
    next();
  };
}
