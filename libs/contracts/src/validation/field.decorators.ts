import { applyDecorators } from '@nestjs/common';
import { ApiProperty } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
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

/** Non-empty string: an empty id, unit, type or name identifies nothing. */
export function StringField(
  options: FieldOptions & { enum?: readonly string[]; default?: string } = {},
): PropertyDecorator {
  const allowed = options.enum
    ? [IsIn(options.enum, { message: `$property must be one of: ${options.enum.join(', ')}` })]
    : [];
  return applyDecorators(
    doc(options, { type: String, enum: options.enum, default: options.default }),
    presence(options.required),
    IsString(),
    IsNotEmpty(),
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

/** A nested object (or array of them), validated against its own class with the same strictness. */
export function NestedField(
  type: () => NestedClass,
  options: FieldOptions & { isArray?: boolean; minItems?: number } = {},
): PropertyDecorator {
  const minItems = options.minItems ?? 0;
  const shape = options.isArray
    ? [
        IsArray(),
        ArrayMinSize(minItems, { message: `$property must contain at least ${minItems} item(s)` }),
        ValidateNested({ each: true, message: 'each item of $property must be an object' }),
      ]
    : [IsObject(), ValidateNested({ message: '$property must be an object' })];
  return applyDecorators(
    // Swagger recognises a lazy type only by the thunk's name, `type`, which an inline property gives it.
    doc(options, { type: () => type(), isArray: options.isArray ?? false }),
    presence(options.required),
    ...shape,
    Type(type),
  );
}

/** A flat map of string values (payment method `details`): free keys, but nothing nested to hide data in. */
export function StringMapField(options: FieldOptions = {}): PropertyDecorator {
  return applyDecorators(
    doc(options, { type: 'object', additionalProperties: { type: 'string' } }),
    presence(options.required),
    IsObject(),
    ValidateBy({
      name: 'isStringMap',
      validator: {
        validate: (value: unknown) =>
          typeof value === 'object' && value !== null && Object.values(value).every((item) => typeof item === 'string'),
        defaultMessage: () => '$property must map names to string values',
      },
    }),
  );
}
