import { spawnSync } from 'child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'fs';
import { dirname, join } from 'path';

/**
 * The module boundaries of .dependency-cruiser.cjs, checked on the real tree (what `npm run
 * deps:check` checks) and shown to bite on a small tree written for the purpose.
 *
 * dependency-cruiser is ESM-only (its package exports only an `import` condition), which jest's
 * CommonJS runtime cannot load, so its command line runs in a child process and reports as JSON.
 */
const ROOT = join(__dirname, '..', '..');
const CONFIG = join(ROOT, '.dependency-cruiser.cjs');
const DEPCRUISE = join(ROOT, 'node_modules', 'dependency-cruiser', 'bin', 'dependency-cruise.mjs');
/** The folders `npm run deps:check` cruises. */
const CRUISED = ['apps', 'libs', 'test'];

jest.setTimeout(120_000);

interface Violation {
  from: string;
  to: string;
  rule: { name: string; severity: string };
}

function cruise(cwd: string, folders: string[]): Violation[] {
  const run = spawnSync(process.execPath, [DEPCRUISE, ...folders, '--config', CONFIG, '--output-type', 'json'], {
    cwd,
    encoding: 'utf8',
    maxBuffer: 256 * 1024 * 1024,
  });
  if (run.error) throw run.error;
  let result: { summary?: { violations?: Violation[] } };
  try {
    result = JSON.parse(run.stdout) as typeof result;
  } catch {
    throw new Error(`depcruise exited with ${run.status} without a JSON report:\n${run.stderr}`);
  }
  const violations = result.summary?.violations;
  if (!violations) throw new Error(`depcruise's report has no summary.violations:\n${run.stdout.slice(0, 2000)}`);
  return violations;
}

const describeViolation = (v: Violation): string => `${v.rule.name}: ${v.from} -> ${v.to}`;

describe('module boundaries (dependency-cruiser)', () => {
  it('the tree breaks no rule of .dependency-cruiser.cjs', () => {
    expect(cruise(ROOT, CRUISED).map(describeViolation)).toEqual([]);
  });

  describe('on a tree with forbidden imports', () => {
    let fixture: string;

    beforeAll(() => {
      // Inside the repository, so that `pg` resolves from its node_modules as it does for real code.
      fixture = mkdtempSync(join(__dirname, 'fixtures-tmp-'));
      const files: Record<string, string> = {
        'tsconfig.json': JSON.stringify({
          compilerOptions: {
            baseUrl: '.',
            paths: { '@ledger/domain': ['libs/domain/src'], '@ledger/contracts': ['libs/contracts/src'] },
          },
        }),
        'libs/domain/src/index.ts': "export { amount } from './amount';\n",
        'libs/domain/src/amount.ts': 'export const amount = (units: number): number => units;\n',
        // forbidden: the domain is pure, and pg belongs to the PostgreSQL adapters
        'libs/domain/src/x.ts': "import { Pool } from 'pg';\n\nexport const pool = (): Pool => new Pool();\n",
        // forbidden: contracts depend on no other library, even through an alias
        'libs/contracts/src/y.ts': "import { amount } from '@ledger/domain';\n\nexport const one = amount(1);\n",
        // allowed: inside its own library
        'libs/contracts/src/z.ts': "import { one } from './y';\n\nexport const two = one + one;\n",
      };
      for (const [path, text] of Object.entries(files)) {
        mkdirSync(dirname(join(fixture, path)), { recursive: true });
        writeFileSync(join(fixture, path), text);
      }
    });

    afterAll(() => {
      if (fixture) rmSync(fixture, { recursive: true, force: true });
    });

    it('reports exactly the forbidden imports, by rule', () => {
      const found = cruise(fixture, ['libs'])
        .map((v) => `${v.rule.name} (${v.rule.severity}): ${v.from} -> ${v.to.replace(/^(\.\.\/)+/, '')}`)
        .sort();
      expect(found).toEqual([
        'contracts-not-to-other-libs (error): libs/contracts/src/y.ts -> libs/domain/src/index.ts',
        'domain-not-to-frameworks (error): libs/domain/src/x.ts -> node_modules/pg/lib/index.js',
        'pg-only-in-postgres-adapters (error): libs/domain/src/x.ts -> node_modules/pg/lib/index.js',
      ]);
    });
  });
});
