/**
 * TM Forum entity references as the domain stores them. Requests differ between API versions
 * (R17 `RelatedPartyRefType` requires role+name, v4 requires id+@referredType; R17 realizing
 * resources carry `@Type` and `value`), and events must keep every field a client sent so read
 * models can be rebuilt from events alone. So each ref names the fields the ledger reads and lets
 * any other JSON field through unchanged.
 */
export type JsonValue = string | number | boolean | null | readonly JsonValue[] | { readonly [key: string]: JsonValue };

interface OpenRef {
  readonly id?: string;
  readonly href?: string;
  readonly name?: string;
  readonly '@referredType'?: string;
  readonly [extra: string]: JsonValue | undefined;
}

/** A product reference; the id is what bucket resolution matches on. */
export interface ProductRef extends OpenRef {
  readonly id: string;
}

export interface PartyAccountRef extends OpenRef {
  readonly id: string;
}

export interface RelatedPartyRef extends OpenRef {
  readonly role?: string;
}

export type RealizingResourceRef = OpenRef;

export type ChannelRef = OpenRef;

export interface PaymentMethodRef extends OpenRef {
  readonly type?: string;
}
