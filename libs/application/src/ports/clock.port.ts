/**
 * Time as the application reads it. Decisions take `metadata.now` from here, never from
 * `new Date()`, so a test (or a scheduler catching up) can drive the clock.
 */
export interface Clock {
  now(): Date;
}

export const CLOCK = Symbol('CLOCK');

export const systemClock: Clock = { now: () => new Date() };
