import { randomUUID } from 'node:crypto';
import { authHeader, waitFor } from '@ledger/testing';
import { LedgerApp, startLedgerApp } from '../../../../test/support/ledger-app';

interface ProjectorSection {
  degraded: boolean;
  degradedReasons: string[];
  modelVersion: number;
  checkpoint: { commit: string; prepare: string } | null;
  head: { commit: string; prepare: string } | null;
  eventsBehind: number;
  secondsBehind: number;
  outboxBacklog: number;
  oldestOutboxAgeSeconds: number;
  locks: { projection: { held: boolean; pid: number | null }; outboxRelay: { held: boolean; pid: number | null } };
}

const get = async (url: string) => {
  const res = await fetch(url, { headers: await authHeader({ roles: ['operator'] }) });
  return {
    status: res.status,
    body: (await res.json()) as { status?: string; projector: ProjectorSection } & ProjectorSection,
  };
};

const openBucket = async (app: LedgerApp) =>
  fetch(`${app.v2}/bucket`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(await authHeader({ roles: ['admin'] })) },
    body: JSON.stringify({
      type: 'deposit',
      product: [{ id: `prod-${randomUUID()}` }],
      amount: { amount: 10, units: 'EUR' },
      validFor: { startDateTime: '2025-01-01T00:00:00Z' },
    }),
  });

describe('GET /health with the projector running', () => {
  let app: LedgerApp;
  beforeAll(async () => {
    app = await startLedgerApp();
  });
  afterAll(() => app.close());

  it('reports the projector holding both locks, caught up, and not degraded', async () => {
    expect((await openBucket(app)).status).toBe(201);
    const { status, body } = await waitFor(
      'projector caught up with both locks',
      async () => {
        const res = await get(`${app.baseUrl}/health`);
        return res.body.projector.degraded || res.body.projector.outboxBacklog > 0 ? undefined : res;
      },
      30_000,
    );
    expect(status).toBe(200);
    expect(body.status).toBe('up');
    expect(body.projector).toMatchObject({
      degraded: false,
      degradedReasons: [],
      parked: { rows: 0, buckets: 0, oldestSeconds: null },
      modelVersion: 1,
      eventsBehind: 0,
      secondsBehind: 0,
      outboxBacklog: 0,
      oldestOutboxAgeSeconds: 0,
      locks: {
        projection: { held: true, pid: expect.any(Number) },
        outboxRelay: { held: true, pid: expect.any(Number) },
      },
    });
    expect(body.projector.checkpoint).toEqual(body.projector.head);
  });

  it('serves the same section alone at /health/projector', async () => {
    const { status, body } = await get(`${app.baseUrl}/health/projector`);
    expect(status).toBe(200);
    expect(body).toMatchObject({ modelVersion: 1, locks: { projection: { held: true } } });
    expect(body).not.toHaveProperty('kafka');
  });
});

describe('GET /health without a projector', () => {
  let app: LedgerApp;
  beforeAll(async () => {
    app = await startLedgerApp({ projector: false, env: { READ_YOUR_WRITES_TIMEOUT_MS: '0' } });
  });
  afterAll(() => app.close());

  it('stays up but reports the projector degraded, with the events it has not projected', async () => {
    expect((await openBucket(app)).status).toBe(201);
    const { status, body } = await waitFor('the new event visible', async () => {
      const res = await get(`${app.baseUrl}/health`);
      return res.body.projector.eventsBehind > 0 ? res : undefined;
    });
    expect(status).toBe(200);
    expect(body.status).toBe('up');
    expect(body.projector).toMatchObject({
      degraded: true,
      degradedReasons: ['projection-lock-free', 'outbox-relay-lock-free'],
      checkpoint: null,
      eventsBehind: 1,
      outboxBacklog: 0,
      locks: { projection: { held: false, pid: null }, outboxRelay: { held: false, pid: null } },
    });
    expect(body.projector.head).not.toBeNull();
    expect(body.projector.secondsBehind).toBeGreaterThanOrEqual(0);
  });
});
