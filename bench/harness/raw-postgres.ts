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
    // Open every connection first, as the API's pool is warm too.
    const clients = await Promise.all(Array.from({ length: load.concurrency }, () => pool.connect()));
    clients.forEach((c) => c.release());
    return await closedLoop({ label, ...load }, async (i) => {
      const [text, values] = statement(i);
      await pool.query(text, values);
    });
  } finally {
    await pool.end();
  }
}
