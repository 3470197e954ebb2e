import { randomUUID } from 'node:crypto';
import {
  type BucketCommand,
  type BucketEvent,
  bucketStream,
  decide,
  foldBucket,
  foldTransfer,
  isFinal,
  isLive,
  parseAmount,
  parseQuantity,
  transferStream,
} from '@ledger/domain';
import { PostgresEventStore } from '@ledger/event-store';
import { createTestDatabase, type TestDatabase, testAuthEnv, tokenFor, waitFor } from '@ledger/testing';
import { type ChildHandle, freePort, seededRandom, sleep } from '../support/processes';
import { buildProjector, type ProjectorBuild } from './projector-build';

/**
 * Transfers POSTed to a real API process, which drives each inline, while that process and the
 * projector (whose resumer finishes what a crash left) are SIGKILLed at random points and
 * restarted. A caller retries a failed POST with its Idempotency-Key, except one in four, which it
 * abandons to the resumer. After one last projector has finished, every unit is accounted for and
 * every transfer is final.
 */
const TRANSFERS = Number(process.env.TRANSFER_CRASH_TRANSFERS ?? 500);
/** Kills of each process: the API's and the projector's. */
const KILLS = Number(process.env.TRANSFER_CRASH_KILLS ?? 12);
const BUCKETS = 20;
/** Buckets opened suspended: a transfer into one is refused its credit and must be compensated. */
const SUSPENDED = 2;
const OPENING = '200';
const SEED = 1616;

interface Kill {
  process: 'api' | 'projector';
  /** Bucket steps taken but not recorded in their transfer stream, right after the kill. */
  unrecorded: number;
  /** Transfers not final right after the kill. */
  unfinished: number;
}

jest.setTimeout(240_000);

