/**
 * Text the ledger refuses anywhere in a request: NUL, which PostgreSQL cannot store in `text` or
 * `jsonb` (the write fails with a 500 after the command was decided), and lone UTF-16 surrogates,
 * which have no UTF-8 encoding (Node would store U+FFFD instead, a silent change of the client's
 * data). Both can only arrive escaped (`\u0000`, `\ud800`, `%00`), never in valid UTF-8.
 */
// eslint-disable-next-line no-control-regex -- NUL is exactly what this pattern looks for
const UNSAFE = /\u0000|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

export function isSafeText(text: string): boolean {
  return !UNSAFE.test(text);
}

/** What is wrong with `text`, for a message: "a NUL character" or "a lone UTF-16 surrogate". */
export function unsafeTextProblem(text: string): string | undefined {
  const match = UNSAFE.exec(text);
  if (!match) return undefined;
  return match[0] === '\u0000' ? 'a NUL character' : 'a lone UTF-16 surrogate';
}

function childPath(path: string, key: string | number): string {
  if (typeof key === 'number') return `${path}[${key}]`;
  return path === '' ? key : `${path}.${key}`;
}

/**
 * The first string (value or property name) in a parsed JSON value that is not safe text, as a
 * field path in the validation messages' style (`relatedParty[0].name`), or undefined.
 */
export function findUnsafeText(value: unknown, path = ''): { path: string; problem: string } | undefined {
  if (typeof value === 'string') {
    const problem = unsafeTextProblem(value);
    return problem === undefined ? undefined : { path, problem };
  }
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const found = findUnsafeText(value[i], childPath(path, i));
      if (found) return found;
    }
    return undefined;
  }
  if (typeof value !== 'object' || value === null) return undefined;
  for (const [key, child] of Object.entries(value)) {
    const keyProblem = unsafeTextProblem(key);
    // The name itself is not quoted back: it is the unsafe text.
    if (keyProblem !== undefined)
      return { path: path === '' ? 'a property name' : `a property name in ${path}`, problem: keyProblem };
    const found = findUnsafeText(child, childPath(path, key));
    if (found) return found;
  }
  return undefined;
}
