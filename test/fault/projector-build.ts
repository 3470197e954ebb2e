import { randomUUID } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import * as ts from 'typescript';
import { ChildHandle, REPO_ROOT, spawnNode } from '../support/processes';

/**
 * The projector as plain JavaScript in a private folder, so a crash loop can restart it a hundred
 * times: from this build it is ready in about 0.9 s, from source through ts-node in about 3 s.
 *
 * Why not dist/ from scripts/build.sh: `nest build` empties dist/ first (deleteOutDir), and other
 * runs on this machine (npm start, the bench) build into it while a fault test may be restarting
 * the projector. The files are transpiled one by one, as ts-node's transpile-only mode does (the
 * type check is `npm run typecheck`'s job), into .run/fault-build/<id>/: under the repository, so
 * node_modules and migrations/ resolve as they do for the real build. `@ledger/*` imports resolve
 * through tsconfig-paths with its base moved to the build folder.
 */
export interface ProjectorBuild {
  readonly dir: string;
  /** Spawns `entry` (a .ts path relative to the repository, e.g. apps/projector/src/main.ts) from the build. */
  spawn(entry: string, name: string, env: Record<string, string>): ChildHandle;
  remove(): void;
}

// balance-api too: the transfer crash test kills API processes that drive transfers inline.
const SOURCE_ROOTS = ['apps/projector/src', 'apps/balance-api/src', 'libs', 'test/fault/planted'];
const SKIPPED = /\.(spec|int-spec|e2e-spec)\.ts$|\.d\.ts$/;

function sources(dir: string): string[] {
  const files: string[] = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) {
      // `testing` folders hold jest-only helpers; nothing the projector loads imports them.
      if (name !== 'testing' && name !== 'node_modules') files.push(...sources(path));
    } else if (name.endsWith('.ts') && !SKIPPED.test(name)) {
      files.push(path);
    }
  }
  return files;
}

function compilerOptions(): ts.CompilerOptions {
  const configPath = join(REPO_ROOT, 'tsconfig.json');
  const { config, error } = ts.readConfigFile(configPath, (path) => ts.sys.readFile(path));
  if (error) throw new Error(ts.flattenDiagnosticMessageText(error.messageText, '\n'));
  const parsed = ts.convertCompilerOptionsFromJson(config.compilerOptions, REPO_ROOT);
  return { ...parsed.options, sourceMap: false, inlineSourceMap: false, noEmit: false, declaration: false };
}

export function buildProjector(): ProjectorBuild {
  const dir = join(REPO_ROOT, '.run', 'fault-build', randomUUID().slice(0, 8));
  const options = compilerOptions();
  for (const root of SOURCE_ROOTS) {
    for (const file of sources(join(REPO_ROOT, root))) {
      const out = join(dir, relative(REPO_ROOT, file)).replace(/\.ts$/, '.js');
      const { outputText } = ts.transpileModule(readFileSync(file, 'utf8'), {
        compilerOptions: options,
        fileName: file,
      });
      mkdirSync(dirname(out), { recursive: true });
      writeFileSync(out, outputText);
    }
  }
  return {
    dir,
    spawn(entry, name, env) {
      const script = join(dir, entry.replace(/\.ts$/, '.js'));
      return spawnNode(['-r', 'tsconfig-paths/register', script], {
        name,
        env: { TS_NODE_PROJECT: join(REPO_ROOT, 'tsconfig.json'), TS_NODE_BASEURL: dir, ...env },
      });
    },
    remove() {
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
