import { createHash, generateKeyPairSync, randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { hashEvent, type RecordedEvent } from '@ledger/event-store';
import { waitFor } from '@ledger/testing';
import { runCli } from '../../apps/ledger-cli/src/cli';
import { LedgerApp, startLedgerApp } from '../support/ledger-app';
import { type Json, type V2Client, adjustmentBody, expectStatus, topupBody, v2Client, createBucket } from './v2-client';

jest.setTimeout(120_000);

/**
 * The auditors' tools end to end on PostgreSQL: the replay and balance routes under /audit/v1 and
 * `ledger-cli audit`, against what the TMF API said at each moment, and anchors written by the
 * projector in-process.
 */
describe('auditing a bucket over HTTP and the CLI', () => {
  let app: LedgerApp;
  let api: V2Client;
  /** The one helper every audit request goes through: an auditor's token, nothing else. */
  let audit: V2Client;
  let dir: string;
  let bucketId: string;
  const anchorsTopic = `test.audit-anchors.${randomUUID().slice(0, 8)}`;
  /** What GET /bucket/{id} said right after each command, and when. */
  const said: { at: string; amount: unknown; revision: number }[] = [];

  async function cli(...argv: string[]) {
    const stdout: string[] = [];
    const stderr: string[] = [];
    const env = {
      DATABASE_URL: app.db.url,
      KAFKA_TOPIC_AUDIT_ANCHORS: anchorsTopic,
      AUDIT_ANCHOR_PUBLIC_KEY_FILE: join(dir, 'anchor.pub.pem'),
    };
    const code = await runCli(['audit', ...argv], {
      env,
      stdout: (l) => stdout.push(l),
      stderr: (l) => stderr.push(l),
    });
    return { code, stdout: stdout.join('\n'), stderr: stderr.join('\n') };
  }

  /** Notes the API's answer, then lets the clock pass that instant so the next event is recorded after it. */
  async function remember(revision: number): Promise<void> {
    const res = await api.get(`/bucket/${bucketId}`);
    expectStatus(res, 200);
    const at = new Date().toISOString();
    said.push({ at, amount: res.body.amount, revision });
    await waitFor('the clock to pass the noted instant', () => (Date.now() > Date.parse(at) ? true : undefined));
  }

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'audit-e2e-'));
    const keys = generateKeyPairSync('ed25519');
    writeFileSync(join(dir, 'anchor.pem'), keys.privateKey.export({ type: 'pkcs8', format: 'pem' }));
    writeFileSync(join(dir, 'anchor.pub.pem'), keys.publicKey.export({ type: 'spki', format: 'pem' }));
    app = await startLedgerApp({
      env: {
        AUDIT_ANCHOR_KEY_FILE: join(dir, 'anchor.pem'),
        KAFKA_TOPIC_AUDIT_ANCHORS: anchorsTopic,
        AUDIT_ANCHOR_INTERVAL_MS: '200',
      },
    });
    api = v2Client(app.v2);
    audit = v2Client(`${app.baseUrl}/audit/v1`, { roles: ['auditor'], subject: 'auditor-1' });

    bucketId = (await createBucket(api, { product: [{ id: `prod-${randomUUID()}` }] })).id;
    await remember(0);
    const first = await api.post('/balanceTopup', topupBody(bucketId, 5), {
      headers: { 'Idempotency-Key': `tp-${bucketId}` },
    });
    expectStatus(first, 201);
    await remember(2);
    expectStatus(await api.post('/balanceTopup', topupBody(bucketId, 7)), 201);
    await remember(4);
    expectStatus(await api.put(`/balanceTopup/${first.body.id}/status`, { status: 'cancelled' }), 200);
    await remember(5);
    expectStatus(await api.post('/balanceAdjustment', adjustmentBody(bucketId, -3)), 201);
    await remember(6);
    expectStatus(await api.post('/balanceAdjustment', adjustmentBody(bucketId, 0.25)), 201);
    await remember(7);
  });

  afterAll(async () => {
    await app?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('replays the stream in order with the amounts before and after each change, every link verified', async () => {
    const res = await audit.get<Json[]>(`/bucket/${bucketId}/events`);
    expectStatus(res, 200);
    expect(res.headers.get('x-total-count')).toBe('8');
    const moves = res.body.map((e) => {
      const movement = e.data.reversal ?? e.data;
      return [e.revision, e.type, movement.amountBefore?.amount, movement.amountAfter?.amount];
    });
    expect(moves).toEqual([
      ['0', 'BucketOpened', undefined, undefined],
      ['1', 'TopupRequested', undefined, undefined],
      ['2', 'BalanceToppedUp', '10', '15'],
      ['3', 'TopupRequested', undefined, undefined],
      ['4', 'BalanceToppedUp', '15', '22'],
      ['5', 'TopupCancelled', '22', '17'],
      ['6', 'BalanceAdjusted', '17', '14'],
      ['7', 'BalanceAdjusted', '14', '14.25'],
    ]);
    for (const event of res.body) {
      expect(event).toMatchObject({
        stream: `bucket-${bucketId}`,
        linkVerified: true,
        schemaVersion: 1,
        actor: { subject: 'e2e' },
      });
      expect(event.position).toEqual({
        commit: expect.stringMatching(/^\d+$/),
        prepare: expect.stringMatching(/^\d+$/),
      });
      expect(typeof event.correlationId).toBe('string');
      // Verbatim data and metadata: the answer alone is enough to recompute the hash.
      expect(hashEvent({ ...event, revision: BigInt(event.revision) } as unknown as RecordedEvent)).toBe(event.hash);
    }
    expect(res.body[1].commandId).toMatch(new RegExp(`tp-${bucketId}`));
    expect(res.body[0].prevHash).toBe('0'.repeat(64));
    expect(res.body[3].prevHash).toBe(res.body[2].hash);
  });

  it('pages by fromRevision and limit, and streams the whole stream as NDJSON', async () => {
    const all = (await audit.get<Json[]>(`/bucket/${bucketId}/events`)).body;
    const page = await audit.get<Json[]>(`/bucket/${bucketId}/events?fromRevision=2&limit=3`);
    expect(page.body.map((e) => e.revision)).toEqual(['2', '3', '4']);
    expect(page.body).toEqual(all.slice(2, 5));
    const ndjson = await audit.get(`/bucket/${bucketId}/events`, { headers: { accept: 'application/x-ndjson' } });
    expectStatus(ndjson, 200);
    expect(ndjson.headers.get('content-type')).toMatch(/^application\/x-ndjson/);
    const lines = ndjson.text
      .trimEnd()
      .split('\n')
      .map((line) => JSON.parse(line));
    expect(lines).toEqual(all);
    const tail = await audit.get(`/bucket/${bucketId}/events?fromRevision=6`, {
      headers: { accept: 'application/x-ndjson' },
    });
    expect(
      tail.text
        .trimEnd()
        .split('\n')
        .map((line) => JSON.parse(line)),
    ).toEqual(all.slice(6));
  });

  it('gives the balance at each moment exactly as the API said it then, and at a revision', async () => {
    for (const moment of said) {
      const res = await audit.get(`/bucket/${bucketId}/balance?at=${encodeURIComponent(moment.at)}`);
      expectStatus(res, 200);
      expect(res.body).toMatchObject({
        bucketId,
        status: 'active',
        amount: moment.amount,
        revision: String(moment.revision),
        at: moment.at,
      });
    }
    const at5 = await audit.get(`/bucket/${bucketId}/balance?revision=5`);
    expect(at5.body).toMatchObject({
      amount: { amount: 17, units: 'EUR' },
      revision: '5',
      event: { type: 'TopupCancelled' },
    });
    expect(at5.body.event.id).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('refuses bad input with TMF errors naming the parameter, and unknown buckets with 404', async () => {
    const cases: [string, number, string, RegExp][] = [
      ['?at=yesterday', 400, 'INVALID_QUERY_PARAMETER', /^at must be an RFC 3339 date-time/],
      ['?at=2025-01-01T00:00:00', 400, 'INVALID_QUERY_PARAMETER', /^at must be an RFC 3339/],
      ['?revision=-1', 400, 'INVALID_QUERY_PARAMETER', /^revision must be a non-negative whole number, got "-1"/],
      ['', 400, 'INVALID_QUERY_PARAMETER', /^at or revision must be given, and not both/],
      ['?revision=1&at=2025-01-01T00:00:00Z', 400, 'INVALID_QUERY_PARAMETER', /^at or revision/],
      ['?when=now', 400, 'UNKNOWN_QUERY_PARAMETER', /"when"/],
      ['?revision=99', 404, 'NOT_FOUND', /has no revision 99: its stream ends at revision 7/],
      ['?at=2000-01-01T00:00:00Z', 404, 'NOT_FOUND', /did not exist yet at 2000-01-01T00:00:00Z/],
    ];
    for (const [query, status, code, message] of cases) {
      const res = await audit.get(`/bucket/${bucketId}/balance${query}`);
      expect([query, res.status, res.body.code, res.body.status]).toEqual([query, status, code, String(status)]);
      expect(res.body.message).toMatch(message);
    }
    const unknown = await audit.get(`/bucket/no-such-${randomUUID()}/events`);
    expect([unknown.status, unknown.body.code]).toEqual([404, 'NOT_FOUND']);
    expect((await audit.get(`/bucket/no-such/balance?revision=0`)).status).toBe(404);
    const badPage = await audit.get(`/bucket/${bucketId}/events?fromRevision=-2`);
    expect([badPage.status, badPage.body.code]).toEqual([400, 'INVALID_QUERY_PARAMETER']);
    expect(badPage.body.message).toMatch(/^fromRevision /);
    expect((await audit.get(`/bucket/${bucketId}/events?limit=0`)).body.message).toMatch(/^limit must be at least 1/);
  });

  it('is for auditors only', async () => {
    const operator = v2Client(`${app.baseUrl}/audit/v1`, { roles: ['operator'] });
    const refused = await operator.get(`/bucket/${bucketId}/events`);
    expect([refused.status, refused.body.status]).toEqual([403, '403']);
    expect((await audit.get(`/bucket/${bucketId}/events`, { token: null })).status).toBe(401);
  });

  it('prints the history table and the balance at a moment from the CLI', async () => {
    const history = await cli('history', bucketId);
    expect(history.code).toBe(0);
    const rows = history.stdout.split('\n');
    expect(rows[0]).toMatch(/^time\s+rev\s+event\s+amount before → after\s+actor\s+command id\s+chain$/);
    expect(rows.slice(1).map((r) => r.match(/(\S+ EUR|-) → (\S+ EUR)/)?.slice(1, 3))).toEqual([
      ['-', '10 EUR'],
      ['10 EUR', '10 EUR'],
      ['10 EUR', '15 EUR'],
      ['15 EUR', '15 EUR'],
      ['15 EUR', '22 EUR'],
      ['22 EUR', '17 EUR'],
      ['17 EUR', '14 EUR'],
      ['14 EUR', '14.25 EUR'],
    ]);
    expect(rows.slice(1).every((r) => / e2e \(e2e\) .* ok$/.test(r))).toBe(true);
    const until = await cli('history', bucketId, '--until', said[2].at);
    expect(until.stdout.split('\n')).toHaveLength(1 + 5);
    const balance = await cli('balance', bucketId, '--at', said[3].at);
    expect(balance.code).toBe(0);
    expect(balance.stdout).toMatch(/^ {2}amount {10}17 EUR$/m);
    expect(balance.stdout).toMatch(/stands on {7}revision 5: TopupCancelled/);
    expect((await cli('balance', bucketId)).code).toBe(2);
    expect((await cli('balance', `no-such-${randomUUID()}`, '--at', said[0].at)).code).toBe(1);
  });

  it('exports every event with a trailer whose count and digest match the store, and resumes from a position', async () => {
    const out = join(dir, 'export.ndjson');
    const run = await cli('export', '--out', out);
    expect(run.code).toBe(0);
    const lines = readFileSync(out, 'utf8').split('\n').slice(0, -1);
    const trailer = JSON.parse(lines.pop()!);
    const { rows } = await app.db.pool.query<{ n: string }>('SELECT count(*) AS n FROM event_store.events');
    expect(trailer).toMatchObject({ trailer: true, count: Number(rows[0].n), fromPosition: 'start' });
    expect(
      createHash('sha256')
        .update(lines.map((l) => `${l}\n`).join(''))
        .digest('hex'),
    ).toBe(trailer.digest);
    const stored = await app.db.pool.query<{ stream_id: string; revision: string; hash: string }>(
      "SELECT stream_id, revision::text, metadata->>'hash' AS hash FROM event_store.events ORDER BY transaction_id, global_position",
    );
    const exported = lines.map((l) => JSON.parse(l));
    expect(exported.map((e) => ({ stream_id: e.stream, revision: e.revision, hash: e.metadata.hash }))).toEqual(
      stored.rows,
    );
    for (const e of exported) expect(hashEvent({ ...e, revision: BigInt(e.revision) })).toBe(e.metadata.hash);

    const middle = exported[3].position;
    const resumed = await cli('export', '--from-position', `${middle.commit}/${middle.prepare}`);
    const resumedLines = resumed.stdout.split('\n');
    const resumedTrailer = JSON.parse(resumedLines.pop()!);
    expect(resumedLines).toEqual(lines.slice(4));
    expect(resumedTrailer).toMatchObject({ count: exported.length - 4, lastPosition: trailer.lastPosition });
    expect((await cli('export', '--from-position', 'middle')).code).toBe(2);
  });

  it('verifies every chain against the anchors the projector signed, from the database and from Kafka', async () => {
    const head = (await app.db.pool.query<{ n: string }>('SELECT count(*) AS n FROM event_store.events')).rows[0].n;
    let seen = {};
    await waitFor(
      'the projector to anchor every event and publish the anchors',
      async () => {
        const { rows } = await app.db.pool.query<{ n: string; unpublished: string }>(
          "SELECT coalesce(sum((document->>'eventCount')::int), 0)::text AS n, count(*) FILTER (WHERE published_at IS NULL)::text AS unpublished FROM audit.anchors",
        );
        seen = rows[0];
        return rows[0].n === head && rows[0].unpublished === '0' ? true : undefined;
      },
      30_000,
    ).catch((error: Error) => {
      throw new Error(`${error.message}; ${head} events, anchors: ${JSON.stringify(seen)}`);
    });
    for (const source of ['db', 'kafka']) {
      const run = await cli('verify-chain', '--all', '--anchors-from', source);
      expect(run.stdout).toMatch(
        /^checked 1 streams, 8 events against \d+ verified anchors .*; 0 events not yet anchored$/m,
      );
      expect(run.stdout).toMatch(/\n0 findings$/);
      expect(run.code).toBe(0);
    }
  });
});
