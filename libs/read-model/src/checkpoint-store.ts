import { Client } from 'pg';
import { Position, comparePositions } from '@ledger/event-store';

export class StaleCheckpointError extends Error {
  constructor(projection: string) {
    super(`checkpoint of ${projection} was moved by another instance`);
    this.name = 'StaleCheckpointError';
  }
}

/** The version is below the serving one: a rebuild switched away from it, so it may never write again. */
export class RetiredVersionError extends Error {
  constructor(readonly projection: string, readonly version: number, readonly serving: number) {
    super(`${projection} v${version} is retired: v${serving} serves now`);
    this.name = 'RetiredVersionError';
  }
}

function columns(position: Position | 'start'): [string, string] {
  return position === 'start' ? ['0', '0'] : [position.commit.toString(), position.prepare.toString()];
}

function toPosition(row: { commit_pos: string; prepare_pos: string }): Position | 'start' {
  return row.commit_pos === '0' && row.prepare_pos === '0' ? 'start' : { commit: BigInt(row.commit_pos), prepare: BigInt(row.prepare_pos) };
}

/** A projection's checkpoints belong to the read model of the same name in read_model_versions. */
const SERVING = 'COALESCE((SELECT current_version FROM read_model_versions WHERE name = $1), 0)';

/**
 * Checkpoint rows of one projection version, moved only by compare-and-set on the old value, and
 * only while the version is not retired (below the serving one). Versions at or above the serving
 * one are "live": the serving one and a rebuild following it.
 */
export class CheckpointStore {
  constructor(private readonly client: Client, private readonly projection: string, private readonly version: number) {}

  async load(): Promise<Position | 'start'> {
    await this.assertNotRetired();
    await this.client.query(
      'INSERT INTO projection_checkpoints (projection, version) VALUES ($1, $2) ON CONFLICT DO NOTHING',
      [this.projection, this.version],
    );
    const { rows } = await this.client.query<{ commit_pos: string; prepare_pos: string }>(
      'SELECT commit_pos, prepare_pos FROM projection_checkpoints WHERE projection = $1 AND version = $2',
      [this.projection, this.version],
    );
    return toPosition(rows[0]);
  }

  /**
   * Inside a batch's transaction, before anything else: locks this version's row and those of the
   * other live versions (in version order, so two runners cannot deadlock) and returns the
   * furthest of the others. An event at or before it was already passed, and so published, by
   * another version; the lock keeps it that way until this batch commits.
   */
  async lockLiveVersions(): Promise<Position | undefined> {
    const { rows } = await this.client.query<{ version: number; commit_pos: string; prepare_pos: string }>(
      `SELECT version, commit_pos, prepare_pos FROM projection_checkpoints
        WHERE projection = $1 AND (version = $2 OR version >= ${SERVING})
        ORDER BY version FOR UPDATE`,
      [this.projection, this.version],
    );
    let furthest: Position | undefined;
    for (const row of rows) {
      const position = toPosition(row);
      if (row.version === this.version || position === 'start') continue;
      if (!furthest || comparePositions(position, furthest) > 0) furthest = position;
    }
    return furthest;
  }

  /** Fails (and the caller rolls back) unless the row still holds `from` and the version is not retired. */
  async advance(from: Position | 'start', to: Position, events: number): Promise<void> {
    const [oldCommit, oldPrepare] = columns(from);
    const [newCommit, newPrepare] = columns(to);
    const result = await this.client.query(
      `UPDATE projection_checkpoints
          SET commit_pos = $3, prepare_pos = $4, events = events + $7, updated_at = now()
        WHERE projection = $1 AND version = $2 AND commit_pos = $5 AND prepare_pos = $6 AND version >= ${SERVING}`,
      [this.projection, this.version, newCommit, newPrepare, oldCommit, oldPrepare, events],
    );
    if (result.rowCount === 1) return;
    await this.assertNotRetired();
    throw new StaleCheckpointError(this.projection);
  }

  private async assertNotRetired(): Promise<void> {
    const { rows } = await this.client.query<{ serving: number }>(`SELECT ${SERVING} AS serving`, [this.projection]);
    if (this.version < rows[0].serving) throw new RetiredVersionError(this.projection, this.version, rows[0].serving);
  }
}
