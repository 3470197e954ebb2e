import { LosslessNumber, stringify } from 'lossless-json';

/**
 * Serialises a model whose Quantity amounts are canonical decimal strings, writing those amounts
 * as exact JSON numbers (TMF654 types them as numbers). JSON.stringify of a float could round
 * a large or very precise balance; the decimal text never is.
 */
export function toExactJson(value: unknown): string {
  return stringify(value, (_key, v) => numberify(v)) ?? 'null';
}

function isQuantity(v: unknown): v is { amount: string; units: string } {
  return typeof v === 'object' && v !== null && typeof (v as { amount?: unknown }).amount === 'string' && 'units' in v;
}

function numberify(v: unknown): unknown {
  return isQuantity(v) ? { ...v, amount: new LosslessNumber(v.amount) } : v;
}
