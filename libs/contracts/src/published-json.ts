import { randomBytes } from 'node:crypto';
import { LosslessNumber } from 'lossless-json';

/**
 * Models keep Quantity amounts as canonical decimal strings; TMF654 types them as JSON numbers.
 * JSON.stringify of a float could round a large or very precise balance, so amounts are written
 * as their exact decimal text instead.
 */

const JSON_NUMBER = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?$/;

/** A TMF Quantity whose amount is a decimal string the serializer writes as a number. */
export function isQuantity(value: object): value is { amount: string; units: string } {
  const q = value as { amount?: unknown; units?: unknown };
  return typeof q.amount === 'string' && typeof q.units === 'string' && JSON_NUMBER.test(q.amount);
}

/**
 * A number to be written raw is first written as a string carrying this process's random tag,
 * then the quotes and the tag are cut out. JSON.stringify escapes U+001F, so the tag can only
 * appear where this replacer put it; the random part keeps a client's text from passing for it.
 */
const TAG = `\u001f${randomBytes(12).toString('hex')}:`;
const TAGGED = new RegExp(`"\\\\u001f${TAG.slice(1, -1)}:([^"]*)"`, 'g');

function exactNumbers(this: unknown, _key: string, value: unknown): unknown {
  if (typeof value === 'bigint') return TAG + value.toString();
  if (typeof value !== 'object' || value === null) return value;
  if (value instanceof LosslessNumber) return TAG + value.toString();
  if (Array.isArray(value) || !isQuantity(value)) return value;
  const { amount, units, ...rest } = value as { amount: string; units: string } & Record<string, unknown>;
  return { amount: TAG + amount, units, ...rest };
}

/**
 * JSON text with every Quantity amount (and every LosslessNumber and bigint) as a raw number with exactly its
 * digits, amount before units. JSON.stringify with a replacer: several times faster than walking
 * the value into LosslessNumbers and serialising it with lossless-json, and it is on the path of
 * every response and every Kafka message.
 */
export function toExactJson(value: unknown): string {
  const text = JSON.stringify(value, exactNumbers) ?? 'null';
  return text.includes(TAG.slice(1, 8)) ? text.replace(TAGGED, '$1') : text;
}
