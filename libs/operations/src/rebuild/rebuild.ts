import { Pool } from 'pg';
import { EventStore, Position } from '@ledger/event-store';
import type { Projection } from '@ledger/projection';

export interface RebuildProgress {
  version: number;
  /** Events folded by this run (a resumed run counts from where it resumed). */
  events: number;
  position: Position | 'start';
  head: Position | undefined;
  elapsedMs: number;
}

export interface RebuildOptions {
  store: EventStore;
  pool: Pool;
  databaseUrl: string;
  projection: Projection;
  /** Events per readAll and per transaction. */
  batchSize?: number;
  deleteBatchSize?: number;
  /** Leave the old version's rows in place after the switch (a later rebuild removes them). */
  keepOldVersion?: boolean;
  /** Aborting stops the rebuild after the batch in flight; running it again resumes from there. */
  signal?: AbortSignal;
  onProgress?: (progress: RebuildProgress) => void;
  onStep?: (message: string) => void;
  /** How often the caught-up check runs while catching up. */
  checkIntervalMs?: number;
}

export interface RebuildResult {
  outcome: 'switched' | 'stopped';
  from: number;
  to: number;
  resumed: boolean;
  events: number;
  elapsedMs: number;
  deletedRows: number;
}

export class RebuildInProgressError extends Error {
  constructor(name: string) {
    super(`another rebuild of ${name} is running (it holds the rebuild lock)`);
    this.name = 'RebuildInProgressError';
  }
}
