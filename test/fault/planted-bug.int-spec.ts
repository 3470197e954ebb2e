import { CrashLoop, CrashOutcome, describeOutcome } from './crash-loop';

/**
 * The crash test must be able to fail. The same crash loop and the same checks as
 * projector-crash-at-scale.int-spec.ts run against a projector with a planted bug
 * (planted/cold-cache-after-restart.fault-entry.ts: after a restart, the projection folds each
 * bucket's next event onto an empty document instead of reading the committed row back). A
 * process that never restarts would be right, so only the crashes expose it. This test passes
 * when the checks report the discrepancies, and says what they reported.
 */

const SEED = Number(process.env.FAULT_SEED ?? Math.floor(Math.random() * 2 ** 31));
const KILLS = 4;

jest.setTimeout(60_000);

describe('a planted projection bug that only a restart exposes, under the same crash test', () => {
  const loop = new CrashLoop({
    label: 'planted',
    seed: SEED,
    kills: KILLS,
    buckets: 20,
    seedEvents: 500,
    eventsPerSecond: 120,
    maxLoadEvents: 20_000,
    entry: 'test/fault/planted/cold-cache-after-restart.fault-entry.ts',
    maxKillDelayMs: 1_200,
  });
  let outcome: CrashOutcome;

  beforeAll(async () => {
    await loop.setUp();
    outcome = await loop.run();
    // eslint-disable-next-line no-console
    console.log(
      `${describeOutcome('planted-bug', SEED, outcome)}\nfirst read-model discrepancies:\n  ${outcome.readModel.slice(0, 8).join('\n  ')}`,
    );
  }, 300_000);

  afterAll(() => loop.tearDown(), 60_000);

  it('the read-model check reports the buckets the restarts corrupted, naming bucket and field', () => {
    expect(outcome.readModel.length).toBeGreaterThan(0);
    expect(outcome.readModel.every((line) => /^rm_buckets fb-\S+: \S+/.test(line))).toBe(true);
    expect(outcome.readModel.some((line) => / name is undefined, expected "fault bucket /.test(line))).toBe(true);
  });

  it('the state-message check reports the corrupted states published to Kafka', () => {
    expect(outcome.stateMessages.length).toBeGreaterThan(0);
    expect(outcome.stateMessages.some((line) => /^state topic fb-\S+ v\d+ .*: status is undefined/.test(line))).toBe(
      true,
    );
  });

  it('the version check reports the state messages the bug never produced, while every event was published', () => {
    // A topup request folded onto a missing bucket document yields no bucket state, hence no message.
    expect(outcome.stateReport.problems.some((line) => /^state topic: fb-\S+: versions missing /.test(line))).toBe(
      true,
    );
    expect(outcome.eventsReport.problems).toEqual([]);
    expect(outcome.eventsReport.eventIdsMissing).toBe(0);
  });
});
