import { Pool } from 'pg';
import { EventStore, Position } from '@ledger/event-store';
import { AdvisoryLock } from '../advisory-lock';
import { Projection } from '../projection-runner';
import { RebuildRun } from './rebuild-run';

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

/**
 * Rebuilds a read model from the first event into version N+1 while N keeps serving, switches
 * the serving version once N+1 has caught up, then deletes N's rows. One rebuild at a time
 * (advisory lock, refused rather than queued); an interrupted one resumes from N+1's checkpoint.
 */
export async function rebuildReadModel(options: RebuildOptions): Promise<RebuildResult> {
  const lock = new AdvisoryLock(options.databaseUrl, `rebuild:${options.projection.name}`);
  let attempts = 0;
  // One attempt only: acquire() asks whether to stop before each try, and the second ask says yes.
  if (!(await lock.acquire(() => attempts++ > 0, 0))) throw new RebuildInProgressError(options.projection.name);
  try {
    return await new RebuildRun(options).run();
  } finally {
    await lock.release();
  }
}
