import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Database, Db } from './db';

/** Arbitrary but fixed key: every process migrating the same database contends for this lock. */
const MIGRATION_LOCK_KEY = 7_314_159_265;
const FILE_PATTERN = /^(\d{4})_[a-z0-9_]+\.sql$/;
const NO_TRANSACTION_MARKER = '-- migrate:no-transaction';

export interface MigrationFile {
  version: string;
  name: string;
  sql: string;
  checksum: string;
}

export class MigrationError extends Error {
  override name = 'MigrationError';
}

/** Reads `NNNN_verb_object.sql` files in version order; anything else in the folder is an error. */
export async function readMigrations(dir: string): Promise<MigrationFile[]> {
  const entries = (await readdir(dir)).filter((f) => f.endsWith('.sql')).sort();
  const seen = new Set<string>();
  const files: MigrationFile[] = [];
  for (const name of entries) {
    const match = FILE_PATTERN.exec(name);
    if (!match?.[1]) throw new MigrationError(`Migration file name must look like 0001_create_things.sql: ${name}`);
    if (seen.has(match[1])) throw new MigrationError(`Two migrations share version ${match[1]}`);
    seen.add(match[1]);
    const sql = await readFile(path.join(dir, name), 'utf8');
    files.push({ version: match[1], name, sql, checksum: createHash('sha256').update(sql).digest('hex') });
  }
  return files;
}

/**
 * Applies pending migrations exactly once, even when many processes start together: the whole run
 * holds a session advisory lock, and each file commits together with its `schema_migrations` row.
 * Applied files must not change (checksum), because other environments already ran them.
 * @throws MigrationError when an applied file was edited or a file name is malformed.
 */
export async function migrate(database: Database, dir: string): Promise<string[]> {
  const files = await readMigrations(dir);
  return database.withSession(async (session) => {
    await session.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
    try {
      await session.query(
        `CREATE TABLE IF NOT EXISTS schema_migrations (
           version text PRIMARY KEY,
           name text NOT NULL,
           checksum text NOT NULL,
           applied_at timestamptz NOT NULL DEFAULT now())`,
      );
      const { rows } = await session.query<{ version: string; name: string; checksum: string }>(
        'SELECT version, name, checksum FROM schema_migrations',
      );
      const applied = new Map(rows.map((r) => [r.version, r]));
      const done: string[] = [];
      for (const file of files) {
        const previous = applied.get(file.version);
        if (previous) {
          if (previous.checksum !== file.checksum) {
            throw new MigrationError(`Migration ${file.name} changed after it was applied; add a new migration instead`);
          }
          continue;
        }
        await applyOne(database, session, file);
        done.push(file.name);
      }
      return done;
    } finally {
      await session.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]);
    }
  });
}

async function applyOne(database: Database, session: Db, file: MigrationFile): Promise<void> {
  const record = () =>
    session.query('INSERT INTO schema_migrations (version, name, checksum) VALUES ($1, $2, $3)', [
      file.version,
      file.name,
      file.checksum,
    ]);
  if (file.sql.startsWith(NO_TRANSACTION_MARKER)) {
    await database.exec(session, file.sql);
    await record();
    return;
  }
  await session.query('BEGIN');
  try {
    await database.exec(session, file.sql);
    await record();
    await session.query('COMMIT');
  } catch (err) {
    await session.query('ROLLBACK');
    throw err;
  }
}
