import type { Pool } from 'pg';
import { READ_MODEL_TABLES } from '@ledger/ledger-projection';

export type ReadModelSnapshot = Record<(typeof READ_MODEL_TABLES)[number], Array<Record<string, unknown>>>;

/** Every row of one version, every column but model_version, in id order: two versions compare with toEqual. */
export async function readModelSnapshot(pool: Pool, version: number): Promise<ReadModelSnapshot> {
  const snapshot = {} as ReadModelSnapshot;
  for (const table of READ_MODEL_TABLES) {
    const { rows } = await pool.query(`SELECT * FROM ${table} WHERE model_version = $1 ORDER BY id`, [version]);
    snapshot[table] = rows.map(({ model_version: _version, ...row }) => row);
  }
  return snapshot;
}

/** The model versions that still have rows, per table. */
export async function versionsWithRows(pool: Pool): Promise<number[]> {
  const union = READ_MODEL_TABLES.map((t) => `SELECT DISTINCT model_version FROM ${t}`).join(' UNION ');
  const { rows } = await pool.query<{ model_version: number }>(`${union} ORDER BY 1`);
  return rows.map((r) => r.model_version);
}
