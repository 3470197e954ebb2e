import { Body, Controller, Get, INestApplication, Module, Post, Res } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { Response } from 'express';
import { CreateBalanceTopupDto } from '@ledger/contracts';
import { configureHttp } from './configure-http';
import { exactNumber } from './lossless-json';
import { BUCKET_QUERY, projectFields, setResultHeaders, TmfQuery, TmfQueryParams } from './tmf-query';

/**
 * The HTTP conventions through a real Express server, with a stand-in controller so no database
 * is needed: what unit specs cannot show is that Nest actually routes body-parser, router and
 * handler errors through the TMF filter, and that responses leave through the lossless serializer.
 */
@Controller('v2')
class StandInController {
  @Post('balanceTopup')
  create(@Body() topup: CreateBalanceTopupDto): object {
    return {
      id: 't-1',
      received: topup.amount.amount,
      balance: { amount: exactNumber('999999999999.999999'), units: 'EUR' },
    };
  }

  @Get('bucket')
  list(@TmfQueryParams(BUCKET_QUERY) query: TmfQuery, @Res({ passthrough: true }) res: Response): object[] {
    setResultHeaders(res, 7, 1);
    return [projectFields({ id: 'b-1', href: '/v2/bucket/b-1', status: 'active', type: 'data' }, query.fields)];
  }

  @Get('failure')
  fail(): never {
    throw new Error('password=hunter2 at pg.connect');
  }
}

@Module({ controllers: [StandInController] })
class StandInModule {}

const errorOf = async (res: globalThis.Response): Promise<Record<string, string>> =>
  (await res.json()) as Record<string, string>;

const topup = '{"type":"data","channel":{"id":"web"},"bucket":{"id":"b-1"},"amount":{"amount":AMOUNT,"units":"EUR"}}';

describe('HTTP conventions through Express', () => {
  let app: INestApplication;
  let base: string;

  beforeAll(async () => {
    app = await NestFactory.create(StandInModule, { bodyParser: false, logger: false });
    configureHttp(app, { bodyLimit: '1kb' });
    await app.listen(0, '127.0.0.1');
    base = `${await app.getUrl()}/v2`;
  });
  afterAll(() => app.close());

  const post = (body: string, type = 'application/json') =>
    fetch(`${base}/balanceTopup`, { method: 'POST', headers: { 'content-type': type }, body });

  it('keeps exact amounts in and writes exact numbers out', async () => {
    const res = await post(topup.replace('AMOUNT', '50.25'), 'application/json; charset=utf-8');
    expect(res.status).toBe(201);
    expect(await res.text()).toBe(
      '{"id":"t-1","received":50.25,"balance":{"amount":999999999999.999999,"units":"EUR"}}',
    );
  });

  it.each([
    [
      'an inexact amount',
      topup.replace('AMOUNT', '0.1000000000000000000001'),
      400,
      'INVALID_FIELD',
      'amount.amount is not exactly representable',
    ],
    ['malformed JSON', '{"type":', 400, 'INVALID_JSON', 'position 8'],
    [
      'an unknown field',
      topup.replace('AMOUNT', '1').replace('{"type"', '{"colour":"red","type"'),
      400,
      'UNKNOWN_FIELD',
      'colour',
    ],
    ['a body over the limit', `{"description":"${'x'.repeat(2048)}"}`, 413, 'PAYLOAD_TOO_LARGE', '1kb'],
  ])('answers %s with a TMF error', async (_case, body, status, code, named) => {
    const res = await post(body);
    expect(res.status).toBe(status);
    const error = await errorOf(res);
    expect(error).toMatchObject({ code, status: String(status) });
    expect(error.message).toContain(named);
  });

  it('refuses a body that is not JSON with 415', async () => {
    const res = await post('type=data', 'application/x-www-form-urlencoded');
    expect([res.status, (await errorOf(res)).code]).toEqual([415, 'UNSUPPORTED_MEDIA_TYPE']);
  });

  it('answers an unknown route with 404 and a known route with the wrong method with 405', async () => {
    const missing = await fetch(`${base}/nowhere`);
    expect([missing.status, (await errorOf(missing)).code]).toEqual([404, 'NOT_FOUND']);
    const wrongMethod = await fetch(`${base}/bucket`, { method: 'DELETE' });
    expect([wrongMethod.status, wrongMethod.headers.get('allow')]).toEqual([405, 'GET, HEAD']);
  });

  it('hides an unexpected error behind a generic 500', async () => {
    const res = await fetch(`${base}/failure`);
    const text = await res.text();
    expect(res.status).toBe(500);
    expect(JSON.parse(text)).toMatchObject({ code: 'INTERNAL_ERROR', status: '500' });
    expect(text).not.toContain('hunter2');
  });

  it('projects fields and sets the paging headers', async () => {
    const res = await fetch(`${base}/bucket?fields=status&limit=1`);
    expect(await res.json()).toEqual([{ id: 'b-1', href: '/v2/bucket/b-1', status: 'active' }]);
    expect([res.headers.get('x-total-count'), res.headers.get('x-result-count')]).toEqual(['7', '1']);
    const bad = await fetch(`${base}/bucket?limit=5000`);
    expect([bad.status, (await errorOf(bad)).message]).toEqual([400, 'limit must be at most 1000, got 5000']);
  });
});
