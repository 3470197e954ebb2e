/**
 * The pause before retry number `attempt` (1-based): exponential from `baseMs`, capped at
 * `maxMs`, with "equal jitter" (half fixed, half random). After a PostgreSQL restart every
 * runner, relay and lock waiter of every process retries at once; the random half spreads them
 * so the server is not hit by all of them in the same millisecond, and the fixed half keeps a
 * retry from coming back at once.
 */
export function backoffDelay(
  attempt: number,
  options: { baseMs?: number; maxMs?: number } = {},
  random: () => number = Math.random,
): number {
  const base = options.baseMs ?? 250;
  const max = options.maxMs ?? 10_000;
  const ceiling = Math.min(max, base * 2 ** Math.min(Math.max(attempt - 1, 0), 20));
  return Math.round(ceiling / 2 + random() * (ceiling / 2));
}

/** A pause that `cancel()` ends at once (stop() must not sit out a backoff). */
export function cancellableDelay(ms: number): { done: Promise<void>; cancel: () => void } {
  let cancel = () => undefined as void;
  const done = new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, ms);
    cancel = () => {
      clearTimeout(timer);
      resolve();
    };
  });
  return { done, cancel };
}
