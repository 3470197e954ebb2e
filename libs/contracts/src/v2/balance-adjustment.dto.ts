import { NestedField, StringField } from '../validation/field.decorators';
import { SignedQuantityDto, TimePeriodDto, TmfEntityDto } from './common.dto';
import { BucketOrProductField, BucketRefDto, PartyAccountRefDto, ProductRefDto, RelatedPartyDto } from './refs.dto';

/**
 * POST /balanceAdjustment: BalanceAdjustmentBody (type, reason, amount, product) plus every
 * client-settable BalanceAdjustmentRequest field (`id`, `href`, `requestedDate` are the server's).
 * The amount is signed: positive credits, negative debits.
 */
export class CreateBalanceAdjustmentDto extends TmfEntityDto {
  @StringField({
    required: true,
    kind: 'code',
    description: 'Adjustment type; selects the bucket under the product',
    example: 'national-voice',
  })
  type!: string;

  @StringField({
    required: true,
    kind: 'text',
    description: 'Why the balance is adjusted (kept for audit)',
    example: 'Compensation for network outage #4711',
  })
  reason!: string;

  @NestedField(() => SignedQuantityDto, { required: true, example: { amount: -12.5, units: 'EUR' } })
  amount!: SignedQuantityDto;

  @NestedField(() => ProductRefDto, {
    description: 'Product whose bucket is adjusted; required unless `bucket` is given',
    example: { id: 'prod-0042', name: 'Mobile Prepaid 10GB' },
  })
  product?: ProductRefDto;

  @BucketOrProductField()
  bucket?: BucketRefDto;

  @StringField({ kind: 'text', example: 'Goodwill credit' })
  description?: string;

  @NestedField(() => RelatedPartyDto, {
    description: 'Who performed the adjustment',
    example: { id: 'agent-7', name: 'Shop agent', role: 'agent' },
  })
  requestor?: RelatedPartyDto;

  @NestedField(() => TimePeriodDto, {
    description: 'Validity of the adjusted amount',
    example: { startDateTime: '2025-01-01T00:00:00Z', endDateTime: '2025-03-31T23:59:59Z' },
  })
  validFor?: TimePeriodDto;

  @NestedField(() => PartyAccountRefDto, { example: { id: 'acc-4711', name: 'Prepaid account 4711' } })
  partyAccount?: PartyAccountRefDto;

  @NestedField(() => RelatedPartyDto, {
    isArray: true,
    example: [{ id: 'cust-9', role: 'customer', '@referredType': 'Individual' }],
  })
  relatedParty?: RelatedPartyDto[];
}
