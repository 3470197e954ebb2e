import { performance } from 'node:perf_hooks';
import { fmt, log, progressLog } from './log';

export interface LoadResult {
  /** Operations that completed (successfully or not) */
  done: number;
  errors: number;
  firstError?: string;
  elapsedMs: number;
  /** Completed operations per second */
  rate: number;
  p50: number;
  p99: number;
  max: number;
}

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[index];
}

export function summarize(latencies: number[], elapsedMs: number, errors = 0, firstError?: string): LoadResult {
  const sorted = [...latencies].sort((a, b) => a - b);
  return {
    done: latencies.length,
    errors,
    firstError,
    elapsedMs,
    rate: (latencies.length / elapsedMs) * 1000,
    p50: percentile(sorted, 50),
    p99: percentile(sorted, 99),
    max: sorted[sorted.length - 1] ?? NaN,
  };
}

export interface ClosedLoopOptions {
  label: string;
  concurrency: number;
  /** Upper bound on operations started. */
  count: number;
  /** Upper bound on wall time; no new operation starts after it. */
  maxMs: number;
}

/**
 * `concurrency` workers each run `op(i)` back to back until `count` operations were started or
 * `maxMs` passed. Latency is per operation; a thrown error counts as an error (and a completion).
 */
export async function closedLoop(options: ClosedLoopOptions, op: (i: number) => Promise<void>): Promise<LoadResult> {
  const latencies: number[] = [];
  let next = 0;
  let errors = 0;
  let firstError: string | undefined;
  const start = performance.now();
  const deadline = start + options.maxMs;
  let lastReport = start;
  const worker = async () => {
    while (next < options.count && performance.now() < deadline) {
      const i = next++;
      const t0 = performance.now();
      try {
        await op(i);
      } catch (error) {
        errors++;
        firstError ??= error instanceof Error ? error.message : String(error);
      }
      const t1 = performance.now();
      latencies.push(t1 - t0);
      if (t1 - lastReport > 5000) {
        lastReport = t1;
        log(
          `  ${options.label}: ${fmt(latencies.length)}/${fmt(options.count)} done, ${fmt((latencies.length / (t1 - start)) * 1000)}/s`,
        );
      }
    }
  };
  await Promise.all(Array.from({ length: options.concurrency }, worker));
  const result = summarize(latencies, performance.now() - start, errors, firstError);
  log(
    `  ${options.label}: ${fmt(result.done)} ops in ${fmt(result.elapsedMs / 1000, 1)} s = ${fmt(result.rate)}/s, ` +
      `p50 ${fmt(result.p50, 1)} ms, p99 ${fmt(result.p99, 1)} ms${errors ? `, ${errors} errors (${firstError})` : ''}`,
  );
  return result;
}

/** Runs `fn` and returns its value with the elapsed milliseconds. */
export async function timed<T>(fn: () => Promise<T>): Promise<{ value: T; ms: number }> {
  const t0 = performance.now();
  const value = await fn();
  return { value, ms: performance.now() - t0 };
}

/** Resolves once `check()` is true, polling every `everyMs` (and logging `progress()` every 5 s); false when `maxMs` passed first. */
export async function waitUntil(
  check: () => boolean | Promise<boolean>,
  maxMs: number,
  everyMs = 20,
  progress?: () => string,
): Promise<boolean> {
  const deadline = Date.now() + maxMs;
  const report = progressLog();
  while (Date.now() < deadline) {
    if (await check()) return true;
    await new Promise((resolve) => setTimeout(resolve, everyMs));
    if (progress) report(progress);
  }
  return check();
}
