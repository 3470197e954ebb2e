import 'reflect-metadata';
import { ArgumentMetadata, BadRequestException, INestApplication } from '@nestjs/common';
import { CreateBalanceTopupDto, InexactNumber } from '@ledger/contracts';
import { configureHttp, createValidationPipe } from './configure-http';
import { TmfErrorFilter } from './tmf-error.filter';

const asBody: ArgumentMetadata = { type: 'body', metatype: CreateBalanceTopupDto };
const topup = { type: 'data', channel: { id: 'web' }, amount: { amount: 50, units: 'EUR' }, product: { id: 'p-1' } };

async function rejectionOf(body: unknown): Promise<unknown> {
  try {
    await createValidationPipe().transform(body, asBody);
  } catch (error) {
    if (error instanceof BadRequestException) return error.getResponse();
    throw error;
  }
  throw new Error('expected a rejection');
}

describe('createValidationPipe', () => {
  it('hands the handler an instance of the DTO', async () => {
    const dto = await createValidationPipe().transform(topup, asBody);
    expect(dto).toBeInstanceOf(CreateBalanceTopupDto);
    expect(dto.amount.amount).toBe(50);
  });

  // The marker must survive class-transformer's copy of the body to reach the amount validator.
  it('rejects an inexact amount naming the field', async () => {
    const body = { ...topup, amount: { amount: new InexactNumber('50.0000000000000000001'), units: 'EUR' } };
    expect(await rejectionOf(body)).toEqual({
      code: 'INVALID_FIELD',
      reason: 'Invalid field value',
      message:
        'amount.amount is not exactly representable as a number (50.0000000000000000001); send at most 15 significant digits',
      status: '400',
    });
  });

  it('never coerces: a numeric string is not a number', async () => {
    expect(await rejectionOf({ ...topup, amount: { amount: '50', units: 'EUR' } })).toMatchObject({
      message: 'amount.amount must be a JSON number',
    });
  });

  it('refuses unknown properties instead of dropping them', async () => {
    expect(await rejectionOf({ ...topup, colour: 'red' })).toMatchObject({
      code: 'UNKNOWN_FIELD',
      message: 'colour is not a known field',
    });
  });

  it('refuses a missing body like an empty one', async () => {
    expect(await rejectionOf(undefined)).toMatchObject({
      code: 'MISSING_FIELD',
      message: expect.stringMatching(/^type is required/),
    });
  });
});

describe('configureHttp', () => {
  it('installs the serializer, the correlation id and the URL check before the parser, then the filter and the pipe', () => {
    const calls: string[] = [];
    const app = {
      use: (handler: { name: string }) => calls.push(`use ${handler.name}`),
      useGlobalFilters: (filter: object) => calls.push(`filter ${filter instanceof TmfErrorFilter}`),
      useGlobalPipes: () => calls.push('pipe'),
    };
    configureHttp(app as unknown as INestApplication, { bodyLimit: '64kb' });
    expect(calls).toEqual([
      'use losslessJsonResponse',
      'use correlationId',
      'use safeRequestText',
      'use jsonParser',
      'filter true',
      'pipe',
    ]);
  });
});
