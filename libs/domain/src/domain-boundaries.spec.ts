import { readFileSync, readdirSync } from 'fs';
import { join, relative } from 'path';

/**
 * The domain stays pure: no framework, database, broker or event-store client, no validation
 * library, nothing from an app, and no hidden clock or id source. This spec is the one file in
 * libs/domain allowed to do I/O, since reading the sources is the point.
 */
const ROOT = __dirname;
const SELF = __filename;

const FORBIDDEN_IMPORTS: ReadonlyArray<[string, RegExp]> = [
  ['@nestjs/*', /^@nestjs\//],
  ['pg', /^pg(\/|$)/],
  ['kafkajs', /^kafkajs(\/|$)/],
  ['@eventstore/*', /^@eventstore\//],
  ['class-validator', /^class-validator(\/|$)/],
  ['apps/', /(^|\/)apps\//],
];

// Spelled in pieces so this file does not match its own patterns.
const HIDDEN_INPUTS: ReadonlyArray<[string, RegExp]> = [
  ['the clock', new RegExp(['new', 'Date\\s*\\('].join('\\s+'))],
  ['the clock', new RegExp(['Date', 'now\\s*\\('].join('\\.'))],
  ['random ids', new RegExp(['random', 'UUID'].join(''))],
  ['randomness', new RegExp(['Math', 'random'].join('\\.'))],
];

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith('.ts') ? [path] : [];
  });
}

/** Every module specifier: static and type imports, re-exports, require() and import(). */
export function importsOf(source: string): string[] {
  const pattern = /(?:\bfrom\s*|\bimport\s*\(?\s*|\brequire\s*\(\s*)['"]([^'"]+)['"]/g;
  return [...source.matchAll(pattern)].map((match) => match[1]);
}

const files = sourceFiles(ROOT);
const isSpec = (file: string) => file.endsWith('.spec.ts');

describe('libs/domain boundaries', () => {
  it('finds the domain sources it guards', () => {
    const names = files.map((file) => relative(ROOT, file));
    expect(names).toEqual(expect.arrayContaining(['index.ts', 'bucket/bucket.decider.ts']));
  });

  it('recognises every import form it checks', () => {
    const [q, qq] = ["'", '"'];
    const sample = [
      `import { A } from ${q}@nestjs/common${q};`,
      `import type { B } from ${qq}pg${qq};`,
      `export * from ${q}kafkajs${q};`,
      `const c = require(${q}class-validator${q});`,
      `const d = import(${q}../../apps/x${q});`,
    ].join('\n');
    expect(importsOf(sample)).toEqual(['@nestjs/common', 'pg', 'kafkajs', 'class-validator', '../../apps/x']);
  });

  it.each(FORBIDDEN_IMPORTS)('never imports %s', (_name, pattern) => {
    const offenders = files.flatMap((file) =>
      importsOf(readFileSync(file, 'utf8'))
        .filter((specifier) => pattern.test(specifier))
        .map((specifier) => `${relative(ROOT, file)} imports ${specifier}`),
    );
    expect(offenders).toEqual([]);
  });

  it('imports nothing but its own modules outside specs', () => {
    const offenders = files
      .filter((file) => !isSpec(file))
      .flatMap((file) =>
        importsOf(readFileSync(file, 'utf8'))
          .filter((specifier) => !specifier.startsWith('./') && !specifier.startsWith('../'))
          .map((specifier) => `${relative(ROOT, file)} imports ${specifier}`),
      );
    expect(offenders).toEqual([]);
  });

  it.each(HIDDEN_INPUTS)('never reads %s (%p): time and ids come with the command', (_name, pattern) => {
    const offenders = files
      .filter((file) => file !== SELF && pattern.test(readFileSync(file, 'utf8')))
      .map((file) => relative(ROOT, file));
    expect(offenders).toEqual([]);
  });
});
