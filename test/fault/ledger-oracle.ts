import { isDeepStrictEqual } from 'node:util';
import type { Pool } from 'pg';
import {
  BalanceAdjustedData,
  BalanceToppedUpData,
  BucketEvent,
  BucketOpenedData,
  BucketState,
  evolve,
  formatAmount,
  initialState,
  isLive,
  parseAmount,
  TopupCancelledData,
  TopupRequestedData,
} from '@ledger/domain';
import { comparePositions, Position, RecordedEvent } from '@ledger/event-store';
import type { ReceivedMessage } from './fault-support';

/**
 * What the read model and the state topic must say, worked out without the projection's code
 * (libs/ledger-projection is never imported here): balances and statuses come from the domain's
 * own evolve, the one the command handler decides with; a bucket's descriptive fields are copied
 * from its BucketOpened event; and each balance is also summed up from the movements' amounts
 * (never from their amountAfter), a second, plain implementation that checks the first.
 * Every check returns its discrepancies as lines of text, so a test can assert there are none or,
 * for a planted bug, that there are some.
 */

type Doc = Record<string, unknown>;

interface BucketHistory {
  opened: BucketOpenedData;
  /** The state after each version (index = version), by the domain's evolve. */
  states: BucketState[];
  /** The balance after each version, summed from the movements' amounts. */
  summed: bigint[];
  /** Each event's position, by version. */
  positions: Position[];
}

export interface LedgerOracle {
  events: RecordedEvent[];
  buckets: Map<string, BucketHistory>;
  topups: Map<string, { bucketId: string; requested: TopupRequestedData }>;
  adjustments: Map<string, BalanceAdjustedData>;
  /** Event id → its bucket and version, for the activity rows. */
  eventAt: Map<string, { bucketId: string; version: number; type: string }>;
}

/** Builds the oracle from events in global order; `upTo` keeps only the events at or before it. */
export function buildOracle(all: RecordedEvent[], upTo?: Position): LedgerOracle {
  const events = upTo ? all.filter((e) => comparePositions(e.position, upTo) <= 0) : all;
  const oracle: LedgerOracle = {
    events,
    buckets: new Map(),
    topups: new Map(),
    adjustments: new Map(),
    eventAt: new Map(),
  };
  for (const recorded of events) {
    const event = { type: recorded.type, data: recorded.data } as unknown as BucketEvent;
    const bucketId = event.data.bucketId;
    let history = oracle.buckets.get(bucketId);
    if (event.type === 'BucketOpened') {
      history = { opened: event.data, states: [], summed: [], positions: [] };
      oracle.buckets.set(bucketId, history);
    }
    if (!history) throw new Error(`event ${recorded.id} of bucket ${bucketId} before its BucketOpened`);
    const before = history.states.at(-1) ?? initialState();
    history.states.push(evolve(before, event));
    history.summed.push((history.summed.at(-1) ?? 0n) + movement(event));
    history.positions.push(recorded.position);
    oracle.eventAt.set(recorded.id, { bucketId, version: Number(recorded.revision), type: event.type });
    if (event.type === 'TopupRequested') oracle.topups.set(event.data.topupId, { bucketId, requested: event.data });
    if (event.type === 'BalanceAdjusted') oracle.adjustments.set(event.data.adjustmentId, event.data);
  }
  return oracle;
}

/** The change an event makes to the balance, from its own amount: the plain implementation. */
function movement(event: BucketEvent): bigint {
  switch (event.type) {
    case 'BucketOpened':
      return event.data.amount ? parseAmount(event.data.amount.amount) : 0n;
    case 'BalanceToppedUp':
      return parseAmount((event.data as BalanceToppedUpData).amount.amount);
    case 'TopupCancelled': {
      const reversal = (event.data as TopupCancelledData).reversal;
      return reversal ? -parseAmount(reversal.amount.amount) : 0n;
    }
    case 'BalanceAdjusted':
      return parseAmount(event.data.amount.amount);
    default:
      return 0n;
  }
}

const DESCRIPTIVE = ['type', 'name', 'description', 'partyAccount', 'product', 'realizingResource', 'relatedParty'];
const BALANCES = ['amount', 'reservedAmount', 'creditLimit'] as const;
const BUCKET_KEYS = new Set(['id', 'status', 'validFor', ...DESCRIPTIVE, ...BALANCES]);

/** An amount as the read model (decimal string) or a message (exact JSON number) carries it. */
const micro = (value: unknown): bigint => parseAmount(String(value));

