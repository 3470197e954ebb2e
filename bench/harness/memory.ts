import { readFileSync } from 'node:fs';

/** Peak RSS of this process, sampled every `everyMs` (process.memoryUsage().rss). */
export class RssSampler {
  private peak = process.memoryUsage().rss;
  private readonly timer: NodeJS.Timeout;

  constructor(everyMs = 100) {
    this.timer = setInterval(() => this.sample(), everyMs);
    this.timer.unref();
  }

  sample(): void {
    this.peak = Math.max(this.peak, process.memoryUsage().rss);
  }

  /** Stops sampling; the peak in MiB. */
  stop(): number {
    clearInterval(this.timer);
    this.sample();
    return this.peak / 2 ** 20;
  }
}

/** A field of /proc/<pid>/status in MiB (VmHWM: peak RSS over the process's life; VmRSS: now). */
export function procStatusMiB(pid: number, field: 'VmHWM' | 'VmRSS'): number | undefined {
  try {
    const match = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) / 1024 : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Samples another process while a scenario runs: VmHWM for a child we started (its whole life is
 * the scenario), the highest VmRSS seen for a long-lived one such as the Kafka broker.
 */
export class ProcessSampler {
  private peak = 0;
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly pid: number,
    private readonly field: 'VmHWM' | 'VmRSS',
    everyMs = 200,
  ) {
    this.timer = setInterval(() => this.sample(), everyMs);
    this.timer.unref();
    this.sample();
  }

  sample(): void {
    this.peak = Math.max(this.peak, procStatusMiB(this.pid, this.field) ?? 0);
  }

  stop(): number | undefined {
    clearInterval(this.timer);
    this.sample();
    return this.peak > 0 ? this.peak : undefined;
  }
}
