export { ProjectionWaiter, type ProjectionWaiterOptions } from './projection-waiter';
export {
  type AttributeFilter,
  type ListQuery,
  type Page,
  ReadModelQueries,
  type ResourceKind,
} from './read-model.queries';
