/**
 * Bounds on every request document, so that what a request can put into a bucket (and so into
 * every bucket-state message on Kafka, which carries the whole bucket) stays far below the
 * broker's 1 MB message limit whatever REQUEST_BODY_LIMIT is. Lengths count Unicode code points,
 * as JSON Schema's maxLength does; the worst case is computed and checked in
 * test/limits/bucket-message-size.spec.ts and documented in docs/kafka-cluster.md ("Limits").
 */
export const DOCUMENT_LIMITS = Object.freeze({
  /** Codes and class names: `type`, `units`, `role`, `@type`, `@baseType`, `@referredType`, `@Type`. */
  codeLength: 64,
  /** Identifiers, names, values and URIs: `id`, `name`, `value`, `voucher`, `href`, `@schemaLocation`. */
  nameLength: 256,
  /** Free text: `description`, `reason`. */
  textLength: 1024,
  /** Items of any array: `product`, `relatedParty`, `realizingResource`. */
  arrayItems: 20,
  /** Keys of an open map (`paymentMethod.details`), their length, and each value's length. */
  mapKeys: 20,
  mapKeyLength: 64,
  mapValueLength: 256,
});

export type StringKind = 'code' | 'name' | 'text';

export function maxLengthOf(kind: StringKind): number {
  switch (kind) {
    case 'code':
      return DOCUMENT_LIMITS.codeLength;
    case 'name':
      return DOCUMENT_LIMITS.nameLength;
    case 'text':
      return DOCUMENT_LIMITS.textLength;
  }
}

/** Length in code points: a character outside the BMP (an emoji) counts once, as in JSON Schema. */
export function codePoints(text: string): number {
  let n = 0;
  for (const _ of text) n++;
  return n;
}
