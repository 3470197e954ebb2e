import Ajv2020, { type ErrorObject, type ValidateFunction } from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { BALANCE_EVENT_SCHEMA, BUCKET_STATE_SCHEMA } from './message-types';

/**
 * Validators for the Kafka message values and headers, compiled from the versioned JSON Schemas in
 * `libs/contracts/schemas` (the files consumers are given, so there is one source of truth). The
 * schemas are read and compiled once, on first use: importing the contracts library costs nothing,
 * and a build that does not ship the schema files fails only where validation is actually used.
 */
export const MESSAGE_SCHEMAS = {
  bucketState: BUCKET_STATE_SCHEMA,
  balanceEvent: BALANCE_EVENT_SCHEMA,
  headers: 'ledger.message-headers.v1',
} as const;

export type MessageSchemaName = (typeof MESSAGE_SCHEMAS)[keyof typeof MESSAGE_SCHEMAS];

export const MESSAGE_SCHEMA_DIR = join(__dirname, '..', '..', 'schemas');

/** One violation: a JSON pointer into the message ('' = the whole value) and what is wrong there. */
export interface MessageSchemaError {
  path: string;
  message: string;
}

let compiled: Map<MessageSchemaName, ValidateFunction> | undefined;

export function loadMessageSchema(name: MessageSchemaName): Record<string, unknown> {
  const file = join(MESSAGE_SCHEMA_DIR, `${name}.schema.json`);
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
  } catch (error) {
    throw new Error(`message schema ${name} could not be read from ${file}: ${(error as Error).message}`, {
      cause: error,
    });
  }
}

function validator(name: MessageSchemaName): ValidateFunction {
  if (compiled === undefined) {
    // strict: an unknown keyword or a misspelt format is a schema bug, not something to ignore.
    // strictRequired off: the per-event-type rules require activity fields declared in $defs.
    const ajv = new Ajv2020({ allErrors: true, strict: true, strictRequired: false });
    addFormats(ajv, ['date-time', 'uri', 'uuid']);
    const names = Object.values(MESSAGE_SCHEMAS);
    compiled = new Map(names.map((n) => [n, ajv.compile(loadMessageSchema(n))]));
  }
  return compiled.get(name)!;
}

function validate(name: MessageSchemaName, value: unknown): MessageSchemaError[] {
  const check = validator(name);
  if (check(value)) return [];
  return (check.errors ?? []).map((e: ErrorObject) => ({ path: e.instancePath, message: describe(e) }));
}

function describe(error: ErrorObject): string {
  const params = error.params as Record<string, unknown>;
  if (error.keyword === 'additionalProperties') return `must not have property "${String(params.additionalProperty)}"`;
  if (error.keyword === 'false schema') return 'must be absent for this event type';
  if (error.keyword === 'enum')
    return `${error.message ?? 'invalid'}: ${(params.allowedValues as unknown[]).join(', ')}`;
  return error.message ?? error.keyword;
}

/** A parsed bucket-state value. A tombstone (null value) is not a value: check it is null before calling. */
export function validateBucketState(value: unknown): MessageSchemaError[] {
  return validate(MESSAGE_SCHEMAS.bucketState, value);
}

export function validateBalanceEvent(value: unknown): MessageSchemaError[] {
  return validate(MESSAGE_SCHEMAS.balanceEvent, value);
}

export function validateMessageHeaders(headers: unknown): MessageSchemaError[] {
  return validate(MESSAGE_SCHEMAS.headers, headers);
}
