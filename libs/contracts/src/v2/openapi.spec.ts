import 'reflect-metadata';
import { Body, Controller, Module, Post, Put } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { CreateBalanceAdjustmentDto, BalanceTopupStatusDto, CreateBalanceTopupDto, CreateBucketDto } from '../index';

type Schema = { required?: string[]; properties: Record<string, Record<string, unknown>> };

@Controller()
class DtoController {
  @Post('bucket') bucket(@Body() _body: CreateBucketDto): void {}
  @Post('topup') topup(@Body() _body: CreateBalanceTopupDto): void {}
  @Post('adjustment') adjustment(@Body() _body: CreateBalanceAdjustmentDto): void {}
  @Put('status') status(@Body() _body: BalanceTopupStatusDto): void {}
}

@Module({ controllers: [DtoController] })
class DtoModule {}

/**
 * The published contract is generated from the same decorators that validate. Nested types are
 * declared lazily, which @nestjs/swagger only follows when the thunk is shaped the way it expects:
 * a slip there leaves dangling `$ref`s that no validation test would notice.
 */
describe('OpenAPI document of the v2 request DTOs', () => {
  let schemas: Record<string, Schema>;

  beforeAll(async () => {
    const app = await NestFactory.create(DtoModule, { logger: false });
    schemas = SwaggerModule.createDocument(app, new DocumentBuilder().build()).components?.schemas as Record<
      string,
      Schema
    >;
    await app.close();
  });

  it('publishes every nested type that a reference points at', () => {
    const refs = JSON.stringify(schemas).match(/#\/components\/schemas\/[^"]*/g) ?? [];
    const names = refs.map((ref) => ref.replace('#/components/schemas/', ''));
    expect(names.length).toBeGreaterThan(0);
    for (const name of names) expect(Object.keys(schemas)).toContain(name);
  });

  it('marks the required fields as the validators enforce them', () => {
    expect(schemas.CreateBucketDto.required).toEqual(['type', 'amount', 'validFor', 'product']);
    expect(schemas.CreateBalanceTopupDto.required).toEqual(['type', 'channel', 'amount']);
    expect(schemas.CreateBalanceAdjustmentDto.required).toEqual(['type', 'reason', 'amount']);
    expect(schemas.ProductRefDto.required).toEqual(['id']);
  });

  it('documents amounts as exclusive-bounded decimals', () => {
    expect(schemas.PositiveQuantityDto.properties.amount).toMatchObject({
      format: 'decimal',
      minimum: 0,
      exclusiveMinimum: true,
      maximum: 1e15,
    });
    expect(schemas.NonNegativeQuantityDto.properties.amount).toMatchObject({ minimum: 0, exclusiveMinimum: false });
  });

  it('gives every property an example', () => {
    const bare = Object.entries(schemas).flatMap(([name, schema]) =>
      Object.entries(schema.properties)
        .filter(([, property]) => property.example === undefined)
        .map(([key]) => `${name}.${key}`),
    );
    expect(bare).toEqual([]);
  });
});
