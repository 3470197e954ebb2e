export { type TmfError, TmfErrorDto, isTmfError, tmfError } from './tmf-error';
export {
  type ExactAmountOptions,
  InexactNumber,
  IsExactAmount,
  MAX_ABS_AMOUNT,
  MAX_AMOUNT_DECIMALS,
  decimalPlaces,
  exactAmountProblem,
} from './validation/exact-amount.validator';
export { IsAfterField, IsRfc3339, isRfc3339, rfc3339Instant } from './validation/rfc3339.validator';
export { findUnsafeText, isSafeText, unsafeTextProblem } from './validation/safe-text';
export { DOCUMENT_LIMITS, type StringKind, codePoints } from './validation/document-limits';
export {
  AmountField,
  BooleanField,
  DateTimeField,
  type FieldOptions,
  NestedField,
  PositiveIntegerField,
  StringField,
  StringMapField,
} from './validation/field.decorators';
export {
  type FieldError,
  type FieldErrorCode,
  flattenValidationErrors,
  validationErrorBody,
} from './validation/validation-errors';
export {
  BUCKET_STATUSES,
  type BucketStatus,
  NonNegativeQuantityDto,
  PositiveQuantityDto,
  RECURRING_PERIODS,
  type RecurringPeriod,
  SignedQuantityDto,
  TOPUP_INITIAL_STATUSES,
  TOPUP_STATUSES,
  TimePeriodDto,
  TmfEntityDto,
  type TopupStatus,
} from './v2/common.dto';
export {
  BucketOrProductField,
  BucketRefDto,
  ChannelRefDto,
  EntityRefDto,
  PartyAccountRefDto,
  PaymentMethodRefDto,
  ProductRefDto,
  RealizingResourceRefDto,
  RelatedPartyDto,
} from './v2/refs.dto';
export { CreateBucketDto } from './v2/bucket.dto';
export { BalanceTopupStatusDto, CreateBalanceTopupDto } from './v2/balance-topup.dto';
export { CreateBalanceAdjustmentDto } from './v2/balance-adjustment.dto';
export {
  BalanceDeductDto,
  BalanceReserveRefDto,
  BalanceUnreserveDto,
  CreateBalanceReserveDto,
  ExtendBalanceReserveDto,
} from './v2/balance-charging.dto';
export {
  BalanceTransferStatusDto,
  COST_OWNERS,
  CreateBalanceTransferDto,
  TRANSFER_STATUSES,
} from './v2/balance-transfer.dto';
export {
  MESSAGE_SCHEMAS,
  MESSAGE_SCHEMA_DIR,
  type MessageSchemaError,
  type MessageSchemaName,
  loadMessageSchema,
  validateBalanceEvent,
  validateBucketState,
  validateMessageHeaders,
} from './messages/message-schemas';
export {
  BALANCE_EVENT_SCHEMA,
  BUCKET_STATE_SCHEMA,
  type BalanceActivity,
  type BalanceEventMessage,
  type BucketStateMessage,
  type LedgerEventType,
  type MessageHeadersV1,
} from './messages/message-types';
export { toExactJson } from './published-json';
export { TMF654_V2_PATH, tmf654V2Base } from './tmf-base-paths';
