import type { ExpectedRow, ReadModelKind } from './expected-ledger';

export interface Difference {
  kind: ReadModelKind;
  id: string;
  /** `(row)` for a missing or unexpected row, else the field, e.g. `doc.amount.amount`. */
  path: string;
  expected: unknown;
  actual: unknown;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Deep equality of JSON values, an undefined member counting as absent; allocates nothing (most rows are equal). */
export function sameJson(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((item, i) => sameJson(item, b[i]));
  if (!isObject(a) || !isObject(b)) return false;
  let members = 0;
  for (const key in a) {
    if (a[key] === undefined) continue;
    members++;
    if (!sameJson(a[key], b[key])) return false;
  }
  for (const key in b) if (b[key] !== undefined) members--;
  return members === 0;
}

/** Leaf-level differences between two JSON values, each with its path. */
export function diffJson(
  expected: unknown,
  actual: unknown,
  path: string,
  out: Array<Pick<Difference, 'path' | 'expected' | 'actual'>>,
): void {
  if (sameJson(expected, actual)) return;
  if (isObject(expected) && isObject(actual)) {
    const keys = [...new Set([...Object.keys(expected), ...Object.keys(actual)])].sort();
    for (const key of keys) diffJson(expected[key], actual[key], `${path}.${key}`, out);
  } else if (Array.isArray(expected) && Array.isArray(actual)) {
    for (let i = 0; i < Math.max(expected.length, actual.length); i++)
      diffJson(expected[i], actual[i], `${path}[${i}]`, out);
  } else if (expected !== actual) {
    out.push({ path, expected, actual });
  }
}

/** Every field of a row that differs from what was expected (the same shape on both sides). */
export function rowDifferences(kind: ReadModelKind, expected: ExpectedRow, actual: ExpectedRow): Difference[] {
  const fields: Array<Pick<Difference, 'path' | 'expected' | 'actual'>> = [];
  const scalar = (path: string, e: unknown, a: unknown) => e !== a && fields.push({ path, expected: e, actual: a });
  scalar('revision', expected.revision.toString(), actual.revision.toString());
  scalar('bucketId', expected.bucketId, actual.bucketId);
  scalar('createdAt', expected.createdAt, actual.createdAt);
  scalar('deleted', expected.deleted, actual.deleted);
  scalar('updatedAt', expected.updatedAt, actual.updatedAt);
  const position = (row: ExpectedRow) => row.position && `${row.position.commit}/${row.position.prepare}`;
  scalar('position', position(expected), position(actual));
  diffJson(expected.doc, actual.doc, 'doc', fields);
  return fields.map((f) => ({ kind, id: expected.id, ...f }));
}

export function missingRow(kind: ReadModelKind, id: string): Difference {
  return { kind, id, path: '(row)', expected: 'present', actual: 'missing' };
}

export function unexpectedRow(kind: ReadModelKind, id: string): Difference {
  return { kind, id, path: '(row)', expected: 'absent', actual: 'present' };
}

export function formatDifference(d: Difference): string {
  const show = (v: unknown) => (v === undefined ? '(absent)' : JSON.stringify(v));
  return `${d.kind} ${d.id} ${d.path}: expected ${show(d.expected)}, actual ${show(d.actual)}`;
}
