import { HttpException } from '@nestjs/common';
import type { Request, Response } from 'express';
import { Readable } from 'node:stream';
import { InexactNumber } from '@ledger/contracts';
import {
  contentTypeProblem,
  exactNumber,
  losslessJsonBodyParser,
  losslessJsonResponse,
  normalizeDecimal,
  parseExactNumber,
  parseJsonBody,
} from './lossless-json';

/** The HTTP status and TMF body of the HttpException `run` throws. */
function thrown(run: () => unknown): { httpStatus: number; body: unknown } {
  try {
    run();
  } catch (error) {
    if (error instanceof HttpException) return { httpStatus: error.getStatus(), body: error.getResponse() };
    throw error;
  }
  throw new Error('expected a throw');
}

/** An in-memory request stream: body-parser reads it like a socket, without any I/O. */
function request(body: string, headers: Record<string, string>): Request {
  const length = String(Buffer.byteLength(body));
  return Object.assign(Readable.from([Buffer.from(body)]), {
    headers: { 'content-length': length, ...headers },
    method: 'POST',
  }) as never;
}

function runParser(req: Request, limit = '1kb'): Promise<unknown> {
  return new Promise((resolve) =>
    losslessJsonBodyParser({ limit })(req, {} as Response, (error?: unknown) => resolve(error)),
  );
}

describe('request numbers', () => {
  it.each(['50', '50.0', '5e1', '5.0E+1', '0.50e2', '500e-1'])('normalizes %s like 50', (literal) => {
    expect(normalizeDecimal(literal)).toBe('5e1');
  });

  it.each([
    ['50.25', 50.25],
    ['1e2', 100],
    ['123456789.123456', 123456789.123456],
    ['-0', 0],
  ])('keeps %s as the JS number %p', (literal, value) => {
    expect(Object.is(parseExactNumber(literal), value)).toBe(true);
  });

  it.each(['0.1000000000000000000001', '9007199254740993', '999999999999.999999', '1e400', '1e-400'])(
    'marks %s, which no JS number holds exactly',
    (literal) => {
      expect(parseExactNumber(literal)).toEqual(new InexactNumber(literal));
    },
  );

  it('parses nested numbers with the same rule', () => {
    expect(parseJsonBody('{"a":[1.5,{"b":1e400}]}')).toEqual({ a: [1.5, { b: new InexactNumber('1e400') }] });
  });

  it.each([
    ['{"type":', 'INVALID_JSON', "Malformed JSON: Object value expected after ':' at position 8"],
    ['{"a":1,"a":2}', 'INVALID_JSON', "Malformed JSON: Duplicate key 'a' encountered at position 8"],
    ['[{"a":1}]', 'INVALID_BODY', 'The request body must be a JSON object'],
  ])('refuses %s with a TMF 400', (text, code, message) => {
    expect(thrown(() => parseJsonBody(text))).toEqual({
      httpStatus: 400,
      body: { code, reason: expect.any(String), message, status: '400' },
    });
  });

  it.each([
    ['application/json', false],
    ['application/json; charset=utf-8', false],
    ['Application/JSON;charset="UTF-8"', false],
    ['application/merge-patch+json', false],
    ['application/json; charset=latin1', true],
    ['text/plain', true],
    [undefined, true],
  ])('Content-Type %p is refused: %p', (header, refused) => {
    expect(contentTypeProblem(header)?.getStatus()).toBe(refused ? 415 : undefined);
  });

  it('parses a JSON body into req.body', async () => {
    const req = request('{"amount":{"amount":0.1000000000000000000001}}', {
      'content-type': 'application/json;charset=utf-8',
    });
    expect(await runParser(req)).toBeUndefined();
    expect(req.body).toEqual({ amount: { amount: new InexactNumber('0.1000000000000000000001') } });
  });

  it('answers a body over the limit with a TMF 413', async () => {
    const error = await runParser(request(`{"a":"${'x'.repeat(100)}"}`, { 'content-type': 'application/json' }), '64b');
    expect((error as HttpException).getResponse()).toMatchObject({ code: 'PAYLOAD_TOO_LARGE', status: '413' });
  });
});

describe('response numbers', () => {
  function send(body: unknown): { text: unknown; type: unknown } {
    const sent: { text: unknown; type: unknown } = { text: undefined, type: undefined };
    const res = {
      get: () => sent.type,
      type: (type: string) => (sent.type = type),
      send: (text: string) => (sent.text = text),
    };
    losslessJsonResponse()({} as Request, res as unknown as Response, () => undefined);
    (res as unknown as Response).json(body);
    return sent;
  }

  it('writes exact amounts as raw JSON numbers, never strings', () => {
    const body = { amount: { amount: exactNumber('999999999999.999999'), units: 'EUR' }, version: 7n, plain: 0.5 };
    expect(send(body)).toEqual({
      text: '{"amount":{"amount":999999999999.999999,"units":"EUR"},"version":7,"plain":0.5}',
      type: 'application/json',
    });
  });

  it.each<[string | number, string]>([
    ['abc', 'Not a JSON number literal: "abc"'],
    ['1.', 'Not a JSON number literal: "1."'],
    [Number.NaN, 'Not a finite number: NaN'],
  ])('refuses to build an exact number from %p', (value, message) => {
    expect(() => exactNumber(value)).toThrow(message);
  });
});
