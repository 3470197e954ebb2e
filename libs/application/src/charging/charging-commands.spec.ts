import { InMemoryEventStore } from '@ledger/event-store';
import { BucketCommandHandler } from '../commands/bucket-command.handler';
import type { CommandContext } from '../commands/command-context';
import { openBucketCommand } from '../commands/command-mappers';
import { ChargingCommands, expireReservation } from './charging-commands';

const eur = (amount: number | string) => ({ amount, units: 'EUR' });
const START = Date.parse('2026-01-01T10:00:00Z');

function given() {
  const store = new InMemoryEventStore();
  const handler = new BucketCommandHandler(store, { cacheBuckets: 100 });
  const clock = { nowMs: START, now: () => new Date(clock.nowMs) };
  let n = 0;
  const charging = new ChargingCommands({
    handler,
    store,
    readYourWrites: { waitFor: async () => true },
    readYourWritesTimeoutMs: 0,
    clock,
    ids: { newId: () => `id-${++n}` },
    reservationDefaultTtlSeconds: 900,
  });
  const ctx = (clientId = 'ocs', idempotencyKey?: string): CommandContext => ({
    correlationId: 'c-1',
    idempotencyKey,
    actor: { subject: 'ocs-1', clientId, roles: ['charging'] },
  });
  const open = async (bucketId: string, amount: number) => {
    const input = { product: [{ id: 'p' }], amount: eur(amount), validFor: { startDateTime: '2025-01-01T00:00:00Z' } };
    const metadata = { now: new Date(START).toISOString(), correlationId: 'c-0' };
    await handler.handle(bucketId, openBucketCommand(input, bucketId, metadata), { correlationId: 'c-0', actor });
  };
  const actor = { subject: 'setup', clientId: 'setup', roles: [] };
  return { charging, handler, clock, ctx, open };
}

describe('charging use cases, when the bucket holds 10 EUR', () => {
  it('holds a reserve without expiresAt for the default TTL, under the body id', async () => {
    const { charging, ctx, open } = given();
    await open('b-1', 10);
    const doc = await charging.reserve({ id: 'r-1', bucket: { id: 'b-1' }, amount: eur(2) }, ctx());
    expect(doc).toMatchObject({
      id: 'r-1',
      status: 'held',
      expiresAt: '2026-01-01T10:15:00.000Z',
      bucket: { id: 'b-1', reservedAmount: eur('2') },
    });
  });

  it('derives the reservation id from the scoped key, so a retry reaches the same reservation', async () => {
    const { charging, ctx, open } = given();
    await open('b-1', 10);
    const input = { bucket: { id: 'b-1' }, amount: eur(2) };
    const first = await charging.reserve(input, ctx('ocs', 'k-1'));
    const retry = await charging.reserve(input, ctx('ocs', 'k-1'));
    const otherClient = await charging.reserve(input, ctx('other', 'k-1'));
    expect(retry.id).toBe(first.id);
    expect(otherClient.id).not.toBe(first.id);
    expect(await charging.reservation('b-1', String(first.id))).toMatchObject({ remainingAmount: eur('2') });
    expect((await charging.reservations('b-1'))?.map((r) => r.id)).toEqual([first.id, otherClient.id]);
  });

  it('answers a final capture with what it released and the bucket it left', async () => {
    const { charging, ctx, open } = given();
    await open('b-1', 10);
    await charging.reserve({ id: 'r-1', bucket: { id: 'b-1' }, amount: eur(3) }, ctx());
    const doc = await charging.deduct(
      { id: 'd-1', bucket: { id: 'b-1' }, reservationId: 'r-1', amount: eur('1.25'), final: true },
      ctx(),
    );
    expect(doc).toEqual({
      id: 'd-1',
      amount: eur('1.25'),
      balanceReserve: { id: 'r-1' },
      releasedAmount: eur('1.75'),
      deductedDate: '2026-01-01T10:00:00.000Z',
      bucket: { id: 'b-1', amount: eur('8.75'), reservedAmount: eur('0') },
    });
    expect(await charging.reservation('b-1', 'r-1')).toMatchObject({ status: 'closed' });
  });

  it('reads a reservation past its expiry as expired until the scheduler releases it, once', async () => {
    const { charging, handler, clock, ctx, open } = given();
    await open('b-1', 10);
    await charging.reserve({ id: 'r-1', bucket: { id: 'b-1' }, amount: eur(4) }, ctx());
    clock.nowMs = START + 901_000;
    expect(await charging.reservation('b-1', 'r-1')).toMatchObject({ status: 'expired' });
    const released = await expireReservation(handler, clock, { bucketId: 'b-1', reservationId: 'r-1' });
    expect(released.events.map((e) => e.type)).toEqual(['BalanceUnreserved']);
    const again = await expireReservation(handler, clock, { bucketId: 'b-1', reservationId: 'r-1' });
    expect(again).toMatchObject({ duplicate: true });
    expect(await charging.reservation('b-1', 'r-1')).toMatchObject({ status: 'closed', remainingAmount: eur('0') });
  });

  it('knows no reservation of an unknown bucket', async () => {
    const { charging } = given();
    expect(await charging.reservation('nope', 'r-1')).toBeUndefined();
    expect(await charging.reservations('nope')).toBeUndefined();
  });
});
