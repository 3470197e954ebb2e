import type { Position } from '@ledger/event-store';

/** Waits until the serving read model shows a position (bounded); true if it got there in time. */
export interface ReadYourWrites {
  waitFor(position: Position, timeoutMs: number): Promise<boolean>;
}
