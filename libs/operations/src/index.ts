export type { LockHolder } from './lag/lag-queries';
export {
  LAG_COUNT_CAP,
  type LagPosition,
  type ProjectionLag,
  type ProjectionLagOptions,
  measureProjectionLag,
} from './lag/projection-lag';
export {
  RebuildInProgressError,
  type RebuildOptions,
  type RebuildProgress,
  type RebuildResult,
} from './rebuild/rebuild';
export { rebuildReadModel } from './rebuild/rebuild-run';
export { ProgressPrinter, type ProgressSample, formatCount, formatPosition, shareOf } from './rebuild/rebuild-progress';
export { type ExpectedRow, ExpectedLedger, type ReadModelKind } from './verify/expected-ledger';
export { type Difference, formatDifference } from './verify/row-differences';
export { type VerifyOptions, type VerifyProgress, type VerifyResult, verifyReadModel } from './verify/verify';
