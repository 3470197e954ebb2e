import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

/**
 * The TM Forum Error body (TMF630 / TMF654 v4 `Error`). Every 4xx/5xx the API sends has this shape,
 * including the ones Nest or Express raise themselves (unknown route, malformed JSON, body too large),
 * because clients of a TMF API parse errors by `code`, never by free text.
 */
export interface TmfError {
  code: string;
  reason: string;
  message?: string;
  /** The HTTP status as a string: the TMF schema types it so, and the conformance kit checks it. */
  status: string;
  referenceError?: string;
}

export class TmfErrorDto implements TmfError {
  @ApiProperty({ example: 'INVALID_FIELD', description: 'Stable, machine-readable error code' })
  code!: string;

  @ApiProperty({ example: 'Invalid field value', description: 'Short explanation that can be shown to a user' })
  reason!: string;

  @ApiPropertyOptional({
    example: 'amount.units should not be empty',
    description: 'Details naming the offending field',
  })
  message?: string;

  @ApiProperty({ example: '400', description: 'HTTP status code, as a string' })
  status!: string;

  @ApiPropertyOptional({
    example: 'https://example.com/docs/errors#INVALID_FIELD',
    description: 'URI documenting the error',
  })
  referenceError?: string;
}

export function tmfError(
  status: number,
  code: string,
  reason: string,
  message?: string,
  referenceError?: string,
): TmfError {
  const body: TmfError = { code, reason, status: String(status) };
  if (message !== undefined) body.message = message;
  if (referenceError !== undefined) body.referenceError = referenceError;
  return body;
}

/** True for a body already in TMF shape, so layers that build one (body parser, pipe) pass it through untouched. */
export function isTmfError(value: unknown): value is TmfError {
  if (typeof value !== 'object' || value === null) return false;
  const candidate = value as Record<string, unknown>;
  return typeof candidate.code === 'string' && typeof candidate.reason === 'string';
}