/**
 * The discrepancies between a published bucket document and the oracle's bucket at `version`.
 * `extraKeys` are the keys a message adds (href, version, position).
 */
export function bucketDocDiscrepancies(
  oracle: LedgerOracle,
  bucketId: string,
  version: number,
  doc: Doc,
  where: string,
  extraKeys: string[] = [],
): string[] {
  const history = oracle.buckets.get(bucketId);
  const state = history?.states[version];
  if (!history || !state) return [`${where}: no such bucket version in the event store`];
  if (!isLive(state)) return [`${where}: a document for a ${state.status} bucket`];
  const problems: string[] = [];
  const differ = (field: string, actual: unknown, expected: unknown) => {
    if (!isDeepStrictEqual(actual, expected))
      problems.push(`${where}: ${field} is ${JSON.stringify(actual)}, expected ${JSON.stringify(expected)}`);
  };
  differ('id', doc.id, bucketId);
  differ('status', doc.status, state.status);
  differ('validFor', doc.validFor, history.opened.validFor);
  for (const field of DESCRIPTIVE) differ(field, doc[field], (history.opened as unknown as Doc)[field]);
  for (const field of BALANCES) {
    const quantity = doc[field] as { amount?: unknown; units?: unknown } | undefined;
    const expected = formatAmount(state[field]);
    if (quantity === undefined) {
      if (state[field] !== 0n || history.opened[field] !== undefined) differ(field, undefined, expected);
      continue;
    }
    if (micro(quantity.amount) !== state[field]) differ(`${field}.amount`, quantity.amount, expected);
    differ(`${field}.units`, quantity.units, state.units);
  }
  if (state.amount !== history.summed[version])
    problems.push(
      `${where}: the domain's balance ${formatAmount(state.amount)} is not the sum of the movements ${formatAmount(history.summed[version])}`,
    );
  const allowed = new Set([...BUCKET_KEYS, ...extraKeys]);
  const unknown = Object.keys(doc).filter((k) => !allowed.has(k));
  if (unknown.length > 0) problems.push(`${where}: unexpected fields ${unknown.join(', ')}`);
  return problems;
}

interface Row {
  id: string;
  revision: string;
  doc: Doc;
  deleted?: boolean;
}

/**
 * Compares the whole read model (model version 1) and its checkpoint with the oracle: every
 * bucket's document at its last version, every topup's status and amount, every adjustment, one
 * activity row per event (with the balance after it), and the checkpoint's event count.
 */
