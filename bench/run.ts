/**
 * `npm run bench [-- --quick] [-- --only 1,4]`: runs the scenarios one after another, each on its
 * own fresh database and topics, prints one table to stdout and writes it as JSON under
 * bench/results/. Progress goes to stderr. Services are started by bench/bench.sh.
 */
import 'reflect-metadata';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { Pool } from 'pg';
import { TEST_SERVER_URL } from '../test/support/test-database';
import { Logger } from '@nestjs/common';
import { fmt, log, StderrLogger } from './harness/log';
import { RssSampler } from './harness/memory';
import { info, machine, missing, renderTable, Row, writeResults } from './harness/report';
import type { Scenario } from './harness/scenario';
import { httpCommands } from './scenarios/s1-http-commands';
import { hotBucket } from './scenarios/s2-hot-bucket';
import { eventStoreAppend } from './scenarios/s3-event-store-append';
import { projectionCatchUp } from './scenarios/s4-projection';
import { kafkaRelay } from './scenarios/s5-kafka-relay';
import { kafkaLatency } from './scenarios/s6-kafka-latency';
import { charging } from './scenarios/s8-charging';

const SCENARIOS: Scenario[] = [
  httpCommands,
  hotBucket,
  eventStoreAppend,
  projectionCatchUp,
  kafkaRelay,
  kafkaLatency,
  charging,
];

function parseArgs(argv: string[]) {
  const quick = argv.includes('--quick');
  const onlyAt = argv.indexOf('--only');
  const only = onlyAt >= 0 ? new Set(argv[onlyAt + 1].split(',').map(Number)) : undefined;
  return { quick, only };
}

async function postgresVersion(): Promise<string | undefined> {
  const pool = new Pool({ connectionString: TEST_SERVER_URL, max: 1 });
  try {
    return (await pool.query<{ v: string }>('SHOW server_version')).rows[0].v;
  } catch {
    return undefined;
  } finally {
    await pool.end();
  }
}

async function main(): Promise<void> {
  Logger.overrideLogger(new StderrLogger());
  const { quick, only } = parseArgs(process.argv.slice(2));
  const startedAt = new Date();
  log(`mode: ${quick ? 'quick' : 'full'}; scenarios: ${only ? [...only].join(',') : 'all'}`);
  const rows: Row[] = [];
  for (const scenario of SCENARIOS.filter((s) => !only || only.has(s.id))) {
    log(`scenario ${scenario.id}: ${scenario.title}`);
    const t0 = Date.now();
    const sampler = new RssSampler();
    const memory: Row[] = [];
    try {
      rows.push(
        ...(await scenario.run({
          quick,
          memory: (name, mib) => memory.push(info(`7 peak RSS s${scenario.id}: ${name}`, 'MiB', mib ?? null)),
        })),
      );
    } catch (error) {
      log(`scenario ${scenario.id} failed: ${error instanceof Error ? error.stack : String(error)}`);
      rows.push(
        missing(`${scenario.id} ${scenario.title}`, 'error', error instanceof Error ? error.message : String(error)),
      );
    }
    rows.push(info(`7 peak RSS s${scenario.id}: bench process`, 'MiB', sampler.stop()), ...memory);
    log(`scenario ${scenario.id} took ${fmt((Date.now() - t0) / 1000, 1)} s`);
  }
  for (const id of [3, 4, 5, 6].filter((n) => !SCENARIOS.some((s) => s.id === n) && (!only || only.has(n)))) {
    rows.push(missing(`${id} (see issue 7)`, 'not implemented', 'no figure measured'));
  }
  const report = {
    mode: quick ? ('quick' as const) : ('full' as const),
    startedAt: startedAt.toISOString(),
    scenarios: SCENARIOS.filter((s) => !only || only.has(s.id)).map((s) => s.id),
    durationS: (Date.now() - startedAt.getTime()) / 1000,
    machine: { ...machine(), postgres: await postgresVersion(), kafka: kafkaVersion() },
    rows,
  };
  const file = writeResults(join(__dirname, 'results'), report);
  process.stdout.write(`\n${renderTable(rows)}\n\n`);
  log(`results: ${file} (and bench/results/latest.json); ${fmt(report.durationS, 1)} s in all`);
  const failed = rows.filter((r) => r.result === 'FAIL' || r.result === 'error').length;
  log(`${rows.filter((r) => r.result === 'pass').length} targets met, ${failed} missed or failed`);
}

/** The broker's version from the jars scripts/kafka.sh runs (undefined for a broker started elsewhere). */
function kafkaVersion(): string | undefined {
  try {
    const jar = readdirSync(join(__dirname, '..', '.kafka', 'libs')).find((f) => /^kafka-server-[\d.]+\.jar$/.test(f));
    return jar?.replace(/^kafka-server-|\.jar$/g, '');
  } catch {
    return undefined;
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    log(`bench failed: ${error instanceof Error ? error.stack : String(error)}`);
    process.exit(1);
  },
);
