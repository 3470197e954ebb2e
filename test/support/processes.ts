import { ChildProcess, execFile, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { testAuthEnv } from './test-auth';

/**
 * Child-process helpers for fault-injection tests: run an app from source as its own OS process
 * (so SIGKILL really kills it, sockets and all), watch its output, and run the project's scripts.
 * Every child started here is SIGKILLed if the test process exits first, so none outlives a run.
 */

export const REPO_ROOT = join(__dirname, '..', '..');

export interface ExitStatus {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface ChildHandle {
  readonly name: string;
  readonly pid: number;
  readonly startedAt: number;
  /** Every stdout/stderr line so far (the last `maxLines`), for assertions and failure messages. */
  readonly lines: string[];
  readonly exited: Promise<ExitStatus>;
  readonly alive: boolean;
  /** Resolves with the first line (already printed or still to come) matching `pattern`. */
  waitForLine(pattern: RegExp, timeoutMs: number): Promise<string>;
  /** Sends `signal` and resolves once the process has exited (SIGKILL after `graceMs` if still alive). */
  kill(signal?: NodeJS.Signals, graceMs?: number): Promise<ExitStatus>;
  /** The last `n` lines, joined: for error messages. */
  tail(n?: number): string;
}

const live = new Set<ChildProcess>();
let exitHookInstalled = false;

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.once('exit', () => {
    for (const child of live) {
      try {
        child.kill('SIGKILL');
      } catch {
        // already gone
      }
    }
  });
}

export interface SpawnOptions {
  name: string;
  env?: Record<string, string>;
  cwd?: string;
  maxLines?: number;
}

/** Spawns `node <args>` with the given environment added to this process's. */
export function spawnNode(args: string[], options: SpawnOptions): ChildHandle {
  installExitHook();
  const maxLines = options.maxLines ?? 2000;
  const child = spawn(process.execPath, args, {
    cwd: options.cwd ?? REPO_ROOT,
    // An API started here verifies tokens with this test process's key, so tokenFor() works against it.
    env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0', ...testAuthEnv(), ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  if (child.pid === undefined) throw new Error(`could not spawn ${options.name}`);
  live.add(child);
  const lines: string[] = [];
  const watchers = new Set<{ pattern: RegExp; resolve: (line: string) => void }>();
  let exitStatus: ExitStatus | undefined;
  const exited = new Promise<ExitStatus>((resolve) => {
    child.once('exit', (code, signal) => {
      live.delete(child);
      exitStatus = { code, signal };
      resolve(exitStatus);
    });
  });
  const onData = (stream: NodeJS.ReadableStream) => {
    let partial = '';
    stream.setEncoding('utf8');
    stream.on('data', (chunk: string) => {
      partial += chunk;
      const parts = partial.split('\n');
      partial = parts.pop() ?? '';
      for (const line of parts) {
        lines.push(line);
        if (lines.length > maxLines) lines.shift();
        for (const w of watchers) {
          if (w.pattern.test(line)) {
            watchers.delete(w);
            w.resolve(line);
          }
        }
      }
    });
  };
  onData(child.stdout!);
  onData(child.stderr!);

  const handle: ChildHandle = {
    name: options.name,
    pid: child.pid,
    startedAt: Date.now(),
    lines,
    exited,
    get alive() {
      return exitStatus === undefined;
    },
    waitForLine(pattern, timeoutMs) {
      const seen = lines.find((l) => pattern.test(l));
      if (seen !== undefined) return Promise.resolve(seen);
      return new Promise<string>((resolve, reject) => {
        const watcher = {
          pattern,
          resolve: (line: string) => {
            clearTimeout(timer);
            resolve(line);
          },
        };
        const timer = setTimeout(() => {
          watchers.delete(watcher);
          reject(
            new Error(
              `${options.name} printed no line matching ${pattern} within ${timeoutMs} ms; last lines:\n${handle.tail()}`,
            ),
          );
        }, timeoutMs);
        watchers.add(watcher);
        exited.then((status) => {
          if (!watchers.has(watcher)) return;
          watchers.delete(watcher);
          clearTimeout(timer);
          reject(
            new Error(
              `${options.name} exited (${JSON.stringify(status)}) before printing ${pattern}; last lines:\n${handle.tail()}`,
            ),
          );
        }, reject);
      });
    },
    async kill(signal = 'SIGKILL', graceMs = 10_000) {
      if (exitStatus !== undefined) return exitStatus;
      child.kill(signal);
      if (signal === 'SIGKILL') return exited;
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      const status = await exited;
      clearTimeout(timer);
      return status;
    },
    tail(n = 40) {
      return lines.slice(-n).join('\n');
    },
  };
  return handle;
}

/**
 * Runs a TypeScript entry point from source in its own process: ts-node without type-checking
 * (about 2 s to start on a 2-core machine) and the tsconfig `@ledger/*` paths. Nothing is built
 * into the shared dist/ folder.
 */
export function spawnTsEntry(entry: string, options: SpawnOptions): ChildHandle {
  return spawnNode(['-r', 'ts-node/register/transpile-only', '-r', 'tsconfig-paths/register', entry], {
    ...options,
    env: { TS_NODE_TRANSPILE_ONLY: '1', TS_NODE_PROJECT: join(REPO_ROOT, 'tsconfig.json'), ...options.env },
  });
}

export interface ScriptResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs a command to completion (e.g. `bash scripts/kafka.sh start`); never throws on a non-zero exit. */
export function runCommand(
  file: string,
  args: string[],
  options: { env?: Record<string, string>; timeoutMs?: number; cwd?: string } = {},
): Promise<ScriptResult> {
  return new Promise((resolve) => {
    execFile(
      file,
      args,
      {
        cwd: options.cwd ?? REPO_ROOT,
        env: { ...process.env, ...options.env },
        timeout: options.timeoutMs ?? 120_000,
        killSignal: 'SIGKILL',
        maxBuffer: 16 * 1024 * 1024,
      },
      (error, stdout, stderr) => {
        const code = error
          ? typeof (error as { code?: unknown }).code === 'number'
            ? (error as { code: number }).code
            : -1
          : 0;
        resolve({ code, stdout: String(stdout), stderr: String(stderr) });
      },
    );
  });
}

/** A TCP port free on 127.0.0.1 right now. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** A small seeded PRNG (mulberry32), so a failing fault schedule can be replayed with FAULT_SEED. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
