import { ApiProperty } from '@nestjs/swagger';
import { IsDefined, IsIn, ValidateIf } from 'class-validator';
import { BooleanField, NestedField, PositiveIntegerField, StringField } from '../validation/field.decorators';
import {
  PositiveQuantityDto,
  RECURRING_PERIODS,
  RecurringPeriod,
  TimePeriodDto,
  TmfEntityDto,
  TOPUP_INITIAL_STATUSES,
  TOPUP_STATUSES,
  TopupStatus,
} from './common.dto';
import {
  BucketOrProductField,
  BucketRefDto,
  ChannelRefDto,
  PartyAccountRefDto,
  PaymentMethodRefDto,
  ProductRefDto,
  RelatedPartyDto,
} from './refs.dto';

/**
 * POST /balanceTopup: BalanceTopupBody (type, channel, amount, product) plus every client-settable
 * BalanceTopupRequest field. `id`, `href`, `requestedDate` and `confirmationDate` are the server's
 * and are rejected. `bucket` or `product` must identify the bucket.
 */
export class CreateBalanceTopupDto extends TmfEntityDto {
  @StringField({
    required: true,
    kind: 'code',
    description: 'Topup type; selects the bucket under the product',
    example: 'national-voice',
  })
  type!: string;

  @NestedField(() => ChannelRefDto, { required: true, example: { id: 'web', name: 'web' } })
  channel!: ChannelRefDto;

  @NestedField(() => PositiveQuantityDto, { required: true, example: { amount: 50, units: 'EUR' } })
  amount!: PositiveQuantityDto;

  @NestedField(() => ProductRefDto, {
    description: 'Product whose bucket is topped up; required unless `bucket` is given',
    example: { id: 'prod-0042', name: 'Mobile Prepaid 10GB' },
  })
  product?: ProductRefDto;

  @BucketOrProductField()
  bucket?: BucketRefDto;

  @StringField({ kind: 'text', example: 'Monthly recharge at the shop' })
  description?: string;

  @StringField({
    enum: TOPUP_INITIAL_STATUSES,
    description: 'Initial status; the server decides when absent',
    example: 'confirmed',
  })
  status?: (typeof TOPUP_INITIAL_STATUSES)[number];

  @NestedField(() => RelatedPartyDto, {
    description: 'Who performed the topup (e.g. an agent)',
    example: { id: 'agent-7', name: 'Shop agent', role: 'agent' },
  })
  requestor?: RelatedPartyDto;

  @BooleanField({ description: 'A periodic topup, repeated every recurringPeriod', example: false })
  isAutoTopup?: boolean;

  /** A periodic topup needs its period; without one the scheduler could not run it. */
  @ApiProperty({
    required: false,
    enum: RECURRING_PERIODS,
    description: 'Required when isAutoTopup is true',
    example: 'monthly',
  })
  @ValidateIf((topup: CreateBalanceTopupDto) => topup.isAutoTopup === true || topup.recurringPeriod !== undefined)
  @IsDefined({ message: '$property is required when isAutoTopup is true' })
  @IsIn(RECURRING_PERIODS, { message: `$property must be one of: ${RECURRING_PERIODS.join(', ')}` })
  recurringPeriod?: RecurringPeriod;

  @PositiveIntegerField({ description: 'Number of periods; unlimited when absent', example: 12 })
  nrOfPeriods?: number;

  @NestedField(() => PaymentMethodRefDto, {
    example: { id: 'pm-1', type: 'voucher', details: { voucherCode: '1234-5678' } },
  })
  paymentMethod?: PaymentMethodRefDto;

  @StringField({ description: 'Voucher identifier (R17 legacy; prefer paymentMethod)', example: 'VCH-0001-2345' })
  voucher?: string;

  @NestedField(() => TimePeriodDto, {
    description: 'Validity of the recharged amount',
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

/**
 * PUT /balanceTopup/{id}/status (R17 BalanceTopupStatusTypeModify). `reason` is an extension,
 * recorded with the status change so an audit can tell why a topup was cancelled. Which
 * transitions are legal is the domain's rule (`…INVALID_TRANSITION` → 409), not this DTO's.
 */
export class BalanceTopupStatusDto {
  @StringField({ required: true, enum: TOPUP_STATUSES, description: 'New status of the topup', example: 'cancelled' })
  status!: TopupStatus;

  @StringField({ kind: 'text', description: 'Why the status changes', example: 'Payment was charged back' })
  reason?: string;
}
