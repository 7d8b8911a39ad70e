import { rmSync } from 'node:fs';
import { Client } from 'pg';

export default async function globalTeardown(): Promise<void> {
  const url = process.env.DATABASE_URL;
  const template = process.env.AUTERITY_TEST_TEMPLATE_DB;
  if (url && template) {
    const admin = new Client({ connectionString: url });
    await admin.connect();
    await admin.query(`DROP DATABASE IF EXISTS ${template} WITH (FORCE)`);
    await admin.end();
  }
  const file = process.env.AUTERITY_TEST_PGLITE_TEMPLATE;
  if (file) rmSync(file, { force: true });
}
