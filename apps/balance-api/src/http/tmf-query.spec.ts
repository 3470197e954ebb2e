import { BadRequestException } from '@nestjs/common';
import type { Response } from 'express';
import {
  BALANCE_TOPUP_QUERY,
  BUCKET_QUERY,
  DEFAULT_LIMIT,
  parseTmfQuery,
  projectFields,
  setResultHeaders,
} from './tmf-query';

function rejection(query: Record<string, unknown>): { code: string; message: string } {
  try {
    parseTmfQuery(query, BUCKET_QUERY);
  } catch (error) {
    if (error instanceof BadRequestException) return error.getResponse() as { code: string; message: string };
    throw error;
  }
  throw new Error('expected a rejection');
}

describe('TMF query parameters', () => {
  it('defaults to the first page of 100 with no projection and no filter', () => {
    expect(parseTmfQuery({}, BUCKET_QUERY)).toEqual({ offset: 0, limit: DEFAULT_LIMIT, filters: [] });
  });

  it('reads paging, fields and dotted attribute filters', () => {
    const query = {
      offset: '20',
      limit: '1000',
      fields: 'amount.units, status,,amount',
      status: 'active',
      'relatedParty.id': 'c-1',
    };
    expect(parseTmfQuery(query, BUCKET_QUERY)).toEqual({
      offset: 20,
      limit: 1000,
      fields: ['id', 'href', 'amount', 'status'],
      filters: [
        { path: 'status', value: 'active' },
        { path: 'relatedParty.id', value: 'c-1' },
      ],
    });
  });

  it('accepts the seed topup status with its space', () => {
    expect(parseTmfQuery({ status: 'in progress' }, BALANCE_TOPUP_QUERY).filters).toEqual([
      { path: 'status', value: 'in progress' },
    ]);
  });

  it.each<[string, Record<string, unknown>, string, string]>([
    [
      'a negative offset',
      { offset: '-1' },
      'INVALID_QUERY_PARAMETER',
      'offset must be a non-negative integer, got "-1"',
    ],
    [
      'a fractional limit',
      { limit: '2.5' },
      'INVALID_QUERY_PARAMETER',
      'limit must be a non-negative integer, got "2.5"',
    ],
    ['a limit over the maximum', { limit: '1001' }, 'INVALID_QUERY_PARAMETER', 'limit must be at most 1000, got 1001'],
    [
      'a repeated limit',
      { limit: ['1', '2'] },
      'INVALID_QUERY_PARAMETER',
      'limit must be given once, as a single value',
    ],
    [
      'a malformed field name',
      { fields: 'status,a b' },
      'INVALID_QUERY_PARAMETER',
      'fields has an invalid field name "a b"',
    ],
    ['an unknown filter', { colour: 'red' }, 'UNKNOWN_QUERY_PARAMETER', 'Unknown query parameter "colour"'],
    [
      'a filter on a field that is not allowed',
      { 'amount.amount': '5' },
      'UNKNOWN_QUERY_PARAMETER',
      'Unknown query parameter "amount.amount"',
    ],
    [
      'a status outside the vocabulary',
      { status: 'closed' },
      'INVALID_QUERY_PARAMETER',
      'status must be one of: active, expired, suspended',
    ],
    ['an empty filter', { 'product.id': '' }, 'INVALID_QUERY_PARAMETER', 'product.id must not be empty'],
  ])('refuses %s with a 400 naming the parameter', (_case, query, code, message) => {
    const error = rejection(query);
    expect(error.code).toBe(code);
    expect(error.message.startsWith(message)).toBe(true);
  });
});

describe('fields projection', () => {
  const bucket = {
    id: 'b-1',
    href: '/bucket/b-1',
    status: 'active',
    amount: { amount: 5, units: 'EUR' },
    type: 'data',
  };

  it('keeps the requested top-level fields plus id and href', () => {
    expect(projectFields(bucket, parseTmfQuery({ fields: 'amount.units' }, BUCKET_QUERY).fields)).toEqual({
      id: 'b-1',
      href: '/bucket/b-1',
      amount: { amount: 5, units: 'EUR' },
    });
  });

  it('returns the whole object when no fields were asked for', () => {
    expect(projectFields(bucket, undefined)).toBe(bucket);
  });

  it('skips requested fields the object does not have', () => {
    expect(projectFields(bucket, ['id', 'href', 'creditLimit'])).toEqual({ id: 'b-1', href: '/bucket/b-1' });
  });
});

describe('result headers', () => {
  it('sets the total of the filter and the size of the page', () => {
    const headers: Record<string, string> = {};
    setResultHeaders(
      { setHeader: (name: string, value: string) => (headers[name] = value) } as unknown as Response,
      42,
      10,
    );
    expect(headers).toEqual({ 'X-Total-Count': '42', 'X-Result-Count': '10' });
  });
});
