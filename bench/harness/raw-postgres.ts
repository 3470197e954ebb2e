import { Pool } from 'pg';
import { closedLoop, LoadResult } from './stats';

/**
 * The raw baseline of scenarios 1 and 2: one autocommit statement per operation from a pg pool of
 * `concurrency` connections (durable: synchronous_commit as configured on the server).
 */
export async function rawStatements(
  url: string,
  setupSql: string,
  label: string,
  load: { concurrency: number; count: number; maxMs: number },
  statement: (i: number) => [string, unknown[]],
): Promise<LoadResult> {
  const pool = new Pool({ connectionString: url, max: load.concurrency, application_name: 'bench-raw' });
  try {
    await pool.query(setupSql);
    // Open every connection first, as the API's pool is warm too. Every one that opened is released
    // even when another failed (too many clients): pool.end() below waits for checked-out clients,
    // so a single refusal used to hang the bench forever instead of failing the scenario.
    const opened = await Promise.allSettled(Array.from({ length: load.concurrency }, () => pool.connect()));
    for (const result of opened) if (result.status === 'fulfilled') result.value.release();
    const refused = opened.find((result) => result.status === 'rejected');
    if (refused) {
      throw new Error(
        `${label}: PostgreSQL refused some of ${load.concurrency} connections (${String(refused.reason)}); ` +
          'is something else (npm start?) holding connections?',
      );
    }
    return await closedLoop({ label, ...load }, async (i) => {
      const [text, values] = statement(i);
      await pool.query(text, values);
    });
  } finally {
    await pool.end();
  }
}
