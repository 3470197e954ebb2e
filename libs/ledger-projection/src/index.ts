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
