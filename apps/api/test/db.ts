import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { Client } from 'pg';
import { createPgliteDatabase, createPostgresDatabase, type Database } from '../src/lib/db';

export interface TestDatabase {
  db: Database;
  /** Connection string of this database (Postgres mode only). */
  url?: string;
  drop(): Promise<void>;
}

/** True when the suite runs against a Postgres server (DATABASE_URL), false on embedded PGlite. */
export const usesPostgres = Boolean(process.env.DATABASE_URL);

async function adminQuery(sql: string): Promise<void> {
  const admin = new Client({ connectionString: process.env.DATABASE_URL });
  await admin.connect();
  try {
    await admin.query(sql);
  } finally {
    await admin.end();
  }
}

function databaseUrl(name: string): string {
  const url = new URL(process.env.DATABASE_URL ?? '');
  url.pathname = `/${name}`;
  return url.toString();
}

/**
 * A database of this test file's own: a copy of the migrated template (or an empty one with
 * `{ empty: true }`), so files run in parallel without seeing each other's rows.
 */
export async function createTestDatabase(options: { empty?: boolean } = {}): Promise<TestDatabase> {
  if (usesPostgres) {
    const name = `auterity_test_${randomBytes(6).toString('hex')}`;
    const template = options.empty ? 'template0' : process.env.AUTERITY_TEST_TEMPLATE_DB;
    if (!template) throw new Error('global setup did not create the template database');
    await adminQuery(`CREATE DATABASE ${name} TEMPLATE ${template}`);
    const url = databaseUrl(name);
    const db = createPostgresDatabase({
      connectionString: url,
      maxConnections: 5,
      statementTimeoutMs: 30_000,
      connectionTimeoutMs: 5000,
    });
    return {
      db,
      url,
      async drop() {
        await db.close();
        await adminQuery(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      },
    };
  }
  const templateFile = process.env.AUTERITY_TEST_PGLITE_TEMPLATE;
  if (!templateFile) throw new Error('global setup did not create the PGlite template');
  const db = await createPgliteDatabase({
    dataDir: 'memory://',
    ...(options.empty ? {} : { loadDataDir: new Blob([readFileSync(templateFile)]) }),
  });
  return { db, drop: () => db.close() };
}
