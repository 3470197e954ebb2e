export { ProjectionWaiter, type ProjectionWaiterOptions } from './projection-waiter';
export {
  type AttributeFilter,
  DEFAULT_COUNT_CAP,
  type ListQuery,
  type ListStatements,
  listStatements,
  type Page,
  ReadModelQueries,
  type ResourceKind,
} from './read-model.queries';
