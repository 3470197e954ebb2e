export {
  type Doc,
  type ResourceChanges,
  type ResourceEvent,
  type ViewChanges,
  type ViewEvent,
  foldEvent,
  foldResources,
} from './ledger-views';
export { LedgerProjection, type LedgerProjectionOptions, READ_MODEL_TABLES } from './ledger.projection';
export { type TransferDocStatus, foldTransferDoc, transferStateDoc } from './transfer-views';
