import { applyDecorators } from '@nestjs/common';
import { ApiProperty } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsDefined, IsObject, ValidateIf, ValidateNested } from 'class-validator';
import { StringField, StringMapField } from '../validation/field.decorators';
import { TmfEntityDto } from './common.dto';

/**
 * References. R17 requires `href` on most of them and `role`+`name` (not `id`) on RelatedParty;
 * here every reference requires `id` and nothing else, as TMF v4 does, because the ledger resolves
 * references by id and builds hrefs itself.
 */
export abstract class EntityRefDto extends TmfEntityDto {
  @StringField({
    required: true,
    description: 'Identifier of the referred entity',
    example: '5e7c1f0a-3b1d-4a5e-9d8f-2c6b7a1e0f42',
  })
  id!: string;

  @StringField({
    description: 'URI of the referred entity',
    example: 'https://api.example.com/tmf-api/productInventory/v4/product/5e7c1f0a',
  })
  href?: string;

  @StringField({ kind: 'code', description: 'Class name of the referred entity', example: 'Product' })
  '@referredType'?: string;
}

export class BucketRefDto extends EntityRefDto {}

export class ProductRefDto extends EntityRefDto {
  @StringField({ example: 'Mobile Prepaid 10GB' })
  name?: string;
}

export class PartyAccountRefDto extends EntityRefDto {
  @StringField({ example: 'Prepaid account 4711' })
  name?: string;
}

export class RelatedPartyDto extends EntityRefDto {
  @StringField({ example: 'Jane Doe' })
  name?: string;

  @StringField({ kind: 'code', description: 'Role of the party in this context', example: 'customer' })
  role?: string;
}

export class ChannelRefDto extends EntityRefDto {
  @StringField({ example: 'web' })
  name?: string;
}

export class PaymentMethodRefDto extends EntityRefDto {
  @StringField({ example: 'Visa ending 4242' })
  name?: string;

  @StringField({ kind: 'code', description: 'Kind of payment method', example: 'bankCard' })
  type?: string;

  /** R17 types this as a RelatedPartyRef, an evident generator slip; a flat string map is what "parameters" means. */
  @StringMapField({ description: 'Method-specific parameters', example: { voucherCode: '1234-5678' } })
  details?: Record<string, string>;
}

export class RealizingResourceRefDto extends EntityRefDto {
  @StringField({ example: 'SIM 8934071234567890' })
  name?: string;

  @StringField({ description: 'Public identifier of the resource (e.g. an MSISDN)', example: '+34600111222' })
  value?: string;

  /** R17 spells the resource type `@Type`; kept so R17 clients pass, next to the `@type` meta field. */
  @StringField({ kind: 'code', description: 'Type of resource (R17 spelling)', example: 'MSISDN' })
  '@Type'?: string;
}

/**
 * On `bucket`: either `bucket` or `product` must identify the bucket to act on. The check sits on
 * `bucket` so the error names it; when only `product` is sent, the rule is skipped.
 */
export function BucketOrProductField(): PropertyDecorator {
  return applyDecorators(
    ApiProperty({
      type: () => BucketRefDto,
      required: false,
      description: 'Bucket to act on; required unless `product` is given',
      example: { id: 'b-5f3a' },
    }),
    ValidateIf(
      (object: { bucket?: unknown; product?: unknown }) => object.bucket !== undefined || object.product === undefined,
    ),
    IsDefined({ message: 'bucket or product is required: one of them must identify the bucket' }),
    IsObject(),
    ValidateNested({ message: '$property must be an object' }),
    Type(() => BucketRefDto),
  );
}
