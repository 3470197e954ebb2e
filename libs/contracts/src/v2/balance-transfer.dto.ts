import { NestedField, StringField } from '../validation/field.decorators';
import { NonNegativeQuantityDto, PositiveQuantityDto, TmfEntityDto } from './common.dto';
import { BucketRefDto, ChannelRefDto, ProductRefDto, RelatedPartyDto } from './refs.dto';

export const COST_OWNERS = ['originator', 'recipient'] as const;
export const TRANSFER_STATUSES = ['in progress', 'completed', 'failed'] as const;

/**
 * POST /balanceTransfer. R17's BalanceTransferBody (`type`, `channel`, `targetId`, `amount`,
 * `product`) cannot name the source bucket, so the buckets come as in v4's TransferBalance:
 * `bucket` (the source) and `receiverBucket` (the target), both required; `type`, `channel` and
 * `product` are kept as given. `transferCost` and `costOwner` are v4's; the cost is in the
 * amount's units and the originator pays it by default.
 */
export class CreateBalanceTransferDto extends TmfEntityDto {
  @StringField({ kind: 'code', description: 'Transfer type, kept as given', example: 'gift' })
  type?: string;

  @NestedField(() => ChannelRefDto, { example: { id: 'app', name: 'self-care app' } })
  channel?: ChannelRefDto;

  @NestedField(() => BucketRefDto, { required: true, description: 'Source bucket', example: { id: 'b-5f3a' } })
  bucket!: BucketRefDto;

  @NestedField(() => BucketRefDto, { required: true, description: 'Target bucket', example: { id: 'b-77c1' } })
  receiverBucket!: BucketRefDto;

  @NestedField(() => PositiveQuantityDto, { required: true, example: { amount: 5, units: 'EUR' } })
  amount!: PositiveQuantityDto;

  @NestedField(() => NonNegativeQuantityDto, {
    description: 'Cost of the transfer, in the units of amount; collected by the operator',
    example: { amount: 0.25, units: 'EUR' },
  })
  transferCost?: NonNegativeQuantityDto;

  @StringField({
    enum: COST_OWNERS,
    description: 'Who pays transferCost: the originator on top of amount (default), or the recipient out of it',
    example: 'originator',
  })
  costOwner?: (typeof COST_OWNERS)[number];

  @NestedField(() => ProductRefDto, { description: 'Product of the source bucket, kept as given' })
  product?: ProductRefDto;

  @NestedField(() => RelatedPartyDto, { example: { id: 'cust-1', role: 'customer' } })
  requestor?: RelatedPartyDto;

  @StringField({ kind: 'text', example: 'birthday gift' })
  description?: string;
}

/** PUT /balanceTransfer/{id}/status: the status the client expects; the process owns every move. */
export class BalanceTransferStatusDto {
  @StringField({ required: true, enum: TRANSFER_STATUSES, example: 'completed' })
  status!: (typeof TRANSFER_STATUSES)[number];
}
