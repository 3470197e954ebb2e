import { Logger } from '@nestjs/common';
import { type BucketCommandHandler, type Clock, expireReservation } from '@ledger/application';
import { type BucketEvent, bucketStream, foldBucket, isBucketEvent, isDomainError, isLive } from '@ledger/domain';
import type { EventStore } from '@ledger/event-store';
import type { PgPool as Pool } from '@ledger/postgres';
import type { AdvisoryLock } from '@ledger/projection';
import { type ExpiryCandidate, expiryCandidates, markDone } from './expiry-candidates';

export interface ReservationExpirySchedulerOptions {
  pool: Pool;
  store: EventStore;
  handler: BucketCommandHandler;
  clock: Clock;
  /** Single-active: only the instance holding it scans. */
  lock: AdvisoryLock;
  scanMs: number;
  /** Candidates per scan (the rest wait for the next one). */
  batch?: number;
}

export type ScanResult = { released: number; closed: number; waiting: number };

/** Codes after which the reservation can never need a release: its bucket or the reservation is gone. */
const GONE = new Set(['RESERVATION.NOT_FOUND', 'BUCKET.NOT_FOUND']);

/**
 * Releases held reservations past their expiry: every `scanMs`, in the one instance that holds
 * the lock, it sends ExpireReservation with the deterministic command id
 * `reservation-expiry:<bucketId>:<reservationId>`, so a release is recorded once however many
 * instances or scans reach it. A candidate found closed is remembered and left out of later scans.
 */
export class ReservationExpiryScheduler {
  private readonly logger = new Logger('ReservationExpiry');
  private stopped = false;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<unknown> | undefined;

  constructor(private readonly options: ReservationExpirySchedulerOptions) {}

  start(): void {
    this.schedule(0);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    this.options.lock.interrupt();
    await this.running;
    await this.options.lock.release();
  }

  /** One scan, once the lock is ours; undefined when stopped before getting it. */
  async scan(): Promise<ScanResult | undefined> {
    const { lock, pool, clock } = this.options;
    if (!lock.held && !(await lock.acquire(() => this.stopped))) return undefined;
    const result: ScanResult = { released: 0, closed: 0, waiting: 0 };
    for (const candidate of await expiryCandidates(pool, clock.now(), this.options.batch ?? 500)) {
      result[await this.expire(candidate)]++;
    }
    if (result.released > 0) this.logger.log(`released ${result.released} expired reservations`);
    return result;
  }

  private schedule(delayMs: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.running = this.scan()
        .catch((error: unknown) => this.logger.warn(`reservation expiry scan failed, retrying: ${String(error)}`))
        .finally(() => this.schedule(this.options.scanMs));
    }, delayMs);
  }

  private async expire(candidate: ExpiryCandidate): Promise<keyof ScanResult> {
    try {
      const outcome = await expireReservation(this.options.handler, this.options.clock, candidate);
      if (outcome.events.length > 0) return await this.done(candidate, 'released');
      return (await this.closed(candidate)) ? await this.done(candidate, 'closed') : 'waiting';
    } catch (error) {
      if (isDomainError(error) && GONE.has(error.code)) return this.done(candidate, 'closed');
      this.logger.warn(`reservation ${candidate.reservationId} not released yet: ${String(error)}`);
      return 'waiting';
    }
  }

  private async done(candidate: ExpiryCandidate, kind: 'released' | 'closed'): Promise<keyof ScanResult> {
    await markDone(this.options.pool, candidate);
    return kind;
  }

  /** Whether the stream shows the reservation closed; a no-op on a held one means it was extended. */
  private async closed({ bucketId, reservationId }: ExpiryCandidate): Promise<boolean> {
    const read = await this.options.store.readStream(bucketStream(bucketId));
    const events: BucketEvent[] = [];
    for (const e of read.found ? read.events : []) {
      const event = { type: e.type, data: e.data };
      if (isBucketEvent(event)) events.push(event);
    }
    const state = foldBucket(events);
    return !isLive(state) || state.reservations.get(reservationId)?.closed !== false;
  }
}
