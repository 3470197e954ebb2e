import { BooleanField, DateTimeField, NestedField, StringField } from '../validation/field.decorators';
import { PositiveQuantityDto, TmfEntityDto } from './common.dto';
import { BucketRefDto, EntityRefDto, RelatedPartyDto } from './refs.dto';

/** A reference to a reservation by the id its reserve gave it. */
export class BalanceReserveRefDto extends EntityRefDto {}

const BUCKET = { required: true, description: 'Bucket that holds the reservation', example: { id: 'b-5f3a' } };
const RESERVATION = { description: 'Reservation to act on', example: { id: 'r-3e9a' } };

/**
 * POST /balanceReserve. R17's BalanceReserveBody (`id`, `relatedParty`, `reservedAmount`) names no
 * bucket and no expiry, so, as in v4's ReserveBalance, the bucket is named and the expiry may be
 * given; without it the reservation holds for RESERVATION_DEFAULT_TTL_SECONDS. `id` is the
 * reservation id (the server picks one when absent).
 */
export class CreateBalanceReserveDto extends TmfEntityDto {
  @StringField({ description: 'Reservation id, unique within the server; chosen by the server when absent' })
  id?: string;

  @NestedField(() => BucketRefDto, BUCKET)
  bucket!: BucketRefDto;

  @NestedField(() => PositiveQuantityDto, { required: true, example: { amount: 2, units: 'EUR' } })
  reservedAmount!: PositiveQuantityDto;

  @DateTimeField({ description: 'When the reservation is released if not captured', example: '2026-01-01T10:15:00Z' })
  expiresAt?: string;

  @NestedField(() => RelatedPartyDto, { isArray: true, example: [{ id: 'cust-9', role: 'customer' }] })
  relatedParty?: RelatedPartyDto[];

  @NestedField(() => RelatedPartyDto, { description: 'Who reserved', example: { id: 'ocs-1', role: 'charging' } })
  requestor?: RelatedPartyDto;

  @StringField({ kind: 'text', example: 'voice session 8812' })
  description?: string;
}

/** POST /balanceReserve/{id}/extension: moves the expiry of a held reservation later. */
export class ExtendBalanceReserveDto {
  @NestedField(() => BucketRefDto, BUCKET)
  bucket!: BucketRefDto;

  @DateTimeField({ required: true, description: 'The new, later expiry', example: '2026-01-01T10:30:00Z' })
  expiresAt!: string;
}

/** POST /balanceUnreserve: releases `amount` of a reservation, or all of what it holds. */
export class BalanceUnreserveDto extends TmfEntityDto {
  @NestedField(() => BalanceReserveRefDto, { ...RESERVATION, required: true })
  balanceReserve!: BalanceReserveRefDto;

  @NestedField(() => BucketRefDto, BUCKET)
  bucket!: BucketRefDto;

  @NestedField(() => PositiveQuantityDto, {
    description: 'Part to release; all of what the reservation holds when absent',
    example: { amount: 1, units: 'EUR' },
  })
  amount?: PositiveQuantityDto;

  @StringField({ kind: 'text', example: 'session ended early' })
  reason?: string;
}

/**
 * POST /balanceDeduct: captures `amount` from `balanceReserve` (interim, or `final` releasing the
 * rest), or without one deducts it straight from the available balance.
 */
export class BalanceDeductDto extends TmfEntityDto {
  @StringField({ description: 'Deduction id, unique within the server; chosen by the server when absent' })
  id?: string;

  @NestedField(() => BucketRefDto, { ...BUCKET, description: 'Bucket to deduct from' })
  bucket!: BucketRefDto;

  @NestedField(() => BalanceReserveRefDto, RESERVATION)
  balanceReserve?: BalanceReserveRefDto;

  @NestedField(() => PositiveQuantityDto, { required: true, example: { amount: 1.5, units: 'EUR' } })
  amount!: PositiveQuantityDto;

  @BooleanField({ description: 'Last capture of the session: releases what the reservation still holds' })
  final?: boolean;

  @StringField({ kind: 'text', description: 'Why, kept as the deduction description', example: 'call 8812' })
  reason?: string;

  @NestedField(() => RelatedPartyDto, { isArray: true, example: [{ id: 'cust-9', role: 'customer' }] })
  relatedParty?: RelatedPartyDto[];

  @NestedField(() => RelatedPartyDto, { description: 'Who deducted', example: { id: 'ocs-1', role: 'charging' } })
  requestor?: RelatedPartyDto;
}
