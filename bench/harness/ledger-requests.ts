import { HttpClient } from './http';
import { closedLoop } from './stats';

/** Request bodies as in the README's examples (TMF654 v2). */
export const bucketBody = (n: number) => ({
  type: 'monetary',
  name: `Bench bucket ${n}`,
  product: [{ id: `bench-prod-${n}` }],
  partyAccount: { id: `acc-${n}` },
  relatedParty: [{ id: `cust-${n}`, role: 'customer', name: 'Bench' }],
  amount: { amount: 1000, units: 'EUR' },
  validFor: { startDateTime: '2025-01-01T00:00:00Z', endDateTime: '2035-01-01T00:00:00Z' },
});

export const topupBody = (bucketId: string) => ({
  type: 'voucher',
  channel: { id: 'web' },
  amount: { amount: 5, units: 'EUR' },
  bucket: { id: bucketId },
});

export const adjustmentBody = (bucketId: string) => ({
  type: 'correction',
  reason: 'bench',
  amount: { amount: -3, units: 'EUR' },
  bucket: { id: bucketId },
});

/** Even i: a topup (+5), odd i: an adjustment (−3); balances only grow, so nothing is refused. */
export function command(http: HttpClient, i: number, bucketId: string, headers: Record<string, string> = {}) {
  return i % 2 === 0
    ? http.create('/balanceTopup', topupBody(bucketId), headers)
    : http.create('/balanceAdjustment', adjustmentBody(bucketId), headers);
}

/** Creates `count` buckets over HTTP (setup, not measured as a scenario figure); returns their ids. */
export async function createBuckets(http: HttpClient, count: number, concurrency = 32): Promise<string[]> {
  const ids: string[] = new Array(count);
  const result = await closedLoop(
    { label: `create ${count} buckets`, concurrency, count, maxMs: 300_000 },
    async (i) => {
      ids[i] = (await http.create('/bucket', bucketBody(i))).id as string;
    },
  );
  if (result.errors > 0 || result.done < count)
    throw new Error(`bucket setup failed: ${result.errors} errors (${result.firstError})`);
  return ids;
}
