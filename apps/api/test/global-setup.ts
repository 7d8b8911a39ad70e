import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Client } from 'pg';
import { createPgliteDatabase, createPostgresDatabase } from '../src/lib/db';
import { migrate } from '../src/lib/migrate';
import { MIGRATIONS_DIR } from '../src/lib/paths';

/**
 * Migrates one template database per test run; every test file then copies it (CREATE DATABASE …
 * TEMPLATE on Postgres, a data-dir dump on PGlite) instead of migrating again.
 */
export default async function globalSetup(): Promise<void> {
  const url = process.env.DATABASE_URL;
  if (url) {
    const name = `auterity_test_tpl_${process.pid}`;
    const admin = new Client({ connectionString: url });
    await admin.connect();
    await admin.query(`DROP DATABASE IF EXISTS ${name}`);
    await admin.query(`CREATE DATABASE ${name}`);
    await admin.end();
    const templateUrl = new URL(url);
    templateUrl.pathname = `/${name}`;
    const db = createPostgresDatabase({
      connectionString: templateUrl.toString(),
      maxConnections: 2,
      statementTimeoutMs: 60_000,
      connectionTimeoutMs: 5000,
    });
    await migrate(db, MIGRATIONS_DIR);
    await db.close();
    process.env.AUTERITY_TEST_TEMPLATE_DB = name;
    return;
  }
  const db = await createPgliteDatabase({ dataDir: 'memory://' });
  await migrate(db, MIGRATIONS_DIR);
  const file = path.join(tmpdir(), `auterity-test-template-${process.pid}.tar.gz`);
  writeFileSync(file, Buffer.from(await (await db.dump()).arrayBuffer()));
  await db.close();
  process.env.AUTERITY_TEST_PGLITE_TEMPLATE = file;
}
