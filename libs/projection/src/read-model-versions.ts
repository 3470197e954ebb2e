import { Pool } from 'pg';
import { Position, comparePositions } from '@ledger/event-store';

export class ServingVersionChangedError extends Error {
  constructor(name: string, expected: number) {
    super(`the serving version of ${name} is no longer v${expected}: someone else switched it`);
    this.name = 'ServingVersionChangedError';
  }
}

type Row = { version: number; commit_pos: string; prepare_pos: string };
const toPosition = (row: Row | undefined): Position | 'start' =>
  !row || (row.commit_pos === '0' && row.prepare_pos === '0')
    ? 'start'
    : { commit: BigInt(row.commit_pos), prepare: BigInt(row.prepare_pos) };

/** True when `a` has passed `b` ('start' is before every event; an empty store has no head). */
export function atOrPast(a: Position | 'start', b: Position | 'start' | undefined): boolean {
  if (b === undefined || b === 'start') return true;
  return a !== 'start' && comparePositions(a, b) >= 0;
}

/**
 * The versions of one read model: which one serves, where each has got to, the switch between
 * them and the removal of a version's rows. The read model and its projection share one name.
 */
export class ReadModelVersions {
  constructor(
    private readonly pool: Pool,
    readonly name: string,
  ) {}

  async serving(): Promise<number> {
    const { rows } = await this.pool.query<{ v: number }>(
      'SELECT current_version AS v FROM read_model_versions WHERE name = $1',
      [this.name],
    );
    if (!rows[0]) throw new Error(`read model ${this.name} has no row in read_model_versions; run the migrations`);
    return rows[0].v;
  }

  /** undefined when the version has no checkpoint row (it never started). */
  async checkpoint(version: number): Promise<Position | 'start' | undefined> {
    const { rows } = await this.pool.query<Row>(
      'SELECT version, commit_pos, prepare_pos FROM projection_checkpoints WHERE projection = $1 AND version = $2',
      [this.name, version],
    );
    return rows[0] && toPosition(rows[0]);
  }

  /**
   * One transaction: both checkpoint rows locked (in version order, like every projector batch,
   * so neither version moves meanwhile), then the serving version is switched only if `to` has
   * passed `from`, so the served model never goes back. False when it has not: try again.
   */
  async switchTo(from: number, to: number): Promise<boolean> {
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      const { rows } = await client.query<Row>(
        `SELECT version, commit_pos, prepare_pos FROM projection_checkpoints
          WHERE projection = $1 AND version IN ($2, $3) ORDER BY version FOR UPDATE`,
        [this.name, from, to],
      );
      const target = toPosition(rows.find((r) => r.version === to));
      if (!atOrPast(target, toPosition(rows.find((r) => r.version === from)))) {
        await client.query('ROLLBACK');
        return false;
      }
      const switched = await client.query(
        'UPDATE read_model_versions SET current_version = $3, switched_at = now() WHERE name = $1 AND current_version = $2',
        [this.name, from, to],
      );
      if (switched.rowCount !== 1) throw new ServingVersionChangedError(this.name, from);
      await client.query('COMMIT');
      return true;
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  }

  /**
   * Deletes the rows in `tables` (the read model's versioned tables: a version's rows are those
   * with its model_version) and the checkpoints of the versions `comparison` `version` (e.g. '<'
   * 3), one short transaction per batch so no delete holds locks or a snapshot for long.
   */
  async deleteVersions(
    tables: readonly string[],
    comparison: '<' | '=' | '>',
    version: number,
    batchSize: number,
    onBatch?: (rows: number) => void,
  ): Promise<number> {
    let total = 0;
    for (const table of tables) {
      for (;;) {
        const { rowCount } = await this.retryingDeadlocks(() =>
          this.pool.query(
            `DELETE FROM ${table} WHERE ctid = ANY(ARRAY(SELECT ctid FROM ${table} WHERE model_version ${comparison} $1 LIMIT $2))`,
            [version, batchSize],
          ),
        );
        total += rowCount ?? 0;
        if (rowCount) onBatch?.(rowCount);
        if ((rowCount ?? 0) < batchSize) break;
      }
    }
    await this.pool.query(`DELETE FROM projection_checkpoints WHERE projection = $1 AND version ${comparison} $2`, [
      this.name,
      version,
    ]);
    return total;
  }

  /**
   * A retired version's runner may still write its last batch (rolled back at its checkpoint
   * update) while the delete runs; if the two deadlock, PostgreSQL aborts one: try again.
   */
  private async retryingDeadlocks<T>(work: () => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await work();
      } catch (error) {
        if ((error as { code?: string }).code !== '40P01' || attempt >= 5) throw error;
      }
    }
  }
}
