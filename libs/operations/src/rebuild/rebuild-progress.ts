import type { Position } from '@ledger/event-store';

export interface ProgressSample {
  events: number;
  position: Position | 'start';
  /** Where the run is heading (the store's head, a checkpoint); undefined when the store is empty. */
  goal: Position | 'start' | undefined;
}

export const formatCount = (n: number) => Math.round(n).toLocaleString('en-US');
export const formatPosition = (p: Position | 'start' | undefined) =>
  p === undefined || p === 'start' ? 'start' : `${p.commit}/${p.prepare}`;

/**
 * Share of the way to the goal. `prepare` grows with every event in every adapter (the global
 * sequence in PostgreSQL, the log offset in EventStoreDB), so its ratio is a fair estimate.
 */
export function shareOf(position: Position | 'start', goal: Position | 'start' | undefined): string {
  if (goal === undefined || goal === 'start' || goal.prepare === 0n) return '100.0%';
  if (position === 'start') return '0.0%';
  const permille = Number((position.prepare * 1000n) / goal.prepare);
  return `${(Math.min(permille, 1000) / 10).toFixed(1)}%`;
}

/** Progress lines at most once per interval: events so far, the rate since the last line, position and share of the goal. */
export class ProgressPrinter {
  private last: { at: number; events: number };

  constructor(
    private readonly label: string,
    private readonly goalName: string,
    private readonly write: (line: string) => void,
    private readonly intervalMs = 1000,
    private readonly now: () => number = Date.now,
  ) {
    this.last = { at: now(), events: 0 };
  }

  report(sample: ProgressSample, force = false): void {
    const at = this.now();
    if (!force && at - this.last.at < this.intervalMs) return;
    const rate = ((sample.events - this.last.events) * 1000) / Math.max(1, at - this.last.at);
    this.last = { at, events: sample.events };
    this.write(
      `${this.label}: ${formatCount(sample.events)} events, ${formatCount(rate)} events/s, position ${formatPosition(sample.position)}, ` +
        `${shareOf(sample.position, sample.goal)} of ${this.goalName}`,
    );
  }
}
