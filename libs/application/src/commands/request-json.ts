/**
 * A validated request DTO as plain JSON: the shape of the class without its prototype. A mapped
 * type (unlike the class) is assignable to the domain's open references, so commands are built
 * from requests with the compiler checking every field, and events keep every field sent.
 */
export type RequestJson<T> = T extends readonly (infer U)[]
  ? RequestJson<U>[]
  : T extends object
    ? { -readonly [K in keyof T]: RequestJson<T[K]> }
    : T;

/** DTO instances to plain JSON: events and fingerprints hold data, not class instances. */
export function requestJson<T extends object>(dto: T): RequestJson<T> {
  return JSON.parse(JSON.stringify(dto)) as RequestJson<T>;
}
