export { AdvisoryLock, type AdvisoryLockOptions } from './advisory-lock';
export { backoffDelay, cancellableDelay } from './backoff';
export { CheckpointStore, RetiredVersionError, StaleCheckpointError } from './checkpoint-store';
export {
  type BatchCheckpoint,
  type Projection,
  type ProjectionContext,
  ProjectionRunner,
  type ProjectionRunnerOptions,
  type ProjectionWrite,
  projectionLockKey,
  writeBatch,
} from './projection-runner';
export { ReadModelVersions, ServingVersionChangedError, atOrPast } from './read-model-versions';
export { ServingVersionRunner, type ServingVersionRunnerOptions } from './serving-version-runner';