describe('transfers through SIGKILLs of the process driving them', () => {
  let build: ProjectorBuild;
  let db: TestDatabase;
  let store: PostgresEventStore;
  const children: { api?: ChildHandle; projector?: ChildHandle } = {};
  const suffix = randomUUID().slice(0, 8);
  const random = seededRandom(SEED);
  const bucketIds = Array.from({ length: BUCKETS }, (_, i) => `tb-${suffix}-${i}`);
  let port = 0;
  let spawned = 0;
  /** POSTs sent and not answered yet: an API kill aimed at them lands inside a drive. */
  let inFlight = 0;

  beforeAll(async () => {
    build = buildProjector();
    db = await createTestDatabase();
    store = new PostgresEventStore(db.pool, db.url);
    port = await freePort();
  });
  afterAll(async () => {
    await children.api?.kill('SIGKILL');
    await children.projector?.kill('SIGKILL');
    build?.remove();
    await db?.drop();
  });

  const env = () => ({
    DATABASE_URL: db.url,
    KAFKA_BROKERS: process.env.KAFKA_BROKERS ?? '127.0.0.1:9092',
    KAFKA_CLIENT_ID: `fault-transfer-${suffix}`,
    KAFKA_TOPIC_BUCKET_STATE: `fault.transfer.bucket-state.${suffix}`,
    KAFKA_TOPIC_BALANCE_EVENTS: `fault.transfer.balance-events.${suffix}`,
    KAFKA_TOPIC_PARTITIONS: '3',
    HOST: '127.0.0.1',
    PORT: String(port),
    PUBLIC_BASE_URL: `http://127.0.0.1:${port}`,
    ...testAuthEnv(),
  });
  const start = (kind: 'api' | 'projector'): ChildHandle => {
    const entry = kind === 'api' ? 'apps/balance-api/src/main.ts' : 'apps/projector/src/main.ts';
    return (children[kind] = build.spawn(entry, `${kind}#${++spawned}`, env()));
  };

  async function openBuckets(): Promise<void> {
    for (const [i, bucketId] of bucketIds.entries()) {
      const command: BucketCommand = {
        type: 'OpenBucket',
        metadata: { now: new Date().toISOString() },
        data: {
          bucketId,
          type: 'monetary',
          name: `transfer bucket ${i}`,
          product: [{ id: `prod-${bucketId}` }],
          partyAccount: { id: `acc-${bucketId}` },
          amount: parseQuantity({ amount: OPENING, units: 'EUR' }),
          status: i < SUSPENDED ? 'suspended' : 'active',
          validFor: { startDateTime: '2025-01-01T00:00:00Z', endDateTime: '2099-01-01T00:00:00Z' },
        },
      };
      const events = decide(foldBucket([]), command);
      await store.append(
        bucketStream(bucketId),
        events.map((e) => ({ type: e.type, data: { ...e.data }, metadata: { correlationId: randomUUID() } })),
        'no_stream',
      );
    }
  }

  const cents = (max: number) => (1 + Math.floor(random() * max * 100)) / 100;

  /** POSTs once; undefined when the API is down or died before answering. */
  async function post(body: object, key: string, token: string): Promise<number | undefined> {
    inFlight++;
    try {
      const res = await fetch(`http://127.0.0.1:${port}/tmf-api/prepayBalanceManagement/v2/balanceTransfer`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', 'idempotency-key': key },
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(20_000),
      });
      await res.text();
      return res.status;
    } catch {
      return undefined;
    } finally {
      inFlight--;
    }
  }

  /**
   * `count` transfers from 8 concurrent callers, paced over about `spreadMs`. A POST that fails is
   * retried with its key until the API (restarted) answers, except for one transfer in four, whose
   * caller gives up at once and leaves it to the resumer.
   */
  async function requestTransfers(count: number, spreadMs: number): Promise<{ abandoned: number; retried: number }> {
    const token = await tokenFor({ roles: ['charging'], subject: 'fault', clientId: 'fault' });
    const tally = { abandoned: 0, retried: 0 };
    let issued = 0;
    const caller = async (): Promise<void> => {
      while (issued < count) {
        issued++;
        const source = Math.floor(random() * BUCKETS);
        const target = (source + 1 + Math.floor(random() * (BUCKETS - 1))) % BUCKETS;
        const amount = cents(60);
        const cost = random() < 0.3 ? 0 : Math.min(cents(1), amount / 2);
        const body = {
          bucket: { id: bucketIds[source] },
          receiverBucket: { id: bucketIds[target] },
          amount: { amount: Number(amount.toFixed(2)), units: 'EUR' },
          ...(cost > 0 ? { transferCost: { amount: Number(cost.toFixed(2)), units: 'EUR' } } : {}),
          costOwner: random() < 0.5 ? 'originator' : 'recipient',
        };
        const key = randomUUID();
        const abandon = random() < 0.25;
        const deadline = Date.now() + 60_000;
        for (let attempt = 0; ; attempt++) {
          const status = await post(body, key, token);
          if (status === 201) break;
          if (status !== undefined && status < 500) throw new Error(`POST /balanceTransfer answered ${status}`);
          if (abandon) {
            tally.abandoned++;
            break;
          }
          if (attempt === 0) tally.retried++;
          if (Date.now() > deadline) throw new Error('the API did not come back within 60 s');
          await sleep(100);
        }
        await sleep((spreadMs / count) * 8 * random() * 2);
      }
    };
    await Promise.all(Array.from({ length: 8 }, caller));
    return tally;
  }

  async function transferIds(): Promise<string[]> {
    const { rows } = await db.pool.query<{ id: string }>(
      "SELECT substr(stream_id, 10) AS id FROM event_store.events WHERE event_type = 'TransferRequested'",
    );
    return rows.map((r) => r.id);
  }

  /** Bucket steps taken whose transfer stream has not recorded them: a process died in between. */
  async function unrecordedSteps(): Promise<number> {
    const { rows } = await db.pool.query<{ n: string }>(`
      WITH legs AS (
        SELECT data->>'transferId' AS id, event_type FROM event_store.events
         WHERE event_type IN ('BalanceTransferredOut', 'BalanceTransferredIn', 'TransferRefunded')),
      steps AS (
        SELECT substr(stream_id, 10) AS id, event_type FROM event_store.events WHERE stream_id LIKE 'transfer-%')
      SELECT count(*) AS n FROM legs l WHERE NOT EXISTS (
        SELECT 1 FROM steps s WHERE s.id = l.id AND s.event_type = CASE l.event_type
          WHEN 'BalanceTransferredOut' THEN 'TransferSourceDebited'
          WHEN 'BalanceTransferredIn' THEN 'TransferCompleted'
          ELSE 'TransferFailed' END)`);
    return Number(rows[0].n);
  }

  /** Transfers requested and not final yet: work the killed instance left behind. */
  async function unfinished(): Promise<number> {
    const { rows } = await db.pool.query<{ n: string }>(`
      SELECT count(DISTINCT stream_id) FILTER (WHERE event_type = 'TransferRequested')
           - count(DISTINCT stream_id) FILTER (WHERE event_type IN ('TransferCompleted', 'TransferFailed')) AS n
        FROM event_store.events WHERE stream_id LIKE 'transfer-%'`);
    return Number(rows[0].n);
  }

  /**
   * Kills `kind` once it is up: the API within 20 ms of a POST being in flight, the projector at a
   * random point or (half the time) within 80 ms of a sweep starting to drive transfers. Then
   * starts it again at once.
   */
  async function crashOnce(kind: 'api' | 'projector'): Promise<Kill> {
    const proc = children[kind] ?? start(kind);
    const ready = kind === 'api' ? /balance-api listening/ : /holds the projection lock/;
    await Promise.race([proc.waitForLine(ready, 10_000).catch(() => undefined), proc.exited]);
    if (kind === 'api') {
      await waitFor('a POST in flight', () => (inFlight > 0 ? true : undefined), 3000, 2).catch(() => undefined);
      await sleep(random() * 20);
    } else if (random() < 0.5) {
      await Promise.race([
        proc.waitForLine(/resuming \d+ unfinished transfers/, 2000).catch(() => undefined),
        proc.exited,
      ]);
      await sleep(random() * 80);
    } else {
      await sleep(random() * 1500);
    }
    const status = await proc.kill('SIGKILL');
    if (status.signal !== 'SIGKILL') throw new Error(`${proc.name} exited by itself:\n${proc.tail()}`);
    const kill = { process: kind, unrecorded: await unrecordedSteps(), unfinished: await unfinished() };
    start(kind);
    return kill;
  }

  it(`ends ${TRANSFERS} transfers final through ${KILLS} kills of the API and of the projector, every unit accounted for`, async () => {
    await openBuckets();
    start('api');
    start('projector');
    let requested = false;
    const requests = requestTransfers(TRANSFERS, 45_000).finally(() => (requested = true));
    requests.catch(() => undefined); // awaited below; this only keeps it from being unhandled meanwhile
    const kills: Kill[] = [];
    // At least 2 × KILLS kills; past them, keep killing (bounded, while requests still flow) until
    // three kills have interrupted unfinished transfers, so recovery is tested on a fast machine too.
    const interrupting = () => kills.filter((k) => k.unfinished > 0).length;
    for (let n = 1; n <= 2 * KILLS || (interrupting() < 3 && !requested && n <= 4 * KILLS); n++) {
      kills.push(await crashOnce(n % 2 === 1 ? 'api' : 'projector'));
      if (n % 6 === 0) process.stderr.write(`transfer-crash: ${n}/${2 * KILLS} kills, requests done: ${requested}\n`);
    }
    const tally = await requests;

    const ids = await transferIds();
    const t0 = Date.now();
    await waitFor(
      'every transfer final in its stream',
      async () => {
        const { rows } = await db.pool.query<{ n: string }>(
          "SELECT count(*) AS n FROM event_store.events WHERE event_type IN ('TransferCompleted', 'TransferFailed')",
        );
        return Number(rows[0].n) === ids.length ? true : undefined;
      },
      120_000,
      200,
    );
    const recoveryMs = Date.now() - t0;

    const states = await Promise.all(
      ids.map(async (id) => {
        const read = await store.readStream(transferStream(id));
        return foldTransfer((read.found ? read.events : []).map((e) => ({ type: e.type, data: e.data }) as never));
      }),
    );
    expect(states.filter((s) => !isFinal(s))).toEqual([]);
    const buckets = await Promise.all(
      bucketIds.map(async (id) => {
        const read = await store.readStream(bucketStream(id));
        return foldBucket(
          (read.found ? read.events : []).map((e) => ({ type: e.type, data: e.data }) as never as BucketEvent),
        );
      }),
    );
    let total = 0n;
    for (const b of buckets) total += isLive(b) ? b.amount : 0n;
    let costs = 0n;
    const outcome = { completed: 0, failedRefunded: 0, failedUndebited: 0 };
    for (const s of states) {
      if (s.status === 'none') continue;
      const source = buckets[bucketIds.indexOf(s.request.sourceBucketId)];
      const target = buckets[bucketIds.indexOf(s.request.targetBucketId)];
      if (!isLive(source) || !isLive(target)) throw new Error('a bucket is gone');
      const out = source.transfersOut.get(s.request.transferId);
      const credited = target.transfersIn.has(s.request.transferId);
      if (s.status === 'completed') {
        outcome.completed++;
        expect({ out: out?.amount, refunded: out?.refunded, credited }).toEqual({
          out: parseAmount(s.request.debit.amount),
          refunded: false,
          credited: true,
        });
        costs += parseAmount(s.request.debit.amount) - parseAmount(s.request.credit.amount);
      } else {
        // Failed: either never debited, or debited and refunded; never credited.
        expect({ credited, halfDone: out !== undefined && !out.refunded }).toEqual({
          credited: false,
          halfDone: false,
        });
        if (out) outcome.failedRefunded++;
        else outcome.failedUndebited++;
      }
    }
    const opening = parseAmount(OPENING) * BigInt(BUCKETS);
    expect(total + costs).toBe(opening);

    const rm = await waitFor(
      'rm_transfers to show every transfer final',
      async () => {
        const { rows } = await db.pool.query<{ id: string; status: string }>(
          'SELECT id, status FROM rm_transfers WHERE model_version = 1',
        );
        return rows.length === ids.length && rows.every((r) => r.status !== 'in progress') ? rows : undefined;
      },
      60_000,
      200,
    );
    const byId = new Map(rm.map((r) => [r.id, r.status]));
    for (const s of states) if (s.status !== 'none') expect(byId.get(s.request.transferId)).toBe(s.status);

    const report = {
      posted: TRANSFERS,
      transfers: ids.length,
      ...tally,
      apiKills: kills.filter((k) => k.process === 'api').length,
      projectorKills: kills.filter((k) => k.process === 'projector').length,
      killsLeavingUnfinished: kills.filter((k) => k.unfinished > 0).length,
      killsLeavingUnrecordedSteps: kills.filter((k) => k.unrecorded > 0).length,
      ...outcome,
      costsCollected: costs.toString(),
      recoveryMs,
    };
    process.stderr.write(`transfer-crash: ${JSON.stringify(report)}\n`);
    expect(kills.length).toBeGreaterThanOrEqual(2 * KILLS);
    // Every transfer a caller saw answered exists; only abandoned POSTs may have recorded nothing.
    expect(ids.length).toBeGreaterThanOrEqual(TRANSFERS - tally.abandoned);
    // The kills must have interrupted work, or recovery was never tested.
    expect(kills.filter((k) => k.unfinished > 0).length).toBeGreaterThanOrEqual(3);
    expect(tally.retried).toBeGreaterThan(0);
    expect(outcome.completed).toBeGreaterThan(0);
    expect(outcome.failedRefunded).toBeGreaterThan(0);
  });
});
