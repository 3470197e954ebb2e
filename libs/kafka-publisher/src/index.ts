export * from './kafka-client';
export * from './message-publisher';
export * from './outbox-relay';
export * from './topics';
