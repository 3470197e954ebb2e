import type { Position } from './event-store.port';

/** Before every event: reading or subscribing from here starts with the first event. */
export const START: Position = Object.freeze({ commit: 0n, prepare: 0n });

export function comparePositions(a: Position, b: Position): -1 | 0 | 1 {
  if (a.commit !== b.commit) return a.commit < b.commit ? -1 : 1;
  if (a.prepare !== b.prepare) return a.prepare < b.prepare ? -1 : 1;
  return 0;
}

export function toPosition(from: Position | 'start'): Position {
  return from === 'start' ? START : from;
}
