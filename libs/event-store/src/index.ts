export {
  type AppendOptions,
  type AppendResult,
  EVENT_STORE,
  type EventActor,
  type EventMetadata,
  type EventMetadataInput,
  type EventStore,
  type ExpectedRevision,
  type NewEvent,
  type Position,
  type ReadStreamOptions,
  type ReadStreamResult,
  type RecordedEvent,
  type SubscribeOptions,
  type Subscription,
  type SubscriptionHandler,
} from './event-store.port';
export { CommandIdConflict, DuplicateEventId, StreamVersionConflict } from './event-store.errors';
export { START, comparePositions } from './position';
export { GENESIS_HASH, hashEvent, verifyStream } from './hash-chain';
export { canonicalJson } from './canonical-json';
export type { StreamVerification } from './hash-chain';
export { InMemoryEventStore } from './in-memory/in-memory-event-store';
export type { InMemoryEventStoreOptions } from './in-memory/in-memory-event-store';
export { PostgresEventStore } from './postgres/postgres-event-store';
export type { PostgresEventStoreOptions } from './postgres/postgres-event-store';
export { NotificationListener } from './postgres/notification-listener';
export type { NotificationListenerOptions } from './postgres/notification-listener';
export { EventStoreDbEventStore } from './eventstoredb/eventstoredb-event-store';
export type { EventStoreDbEventStoreOptions } from './eventstoredb/eventstoredb-event-store';
export type { SubscriptionTiming } from './subscription/catch-up-subscription';
export { EventStoreModule } from './event-store.module';
