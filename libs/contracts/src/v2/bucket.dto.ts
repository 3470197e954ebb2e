import { NestedField, StringField } from '../validation/field.decorators';
import { BUCKET_STATUSES, BucketStatus, NonNegativeQuantityDto, TimePeriodDto, TmfEntityDto } from './common.dto';
import { PartyAccountRefDto, ProductRefDto, RealizingResourceRefDto, RelatedPartyDto } from './refs.dto';

/**
 * POST /bucket (an extension: R17 only reads buckets). Every BucketBalance field except the
 * server-set `id` and `href`, plus `creditLimit`. Field names follow the seed documents (`type`,
 * `amount`), which the R17 swagger calls `bucketType` and `remainedAmount`.
 */
export class CreateBucketDto extends TmfEntityDto {
  @StringField({ example: 'Main balance' })
  name?: string;

  @StringField({ kind: 'text', example: 'Monetary balance of the prepaid line' })
  description?: string;

  @StringField({
    required: true,
    kind: 'code',
    description: 'Bucket type (promotion, deposit, bonus, data, voice, …)',
    example: 'deposit',
  })
  type!: string;

  @NestedField(() => NonNegativeQuantityDto, {
    required: true,
    description: 'Opening balance',
    example: { amount: 0, units: 'EUR' },
  })
  amount!: NonNegativeQuantityDto;

  @NestedField(() => NonNegativeQuantityDto, {
    description: 'Amount already reserved',
    example: { amount: 0, units: 'EUR' },
  })
  reservedAmount?: NonNegativeQuantityDto;

  @NestedField(() => NonNegativeQuantityDto, {
    description: 'Extension: how far below zero the balance may go',
    example: { amount: 20, units: 'EUR' },
  })
  creditLimit?: NonNegativeQuantityDto;

  @NestedField(() => TimePeriodDto, {
    required: true,
    example: { startDateTime: '2025-01-01T00:00:00Z', endDateTime: '2026-01-01T00:00:00Z' },
  })
  validFor!: TimePeriodDto;

  @StringField({ enum: BUCKET_STATUSES, default: 'active', example: 'active' })
  status?: BucketStatus = 'active';

  @NestedField(() => ProductRefDto, {
    required: true,
    isArray: true,
    minItems: 1,
    description: 'Products sharing this bucket',
    example: [{ id: 'prod-0042', name: 'Mobile Prepaid 10GB' }],
  })
  product!: ProductRefDto[];

  @NestedField(() => PartyAccountRefDto, {
    description: 'Account that owns the bucket',
    example: { id: 'acc-4711', name: 'Prepaid account 4711' },
  })
  partyAccount?: PartyAccountRefDto;

  @NestedField(() => RealizingResourceRefDto, {
    isArray: true,
    example: [{ id: 'res-77', value: '+34600111222', '@Type': 'MSISDN' }],
  })
  realizingResource?: RealizingResourceRefDto[];

  @NestedField(() => RelatedPartyDto, {
    isArray: true,
    example: [{ id: 'cust-9', role: 'customer', '@referredType': 'Individual' }],
  })
  relatedParty?: RelatedPartyDto[];
}
