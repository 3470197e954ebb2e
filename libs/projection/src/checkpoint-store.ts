import { Client } from 'pg';
import { Position } from '@ledger/event-store';

export class StaleCheckpointError extends Error {
  constructor(projection: string) {
    super(`checkpoint of ${projection} was moved by another instance`);
    this.name = 'StaleCheckpointError';
  }
}

/** The version is below the serving one: a rebuild switched away from it, so it may never write again. */
export class RetiredVersionError extends Error {
  constructor(
    readonly projection: string,
    readonly version: number,
    readonly serving: number,
  ) {
    super(`${projection} v${version} is retired: v${serving} serves now`);
    this.name = 'RetiredVersionError';
  }
}

export function positionColumns(position: Position | 'start'): [string, string] {
  return position === 'start' ? ['0', '0'] : [position.commit.toString(), position.prepare.toString()];
}

function toPosition(row: { commit_pos: string; prepare_pos: string }): Position | 'start' {
  return row.commit_pos === '0' && row.prepare_pos === '0'
    ? 'start'
    : { commit: BigInt(row.commit_pos), prepare: BigInt(row.prepare_pos) };
}

/** A projection's checkpoints belong to the read model of the same name in read_model_versions. */
const SERVING = 'COALESCE((SELECT current_version FROM read_model_versions WHERE name = $1), 0)';

/**
 * The checkpoint row of one projection version. It is moved only inside a batch's own statement
 * (projection_advance in migrations/0003): a compare-and-set on the old value, refused while the
 * version is retired (below the serving one). Versions at or above the serving one are "live":
 * the serving one and a rebuild following it.
 */
export class CheckpointStore {
  constructor(
    private readonly client: Client,
    private readonly projection: string,
    private readonly version: number,
  ) {}

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

  private async assertNotRetired(): Promise<void> {
    const { rows } = await this.client.query<{ serving: number }>(`SELECT ${SERVING} AS serving`, [this.projection]);
    if (this.version < rows[0].serving) throw new RetiredVersionError(this.projection, this.version, rows[0].serving);
  }
}

/** projection_advance's refusals as the runner's errors; anything else is returned unchanged. */
export function checkpointError(error: unknown, projection: string, version: number): unknown {
  const { code, detail } = (error ?? {}) as { code?: string; detail?: string };
  if (code === 'LD001') return new RetiredVersionError(projection, version, Number(detail));
  if (code === 'LD002') return new StaleCheckpointError(projection);
  return error;
}
