/**
 * A planted projection bug, for test/fault/planted-bug.int-spec.ts only: the real projector, but
 * its ledger projection trusts its in-process memory and never reads a committed bucket row back.
 * One process that runs from the first event to the last is right (its memory holds every bucket
 * it wrote); after any restart, the first event of each bucket is folded onto an empty document,
 * so the bucket loses its name, status, product, validity... in the read model and on Kafka.
 * The crash test's checks must report it.
 */
import { LedgerProjection } from '@ledger/ledger-projection';

type Load = (ctx: unknown, cache: Map<string, unknown>, table: string, ids: string[]) => Promise<Map<string, unknown>>;

const projection = LedgerProjection.prototype as unknown as { load: Load };
const readBack = projection.load;
projection.load = function (this: unknown, ctx, cache, table, ids) {
  // Topup rows are still read back: a topup document without its bucket would crash the batch
  // instead of corrupting it, and a bug that stops the projector is not the one planted here.
  if (table !== 'rm_buckets') return readBack.call(this, ctx, cache, table, ids);
  const found = new Map<string, unknown>();
  for (const id of ids) if (cache.get(id) !== undefined) found.set(id, cache.get(id));
  return Promise.resolve(found);
};

// eslint-disable-next-line @typescript-eslint/no-require-imports
require('../../../apps/projector/src/main');
