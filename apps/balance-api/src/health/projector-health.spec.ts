import type { ProjectionLag } from '@ledger/operations';
import { PROJECTOR_THRESHOLDS, assessProjector, unmeasured } from './projector-health';

const holder = { held: true, pid: 4242, applicationName: 'lock:x' };
const caughtUp: ProjectionLag = {
  projection: 'ledger',
  modelVersion: 1,
  checkpoint: { commit: '900', prepare: '12' },
  checkpointUpdatedAt: '2025-03-01T10:00:00.000Z',
  head: { commit: '900', prepare: '12' },
  eventsBehind: 0,
  eventsBehindCapped: false,
  secondsBehind: 0,
  outboxBacklog: 0,
  outboxBacklogCapped: false,
  oldestOutboxAgeSeconds: 0,
  oldestWriteTransactionSeconds: 0.2,
  locks: { projection: holder, outboxRelay: holder },
};

describe('the projector health', () => {
  it('is not degraded when both locks are held and nothing is old', () => {
    expect(assessProjector(caughtUp)).toEqual({
      degraded: false,
      degradedReasons: [],
      ...caughtUp,
      parked: { rows: 0, buckets: 0, oldestSeconds: null },
    });
  });

  it('is not degraded by lag up to the thresholds', () => {
    const lag = {
      ...caughtUp,
      eventsBehind: 5000,
      secondsBehind: PROJECTOR_THRESHOLDS.secondsBehind,
      oldestOutboxAgeSeconds: 30,
    };
    expect(assessProjector(lag).degraded).toBe(false);
  });

  it('names every reason when the projector and relay are gone and everything is stale', () => {
    const free = { held: false, pid: null, applicationName: null };
    const lag = {
      ...caughtUp,
      secondsBehind: 31,
      oldestOutboxAgeSeconds: 31,
      oldestWriteTransactionSeconds: 61,
      locks: { projection: free, outboxRelay: free },
    };
    expect(assessProjector(lag).degradedReasons).toEqual([
      'projection-lock-free',
      'outbox-relay-lock-free',
      'projection-behind',
      'outbox-stale',
      'read-horizon-stalled',
    ]);
  });

  it('is degraded while any outbox row is parked, and says how many', () => {
    const parked = { rows: 2, buckets: 1, oldestSeconds: 12 };
    expect(assessProjector(caughtUp, parked)).toMatchObject({ degradedReasons: ['outbox-parked'], parked });
  });

  it('does not judge the read horizon of a store that cannot report it', () => {
    expect(assessProjector({ ...caughtUp, oldestWriteTransactionSeconds: null }).degraded).toBe(false);
  });

  it('reports a failed measurement as degraded, with the cause', () => {
    expect(unmeasured(new Error('connection refused'))).toEqual({
      degraded: true,
      degradedReasons: ['lag-unknown'],
      error: 'connection refused',
    });
  });
});
