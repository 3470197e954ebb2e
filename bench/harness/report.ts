import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { fmt } from './log';

export type Outcome = 'pass' | 'FAIL' | 'info' | 'not implemented' | 'error';

/** One line of the table: our figure against the baseline measured in the same run. */
export interface Row {
  scenario: string;
  unit: string;
  ours: number | null;
  baseline: number | null;
  /** ours / baseline (for latencies: as measured, no inversion). */
  ratio: number | null;
  target: string;
  result: Outcome;
  note?: string;
}

const ratioOf = (ours: number | null, baseline: number | null) =>
  ours !== null && baseline !== null && baseline > 0 ? ours / baseline : null;

/** Higher is better: passes when ours ≥ minRatio × baseline and (if given) ours ≥ minAbs. */
export function atLeast(
  scenario: string,
  unit: string,
  ours: number,
  baseline: number | null,
  target: { minRatio?: number; minAbs?: number },
  note?: string,
): Row {
  const ratio = ratioOf(ours, baseline);
  const parts = [
    target.minRatio !== undefined ? `≥ ${target.minRatio}×` : '',
    target.minAbs !== undefined ? `≥ ${fmt(target.minAbs)} ${unit}` : '',
  ].filter(Boolean);
  const ok =
    (target.minRatio === undefined || (ratio !== null && ratio >= target.minRatio)) &&
    (target.minAbs === undefined || ours >= target.minAbs);
  return { scenario, unit, ours, baseline, ratio, target: parts.join(' and '), result: ok ? 'pass' : 'FAIL', note };
}

/** Lower is better (latency, duration): passes when ours ≤ max. */
export function atMost(
  scenario: string,
  unit: string,
  ours: number,
  baseline: number | null,
  max: number,
  note?: string,
): Row {
  return {
    scenario,
    unit,
    ours,
    baseline,
    ratio: ratioOf(ours, baseline),
    target: `≤ ${fmt(max)} ${unit}`,
    result: Number.isFinite(ours) && ours <= max ? 'pass' : 'FAIL',
    note,
  };
}

export function info(
  scenario: string,
  unit: string,
  ours: number | null,
  baseline: number | null = null,
  note?: string,
): Row {
  return { scenario, unit, ours, baseline, ratio: ratioOf(ours, baseline), target: '—', result: 'info', note };
}

export function missing(scenario: string, result: 'not implemented' | 'error', note: string): Row {
  return { scenario, unit: '', ours: null, baseline: null, ratio: null, target: '—', result, note };
}

function figure(value: number | null, unit: string): string {
  if (value === null || !Number.isFinite(value)) return '—';
  const digits = unit === 'ms' || unit === 's' ? 1 : 0;
  return `${fmt(value, digits)} ${unit}`;
}

export function renderTable(rows: Row[]): string {
  const header = ['scenario', 'ours', 'baseline', 'ratio', 'target', 'result'];
  const cells = rows.map((r) => [
    r.scenario,
    figure(r.ours, r.unit),
    figure(r.baseline, r.unit),
    r.ratio === null ? '—' : `${r.ratio.toFixed(2)}×`,
    r.target,
    r.result + (r.note ? `  (${r.note})` : ''),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => (i === 5 ? 0 : c[i].length))));
  const line = (c: string[]) =>
    c.map((v, i) => (i === 5 ? v : i === 0 || i === 4 ? v.padEnd(widths[i]) : v.padStart(widths[i]))).join(' │ ');
  return [line(header), widths.map((w, i) => '─'.repeat(i === 5 ? 6 : w)).join('─┼─'), ...cells.map(line)].join('\n');
}

export interface RunReport {
  mode: 'quick' | 'full';
  startedAt: string;
  /** The scenarios run (all, or those named by --only). */
  scenarios: number[];
  durationS: number;
  machine: { cpus: number; cpuModel: string; node: string; postgres?: string; kafka?: string };
  rows: Row[];
}

/** Writes bench/results/<timestamp>-<mode>.json and bench/results/latest.json; returns the first path. */
export function writeResults(dir: string, report: RunReport): string {
  mkdirSync(dir, { recursive: true });
  const stamp = report.startedAt.replace(/[:.]/g, '-');
  const file = join(dir, `${stamp}-${report.mode}.json`);
  const text = `${JSON.stringify(report, null, 2)}\n`;
  writeFileSync(file, text);
  writeFileSync(join(dir, 'latest.json'), text);
  return file;
}

export const machine = () => ({ cpus: cpus().length, cpuModel: cpus()[0]?.model ?? 'unknown', node: process.version });
