export { EsdbTestServer } from './esdb-test-server';
export { EventLog } from './event-log';
export type { StoredEvent } from './event-log';
