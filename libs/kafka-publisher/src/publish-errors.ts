/**
 * Broker errors that refuse the records themselves: sending the same records again can never
 * succeed (kafkajs marks most of them non-retriable; CORRUPT_MESSAGE it retries, and it still
 * fails after its retries). Everything else (a broker down, a leader moving, a timeout, even an
 * authorization error) is about the connection or the cluster and is cured by waiting.
 */
const RECORD_REJECTIONS = new Set(['MESSAGE_TOO_LARGE', 'RECORD_LIST_TOO_LARGE', 'INVALID_RECORD', 'CORRUPT_MESSAGE']);

/** The broker's error type when `error` (or an error it wraps) refuses the records; undefined otherwise. */
export function recordRejection(error: unknown): string | undefined {
  const seen = new Set<unknown>();
  const queue: unknown[] = [error];
  while (queue.length > 0) {
    const current = queue.shift();
    if (typeof current !== 'object' || current === null || seen.has(current)) continue;
    seen.add(current);
    const { type, cause, originalError, errors } = current as {
      type?: unknown;
      cause?: unknown;
      originalError?: unknown;
      errors?: unknown;
    };
    if (typeof type === 'string' && RECORD_REJECTIONS.has(type)) return type;
    queue.push(cause, originalError, ...(Array.isArray(errors) ? errors : []));
  }
  return undefined;
}
