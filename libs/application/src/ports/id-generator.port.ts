import { randomUUID } from 'node:crypto';

/** New entity ids (buckets, topups, adjustments): injected so tests can assert exact events. */
export interface IdGenerator {
  newId(): string;
}

export const ID_GENERATOR = Symbol('ID_GENERATOR');

export const randomIds: IdGenerator = { newId: () => randomUUID() };