export async function readModelDiscrepancies(pool: Pool, oracle: LedgerOracle): Promise<string[]> {
  const rows = async (table: string) =>
    (await pool.query<Row>(`SELECT * FROM ${table} WHERE model_version = 1 ORDER BY id`)).rows;
  const problems: string[] = [];
  const buckets = await rows('rm_buckets');
  const bucketRows = new Map(buckets.map((r) => [r.id, r]));
  for (const [bucketId, history] of oracle.buckets) {
    const row = bucketRows.get(bucketId);
    const last = history.states.length - 1;
    const state = history.states[last];
    if (!row) {
      problems.push(`rm_buckets ${bucketId}: missing`);
      continue;
    }
    if (row.revision !== String(last))
      problems.push(`rm_buckets ${bucketId}: revision ${row.revision}, expected ${last}`);
    if (row.deleted !== (state.status === 'deleted'))
      problems.push(`rm_buckets ${bucketId}: deleted is ${row.deleted}`);
    if (isLive(state))
      problems.push(...bucketDocDiscrepancies(oracle, bucketId, last, row.doc, `rm_buckets ${bucketId}`));
  }
  for (const row of buckets) if (!oracle.buckets.has(row.id)) problems.push(`rm_buckets ${row.id}: no such bucket`);

  const topups = new Map((await rows('rm_topups')).map((r) => [r.id, r]));
  for (const [topupId, { bucketId, requested }] of oracle.topups) {
    const row = topups.get(topupId);
    const state = oracle.buckets.get(bucketId)?.states.at(-1);
    const facts = state && isLive(state) ? state.topups.get(topupId) : undefined;
    if (!row) problems.push(`rm_topups ${topupId}: missing`);
    else if (facts) {
      const doc = row.doc as { status?: unknown; amount?: { amount?: unknown }; bucket?: { id?: unknown } };
      if (doc.status !== facts.status)
        problems.push(`rm_topups ${topupId}: status ${String(doc.status)}, expected ${facts.status}`);
      if (doc.amount?.amount === undefined || micro(doc.amount.amount) !== parseAmount(requested.amount.amount))
        problems.push(
          `rm_topups ${topupId}: amount ${JSON.stringify(doc.amount)}, expected ${requested.amount.amount}`,
        );
      if (doc.bucket?.id !== bucketId) problems.push(`rm_topups ${topupId}: bucket ${JSON.stringify(doc.bucket)}`);
    }
  }
  for (const id of topups.keys()) if (!oracle.topups.has(id)) problems.push(`rm_topups ${id}: no such topup`);

  const adjustments = new Map((await rows('rm_adjustments')).map((r) => [r.id, r]));
  for (const [adjustmentId, data] of oracle.adjustments) {
    const doc = adjustments.get(adjustmentId)?.doc as { amount?: { amount?: unknown }; bucket?: { id?: unknown } };
    if (!doc) problems.push(`rm_adjustments ${adjustmentId}: missing`);
    else if (
      doc.amount?.amount === undefined ||
      micro(doc.amount.amount) !== parseAmount(data.amount.amount) ||
      doc.bucket?.id !== data.bucketId
    )
      problems.push(`rm_adjustments ${adjustmentId}: ${JSON.stringify(doc)} does not match its event`);
  }
  for (const id of adjustments.keys())
    if (!oracle.adjustments.has(id)) problems.push(`rm_adjustments ${id}: no such adjustment`);

  problems.push(...activityDiscrepancies(oracle, await rows('rm_balance_activity')));

  const checkpoint = await pool.query<{ events: string }>(
    "SELECT events FROM projection_checkpoints WHERE projection = 'ledger' AND version = 1",
  );
  const counted = Number(checkpoint.rows[0]?.events ?? 0);
  if (counted !== oracle.events.length)
    problems.push(`checkpoint: counted ${counted} events, the store holds ${oracle.events.length} up to it`);
  return problems;
}

function activityDiscrepancies(oracle: LedgerOracle, rows: Row[]): string[] {
  const problems: string[] = [];
  const seen = new Set<string>();
  for (const row of rows) {
    const at = oracle.eventAt.get(row.id);
    if (!at) {
      problems.push(`rm_balance_activity ${row.id}: no such event`);
      continue;
    }
    seen.add(row.id);
    const after = (row.doc as { amountAfter?: { amount?: unknown } }).amountAfter;
    const state = oracle.buckets.get(at.bucketId)?.states[at.version];
    if (after !== undefined && state && isLive(state) && micro(after.amount) !== state.amount)
      problems.push(
        `rm_balance_activity ${row.id} (${at.type}): amountAfter ${String(after.amount)}, expected ${formatAmount(state.amount)}`,
      );
  }
  const missing = [...oracle.eventAt.keys()].filter((id) => !seen.has(id));
  if (missing.length > 0)
    problems.push(`rm_balance_activity: ${missing.length} events without a row (${missing.slice(0, 5).join(', ')})`);
  return problems;
}

/**
 * Every message of the state topic (first deliveries and redeliveries alike) against the oracle's
 * bucket at the message's version: what a consumer keeps, whichever copy it keeps.
 */
export function stateMessageDiscrepancies(oracle: LedgerOracle, byKey: Map<string, ReceivedMessage[]>): string[] {
  const problems: string[] = [];
  for (const [bucketId, messages] of byKey) {
    for (const m of messages) {
      const where = `state topic ${bucketId} v${m.headerVersion} (offset ${m.offset})`;
      const history = oracle.buckets.get(bucketId);
      if (m.value === null) {
        if (history?.states[m.headerVersion]?.status !== 'deleted')
          problems.push(`${where}: a tombstone for a live bucket`);
        continue;
      }
      const {
        href: _h,
        version: _v,
        position,
        ...doc
      } = m.value as Doc & { position?: { commit: string; prepare: string } };
      const expected = history?.positions[m.headerVersion];
      if (
        expected &&
        (position?.commit !== expected.commit.toString() || position?.prepare !== expected.prepare.toString())
      )
        problems.push(
          `${where}: position ${JSON.stringify(position)}, expected ${expected.commit}/${expected.prepare}`,
        );
      problems.push(...bucketDocDiscrepancies(oracle, bucketId, m.headerVersion, doc, where));
    }
  }
  return problems;
}
