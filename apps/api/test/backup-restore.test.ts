import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import request from 'supertest';
import { createApp, createServices } from '../src/app';
import { createTestDatabase, usesPostgres, type TestDatabase } from './db';
import { registerOwner } from './factories';
import { testDeps } from './test-app';

/**
 * docs/operations.md's backup and restore, run for real: scripts/backup.sh (pg_dump) of a database
 * with users, a workflow and an encrypted credential, then scripts/restore.sh (pg_restore) into a
 * scratch database of this test's own, which the API then serves as before.
 */
const REPO = path.resolve(__dirname, '../../..');
jest.setTimeout(60_000);

function script(name: string, databaseUrl: string, args: string[]) {
  const run = spawnSync('bash', [path.join(REPO, 'scripts', name), ...args], {
    env: { PATH: process.env.PATH ?? '', DATABASE_URL: databaseUrl },
    encoding: 'utf8',
  });
  return { status: run.status, output: `${run.stdout}${run.stderr}` };
}

(usesPostgres ? describe : describe.skip)('Postgres backup and restore (scripts/backup.sh, scripts/restore.sh)', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'auterity-backup-'));
  const file = path.join(dir, 'auterity.dump');
  let source: TestDatabase;
  let target: TestDatabase;

  beforeAll(async () => {
    source = await createTestDatabase();
    target = await createTestDatabase({ empty: true });
  });

  afterAll(async () => {
    await source?.drop();
    await target?.drop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('backs up a live database and restores it into an empty one that the API serves unchanged', async () => {
    const deps = testDeps(source.db);
    const app = createApp(deps);
    const owner = await registerOwner(app);
    const as = { Authorization: `Bearer ${owner.token}` };
    const workflow = await request(app)
      .post('/api/workflows')
      .set(as)
      .send({
        name: 'Kept in the backup',
        canvasData: {
          nodes: [{ id: 'start', type: 'trigger.manual', position: { x: 0, y: 0 }, data: { config: {} } }],
          edges: [],
        },
      });
    const credential = await request(app)
      .post('/api/credentials')
      .set(as)
      .send({ name: 'Vault entry', type: 'api_key', data: { apiKey: 'sk-backup-canary-123' } });
    expect([workflow.status, credential.status]).toEqual([201, 201]);

    const backup = script('backup.sh', source.url ?? '', [file]);
    expect(backup.output).toContain(`backup written: ${file}`);
    expect(backup.status).toBe(0);
    expect(readFileSync(`${file}.sha256`, 'utf8')).toMatch(/^[a-f0-9]{64} {2}auterity\.dump\n$/);
    // Secrets stay encrypted inside the dump.
    expect(readFileSync(file).includes('sk-backup-canary-123')).toBe(false);

    const restore = script('restore.sh', target.url ?? '', [file]);
    expect(restore.output).toMatch(/restore complete: \d+ migration\(s\) recorded/);
    expect(restore.status).toBe(0);

    const restoredDeps = testDeps(target.db);
    const restoredServices = createServices(restoredDeps);
    const restored = createApp(restoredDeps, restoredServices);
    const again = await request(restored)
      .get(`/api/workflows/${workflow.body.id as string}`)
      .set(as);
    expect(again.status).toBe(200);
    expect(again.body.name).toBe('Kept in the backup');
    const secret = await restoredServices.credentials.resolve(owner.user.organizationId, credential.body.id as string);
    expect(secret.data).toMatchObject({ apiKey: 'sk-backup-canary-123' });
    const count = async (t: TestDatabase, sql: string) => (await t.db.query<{ n: string }>(sql)).rows[0]?.n;
    for (const sql of [
      'SELECT count(*)::text AS n FROM schema_migrations',
      'SELECT count(*)::text AS n FROM users',
      'SELECT count(*)::text AS n FROM credentials',
    ])
      expect(await count(target, sql)).toBe(await count(source, sql));
  });

  it('refuses to restore over a database that already has tables unless --force is given', () => {
    expect(existsSync(file)).toBe(true);

    const refused = script('restore.sh', target.url ?? '', [file]);
    const forced = script('restore.sh', target.url ?? '', [file, '--force']);

    expect(refused.status).toBe(1);
    expect(refused.output).toContain('already has');
    expect(forced.status).toBe(0);
  });

  it('refuses a backup that does not match its checksum, and a missing file', () => {
    const copy = path.join(dir, 'tampered.dump');
    writeFileSync(copy, Buffer.concat([readFileSync(file), Buffer.from('x')]));
    writeFileSync(`${copy}.sha256`, readFileSync(`${file}.sha256`, 'utf8').replace('auterity.dump', 'tampered.dump'));

    const tampered = script('restore.sh', target.url ?? '', [copy, '--force']);
    const missing = script('restore.sh', target.url ?? '', [path.join(dir, 'nope.dump')]);

    expect(tampered.status).toBe(1);
    expect(tampered.output).toContain('does not match its checksum');
    expect(missing.status).toBe(1);
    expect(missing.output).toContain('no such file');
  });

  it('fails without a partial file when the database cannot be reached', () => {
    const out = path.join(dir, 'unreachable.dump');

    const run = script('backup.sh', 'postgres://postgres@127.0.0.1:1/nowhere', [out]);

    expect(run.status).not.toBe(0);
    expect(existsSync(out)).toBe(false);
    expect(existsSync(`${out}.partial`)).toBe(false);
  });
});
