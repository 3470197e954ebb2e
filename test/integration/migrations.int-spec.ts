import { readdirSync } from 'node:fs';
import { MIGRATIONS_DIR, migrate } from '@ledger/postgres';
import { createTestDatabase, TestDatabase } from '@ledger/testing';

describe('versioned SQL migrations', () => {
  let db: TestDatabase;
  const files = readdirSync(MIGRATIONS_DIR)
    .filter((f) => f.endsWith('.sql'))
    .sort();

  beforeAll(async () => {
    db = await createTestDatabase({ migrate: false });
  });
  afterAll(() => db.drop());

  it('apply in order to an empty database and record each one', async () => {
    expect(files.length).toBeGreaterThan(0);
    await migrate(db.url);
    const { rows } = await db.pool.query<{ name: string }>('SELECT name FROM pgmigrations ORDER BY run_on, id');
    expect(rows.map((r) => `${r.name}.sql`)).toEqual(files);
  });

  it('are a no-op when applied again', async () => {
    await migrate(db.url);
    const { rows } = await db.pool.query('SELECT count(*)::int AS n FROM pgmigrations');
    expect(rows[0].n).toBe(files.length);
  });

  it('roll back completely and apply again', async () => {
    await migrate(db.url, 'down');
    const tables = await db.pool.query(
      "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_name <> 'pgmigrations'",
    );
    expect(tables.rows).toEqual([]);
    await migrate(db.url);
    const { rows } = await db.pool.query('SELECT count(*)::int AS n FROM pgmigrations');
    expect(rows[0].n).toBe(files.length);
  });
});
