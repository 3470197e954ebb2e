import { AmountField, DateTimeField, StringField } from '../validation/field.decorators';

/** Seed vocabulary (R17). Bucket status: the R17 BucketBalance description, not the JSON schema that wrongly reuses the topup values. */
export const BUCKET_STATUSES = ['active', 'expired', 'suspended'] as const;
export type BucketStatus = (typeof BUCKET_STATUSES)[number];

export const TOPUP_STATUSES = ['in progress', 'confirmed', 'cancelled'] as const;
export type TopupStatus = (typeof TOPUP_STATUSES)[number];
/** A topup can be created pending (awaiting payment) or already confirmed; never cancelled. */
export const TOPUP_INITIAL_STATUSES = ['in progress', 'confirmed'] as const;

/** R17 leaves it free text ("monthly, weekly, …"); a closed list, because the scheduler must understand every value it accepts. */
export const RECURRING_PERIODS = ['daily', 'weekly', 'monthly', 'yearly'] as const;
export type RecurringPeriod = (typeof RECURRING_PERIODS)[number];

/** TMF polymorphism meta fields: accepted on every entity and reference so TMF clients that send them are not rejected. */
export abstract class TmfEntityDto {
  @StringField({ kind: 'code', description: 'Immediate base class type of this entity', example: 'BucketBalance' })
  '@baseType'?: string;

  @StringField({
    description: 'URI of a JSON schema describing extensions of this entity',
    example: 'https://example.com/schemas/Bucket.schema.json',
  })
  '@schemaLocation'?: string;

  @StringField({
    kind: 'code',
    description: 'Class name of this entity, when it is a subclass',
    example: 'BucketBalance',
  })
  '@type'?: string;
}

export class TimePeriodDto {
  @DateTimeField({
    required: true,
    description: 'Start of the period (RFC 3339 with offset)',
    example: '2025-01-01T00:00:00Z',
  })
  startDateTime!: string;

  @DateTimeField({
    after: 'startDateTime',
    description: 'End of the period; open-ended when absent',
    example: '2025-12-31T23:59:59Z',
  })
  endDateTime?: string;
}

abstract class QuantityUnitsDto {
  @StringField({
    required: true,
    kind: 'code',
    description: 'Unit of the amount: ISO 4217 currency or a service unit',
    example: 'EUR',
  })
  units!: string;
}

/** Topup amounts: a credit of 0 or less is never a topup. */
export class PositiveQuantityDto extends QuantityUnitsDto {
  @AmountField(
    { signed: false },
    { required: true, description: 'Exact decimal, > 0, at most 6 decimal places', example: 50 },
  )
  amount!: number;
}

/** Adjustment amounts: positive credits, negative debits (R17 semantics), never 0. */
export class SignedQuantityDto extends QuantityUnitsDto {
  @AmountField(
    { signed: true },
    { required: true, description: 'Exact decimal, non-zero, at most 6 decimal places', example: -12.5 },
  )
  amount!: number;
}

/** Opening balances, reservations and credit limits: 0 or more. */
export class NonNegativeQuantityDto extends QuantityUnitsDto {
  @AmountField(
    {
      signed: false,
      allowZero: true,
    },
    { required: true, description: 'Exact decimal, ≥ 0, at most 6 decimal places', example: 100 },
  )
  amount!: number;
}
