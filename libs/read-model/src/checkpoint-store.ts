import { Client } from 'pg';
import { Position } from '@ledger/event-store';

export class StaleCheckpointError extends Error {
  constructor(projection: string) {
    super(`checkpoint of ${projection} was moved by another instance`);
    this.name = 'StaleCheckpointError';
  }
}

function columns(position: Position | 'start'): [string, string] {
  return position === 'start' ? ['0', '0'] : [position.commit.toString(), position.prepare.toString()];
}

/** Checkpoint rows of one projection version, moved only by compare-and-set on the old value. */
export class CheckpointStore {
  constructor(private readonly client: Client, private readonly projection: string, private readonly version: number) {}

  async load(): Promise<Position | 'start'> {
    await this.client.query(
      'INSERT INTO projection_checkpoints (projection, version) VALUES ($1, $2) ON CONFLICT DO NOTHING',
      [this.projection, this.version],
    );
    const { rows } = await this.client.query<{ commit_pos: string; prepare_pos: string }>(
      'SELECT commit_pos, prepare_pos FROM projection_checkpoints WHERE projection = $1 AND version = $2',
      [this.projection, this.version],
    );
    const { commit_pos, prepare_pos } = rows[0];
    return commit_pos === '0' && prepare_pos === '0' ? 'start' : { commit: BigInt(commit_pos), prepare: BigInt(prepare_pos) };
  }

  /** Fails (and the caller rolls back) unless the row still holds `from`: a stale instance cannot move it. */
  async advance(from: Position | 'start', to: Position, events: number): Promise<void> {
    const [oldCommit, oldPrepare] = columns(from);
    const [newCommit, newPrepare] = columns(to);
    const result = await this.client.query(
      `UPDATE projection_checkpoints
          SET commit_pos = $3, prepare_pos = $4, events = events + $7, updated_at = now()
        WHERE projection = $1 AND version = $2 AND commit_pos = $5 AND prepare_pos = $6`,
      [this.projection, this.version, newCommit, newPrepare, oldCommit, oldPrepare, events],
    );
    if (result.rowCount !== 1) throw new StaleCheckpointError(this.projection);
  }
}
