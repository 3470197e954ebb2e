import { applyDecorators } from '@nestjs/common';
import { ApiProperty } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsBoolean,
  IsDefined,
  IsIn,
  IsInt,
  IsNotEmpty,
  IsObject,
  IsString,
  Max,
  Min,
  ValidateBy,
  ValidateIf,
  ValidateNested,
} from 'class-validator';
import { DOCUMENT_LIMITS, StringKind, codePoints, maxLengthOf } from './document-limits';
import { ExactAmountOptions, IsExactAmount, MAX_ABS_AMOUNT } from './exact-amount.validator';
import { IsAfterField, IsRfc3339 } from './rfc3339.validator';

/**
 * One decorator per field kind, pairing the OpenAPI description with its validation, so the
 * published schema and what the API enforces cannot drift apart. Each also registers the property
 * with class-validator, which is what lets `forbidNonWhitelisted` reject every other property.
 */
export interface FieldOptions {
  required?: boolean;
  description?: string;
  example?: unknown;
}

type NestedClass = new () => object;

/**
 * Absent means `undefined` only: a JSON `null` is a value and is validated like any other, so it
 * fails the type check instead of passing as "not sent" and reaching the domain as null.
 */
function presence(required: boolean | undefined): PropertyDecorator {
  return required
    ? IsDefined({ message: '$property is required' })
    : ValidateIf((_object, value) => value !== undefined);
}

function doc(options: FieldOptions, extra: Record<string, unknown> = {}): PropertyDecorator {
  const { required = false, description, example } = options;
  return ApiProperty({ required, description, example, ...extra });
}

/**
 * At most `max` code points (DOCUMENT_LIMITS), as JSON Schema counts; class-validator's MaxLength
 * counts a character and the variation selector after it as one, letting twice the text through.
 */
function MaxCodePoints(max: number): PropertyDecorator {
  return ValidateBy({
    name: 'maxCodePoints',
    validator: {
      validate: (value: unknown) => typeof value !== 'string' || codePoints(value) <= max,
      defaultMessage: () => `$property must be at most ${max} characters long`,
    },
  });
}

/**
 * Non-empty string: an empty id, unit, type or name identifies nothing. Bounded by its kind
 * (`name` unless said otherwise), so no request can grow a bucket document without limit.
 */
export function StringField(
  options: FieldOptions & { enum?: readonly string[]; default?: string; kind?: StringKind } = {},
): PropertyDecorator {
  const allowed = options.enum
    ? [IsIn(options.enum, { message: `$property must be one of: ${options.enum.join(', ')}` })]
    : [];
  const maxLength = maxLengthOf(options.kind ?? 'name');
  return applyDecorators(
    doc(options, { type: String, enum: options.enum, default: options.default, maxLength }),
    presence(options.required),
    IsString(),
    IsNotEmpty(),
    MaxCodePoints(maxLength),
    ...allowed,
  );
}

export function BooleanField(options: FieldOptions = {}): PropertyDecorator {
  return applyDecorators(doc(options, { type: Boolean }), presence(options.required), IsBoolean());
}

export function PositiveIntegerField(options: FieldOptions = {}): PropertyDecorator {
  return applyDecorators(
    doc(options, { type: 'integer', minimum: 1 }),
    presence(options.required),
    IsInt(),
    Min(1),
    Max(Number.MAX_SAFE_INTEGER),
  );
}

export function DateTimeField(options: FieldOptions & { after?: string } = {}): PropertyDecorator {
  return applyDecorators(
    doc(options, { type: String, format: 'date-time' }),
    presence(options.required),
    IsRfc3339(),
    ...(options.after ? [IsAfterField(options.after)] : []),
  );
}

export function AmountField(amount: ExactAmountOptions, options: FieldOptions = {}): PropertyDecorator {
  const bounds = {
    minimum: amount.signed ? -MAX_ABS_AMOUNT : 0,
    exclusiveMinimum: amount.signed === true || amount.allowZero !== true,
    maximum: MAX_ABS_AMOUNT,
    exclusiveMaximum: true,
  };
  return applyDecorators(
    doc(options, { type: Number, format: 'decimal', ...bounds }),
    presence(options.required),
    IsExactAmount(amount),
  );
}

/** A nested object (or array of them, at most DOCUMENT_LIMITS.arrayItems), validated against its own class with the same strictness. */
export function NestedField(
  type: () => NestedClass,
  options: FieldOptions & { isArray?: boolean; minItems?: number } = {},
): PropertyDecorator {
  const minItems = options.minItems ?? 0;
  const maxItems = DOCUMENT_LIMITS.arrayItems;
  const shape = options.isArray
    ? [
        IsArray(),
        ArrayMinSize(minItems, { message: `$property must contain at least ${minItems} item(s)` }),
        ArrayMaxSize(maxItems, { message: `$property must contain at most ${maxItems} items` }),
        ValidateNested({ each: true, message: 'each item of $property must be an object' }),
      ]
    : [IsObject(), ValidateNested({ message: '$property must be an object' })];
  const arrayDoc = options.isArray ? { isArray: true, maxItems } : { isArray: false };
  return applyDecorators(
    // Swagger recognises a lazy type only by the thunk's name, `type`, which an inline property gives it.
    doc(options, { type: () => type(), ...arrayDoc }),
    presence(options.required),
    ...shape,
    Type(type),
  );
}

/** What is wrong with an open map of strings, or undefined when nothing is. */
function stringMapProblem(value: unknown): string | undefined {
  const { mapKeys, mapKeyLength, mapValueLength } = DOCUMENT_LIMITS;
  if (typeof value !== 'object' || value === null) return 'must map names to string values';
  const entries = Object.entries(value);
  if (entries.some(([, item]) => typeof item !== 'string')) return 'must map names to string values';
  if (entries.length > mapKeys) return `must have at most ${mapKeys} keys`;
  const longKey = entries.find(([key]) => codePoints(key) > mapKeyLength);
  if (longKey) return `must have keys of at most ${mapKeyLength} characters ("${longKey[0].slice(0, 20)}…" is longer)`;
  const longValue = entries.find(([, item]) => codePoints(item as string) > mapValueLength);
  if (longValue) return `must have values of at most ${mapValueLength} characters (${longValue[0]} is longer)`;
  return undefined;
}

/**
 * A flat map of string values (payment method `details`): free keys, but nothing nested to hide
 * data in, and bounded in keys and lengths like every other field.
 */
export function StringMapField(options: FieldOptions = {}): PropertyDecorator {
  const { mapKeys, mapKeyLength, mapValueLength } = DOCUMENT_LIMITS;
  return applyDecorators(
    doc(options, {
      type: 'object',
      maxProperties: mapKeys,
      additionalProperties: { type: 'string', maxLength: mapValueLength },
      description: `${options.description ?? 'Free parameters'} (at most ${mapKeys} keys of up to ${mapKeyLength} characters)`,
    }),
    presence(options.required),
    IsObject(),
    ValidateBy({
      name: 'isStringMap',
      validator: {
        validate: (value: unknown) => stringMapProblem(value) === undefined,
        defaultMessage: (args) => `$property ${stringMapProblem(args?.value) ?? 'is invalid'}`,
      },
    }),
  );
}
