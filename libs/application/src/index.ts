/**
 * @ledger/application: the use cases every entry point calls (HTTP controllers of each API
 * version, the CLI, schedulers). Typed command inputs and their mappers to domain commands, bucket
 * targeting, idempotency, the command handler, and answers built from a command's own events.
 * No HTTP, no SQL: adapters come in through the ports and constructor options.
 */
export { type Clock, CLOCK, systemClock } from './ports/clock.port';
export { type IdGenerator, ID_GENERATOR, randomIds } from './ports/id-generator.port';
export type { CommandContext, CommandIdentity, CommandOutcome, OutcomeEvent } from './commands/command-context';
export type {
  AdjustBalanceInput,
  BucketTargetInput,
  OpenBucketInput,
  QuantityInput,
  TopupBalanceInput,
  TopupStatusInput,
} from './commands/command-inputs';
export { adjustBalanceCommand, openBucketCommand, topupBalanceCommand } from './commands/command-mappers';
export { type BucketCandidates, type BucketTarget, keyedBucketId, targetBucket } from './commands/bucket-targeting';
export { IdempotencyConflict, fingerprint, previousOutcome } from './commands/idempotency';
export {
  BucketCommandHandler,
  type BucketCommandHandlerOptions,
  MAX_ATTEMPTS,
} from './commands/bucket-command.handler';
export { type CreatedKind, createdId, createdResource } from './commands/command-answer';
export { LedgerCommands, type LedgerCommandsOptions } from './commands/ledger-commands';
export type { ReadYourWrites } from './ports/read-your-writes.port';
export { KeyedQueue } from './commands/keyed-queue';
export { type RequestJson, requestJson } from './commands/request-json';
export { LedgerQueries } from './queries/ledger-queries';
export { TransferCommandHandler, type TransferOutcome } from './transfers/transfer-command.handler';
export type { PendingTransfers, RequestTransferInput } from './transfers/transfer-inputs';
export { TransferProcess, type TransferProcessOptions } from './transfers/transfer.process';
export type {
  DeductBalanceInput,
  ExtendReservationInput,
  ReserveBalanceInput,
  UnreserveBalanceInput,
} from './charging/charging-inputs';
export {
  deductBalanceCommand,
  extendReservationCommand,
  reserveBalanceCommand,
  unreserveBalanceCommand,
} from './charging/charging-mappers';
export {
  ChargingCommands,
  type ChargingCommandsOptions,
  expireReservation,
  reservationExpiryCommandId,
} from './charging/charging-commands';
