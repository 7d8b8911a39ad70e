import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createTestDatabase, usesPostgres, type TestDatabase } from '../../test/db';
import { createPostgresDatabase } from './db';
import { MigrationError, migrate, readMigrations } from './migrate';
import { MIGRATIONS_DIR } from './paths';

function migrationsDir(files: Record<string, string>): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'auterity-migrations-'));
  for (const [name, sql] of Object.entries(files)) writeFileSync(path.join(dir, name), sql);
  return dir;
}

describe('migrate', () => {
  let test: TestDatabase;

  beforeEach(async () => {
    test = await createTestDatabase({ empty: true });
  });
  afterEach(async () => {
    await test.drop();
  });

  it('applies the real migrations once and is a no-op the second time', async () => {
    const first = await migrate(test.db, MIGRATIONS_DIR);
    const second = await migrate(test.db, MIGRATIONS_DIR);

    expect(first).toContain('0001_create_core_schema.sql');
    expect(second).toEqual([]);
    const { rows } = await test.db.query<{ n: string }>('SELECT count(*)::text AS n FROM ai_providers');
    expect(Number(rows[0]?.n)).toBeGreaterThanOrEqual(4);
  });

  it('applies each file exactly once when several runners start together', async () => {
    const runners =
      usesPostgres && test.url
        ? [1, 2, 3].map(() =>
            createPostgresDatabase({
              connectionString: test.url ?? '',
              maxConnections: 2,
              statementTimeoutMs: 30_000,
              connectionTimeoutMs: 5000,
            }),
          )
        : [test.db, test.db, test.db];

    const results = await Promise.all(runners.map((db) => migrate(db, MIGRATIONS_DIR)));

    const files = await readMigrations(MIGRATIONS_DIR);
    expect(results.flat().sort()).toEqual(files.map((f) => f.name));
    const { rows } = await test.db.query<{ version: string }>('SELECT version FROM schema_migrations ORDER BY version');
    expect(rows.map((r) => r.version)).toEqual(files.map((f) => f.version));
    if (usesPostgres) await Promise.all(runners.map((db) => db.close()));
  });

  it('rolls back a failing migration entirely', async () => {
    const dir = migrationsDir({
      '0001_create_things.sql': 'CREATE TABLE things (id int PRIMARY KEY);',
      '0002_break_things.sql': 'CREATE TABLE half (id int); SELECT * FROM missing_table;',
    });

    await expect(migrate(test.db, dir)).rejects.toThrow(/missing_table/);

    const { rows } = await test.db.query<{ name: string }>(
      "SELECT table_name AS name FROM information_schema.tables WHERE table_name IN ('things', 'half')",
    );
    expect(rows.map((r) => r.name)).toEqual(['things']);
    const applied = await test.db.query<{ version: string }>('SELECT version FROM schema_migrations');
    expect(applied.rows.map((r) => r.version)).toEqual(['0001']);
  });

  it('runs a file outside a transaction when it asks to', async () => {
    const dir = migrationsDir({
      '0001_create_things.sql': 'CREATE TABLE things (id int PRIMARY KEY, name text);',
      '0002_index_things.sql': '-- migrate:no-transaction\nCREATE INDEX CONCURRENTLY idx_things__name ON things (name);',
    });

    expect(await migrate(test.db, dir)).toEqual(['0001_create_things.sql', '0002_index_things.sql']);
    const { rows } = await test.db.query<{ indexname: string }>("SELECT indexname FROM pg_indexes WHERE tablename = 'things'");
    expect(rows.map((r) => r.indexname)).toContain('idx_things__name');
  });

  it('refuses an applied migration that was edited', async () => {
    const dir = migrationsDir({ '0001_create_things.sql': 'CREATE TABLE things (id int);' });
    await migrate(test.db, dir);
    writeFileSync(path.join(dir, '0001_create_things.sql'), 'CREATE TABLE things (id bigint);');

    await expect(migrate(test.db, dir)).rejects.toThrow(MigrationError);
  });
});

describe('readMigrations', () => {
  it('rejects malformed names and duplicate versions', async () => {
    await expect(readMigrations(migrationsDir({ 'create.sql': '' }))).rejects.toThrow(/must look like/);
    await expect(readMigrations(migrationsDir({ '0001_a.sql': 'SELECT 1;', '0001_b.sql': 'SELECT 2;' }))).rejects.toThrow(
      /share version 0001/,
    );
  });
});
