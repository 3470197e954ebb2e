import { LosslessNumber, stringify } from 'lossless-json';

/**
 * Models keep Quantity amounts as canonical decimal strings; TMF654 types them as JSON numbers.
 * These helpers turn them into lossless-json numbers, which serialise as the exact decimal text:
 * JSON.stringify of a float could round a large or very precise balance.
 */
export function withExactAmounts<T>(value: T): T {
  if (Array.isArray(value)) return value.map(withExactAmounts) as T;
  if (typeof value !== 'object' || value === null || value instanceof LosslessNumber) return value;
  const entries = Object.entries(value as Record<string, unknown>).map(([k, v]) => [k, withExactAmounts(v)]);
  const copy = Object.fromEntries(entries) as Record<string, unknown>;
  if (typeof copy.amount !== 'string' || typeof copy.units !== 'string') return copy as T;
  // jsonb stores keys in its own order; a Quantity reads best as amount first, then units.
  const { amount, units, ...rest } = copy;
  return { amount: new LosslessNumber(amount as string), units, ...rest } as T;
}

export function toExactJson(value: unknown): string {
  return stringify(withExactAmounts(value)) ?? 'null';
}
