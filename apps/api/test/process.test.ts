import http from 'node:http';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createPgliteDatabase } from '../src/lib/db';
import { readMigrations } from '../src/lib/migrate';
import { MIGRATIONS_DIR } from '../src/lib/paths';
import { createTestDatabase, usesPostgres } from './db';
import { freePort, spawnApi, waitForOk } from './spawn-api';

jest.setTimeout(60_000);

/** Sends a POST whose body trickles in over `ms`, so the request is in flight for that long. */
function slowPost(port: number, ms: number): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: '127.0.0.1',
        port,
        path: '/api/slow-upload',
        method: 'POST',
        headers: { 'content-type': 'application/json', 'content-length': 13 },
      },
      (res) => {
        let body = '';
        res.on('data', (c: Buffer) => (body += c.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      },
    );
    req.on('error', reject);
    req.write('{"slow":');
    setTimeout(() => req.end('true}'), ms);
  });
}

describe('the API process', () => {
  it('refuses a bad variable with one line naming it', async () => {
    const api = await spawnApi({ PORT: 'eighty', DATA_DIR: mkdtempSync(path.join(tmpdir(), 'auterity-proc-')) });

    expect(await api.exited).toBe(1);
    expect(api.output().trim()).toBe('Configuration error: PORT must be a number');
  });

  it('refuses to start in production without its secrets', async () => {
    const api = await spawnApi({ NODE_ENV: 'production', DATA_DIR: mkdtempSync(path.join(tmpdir(), 'auterity-proc-')) });

    expect(await api.exited).toBe(1);
    expect(api.output()).toContain('Configuration error: JWT_SECRET is required when NODE_ENV=production');
  });

  it('embedded mode: serves, drains in-flight requests on SIGTERM, exits 0 and keeps its data across restarts', async () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'auterity-proc-'));
    const port = await freePort();
    const env = { PORT: String(port), HOST: '127.0.0.1', DATA_DIR: dataDir };
    const first = await spawnApi(env);
    await waitForOk(`http://127.0.0.1:${port}/api/health`);
    expect(first.output()).toContain(`Auterity is running at http://localhost:${port}`);
    const secrets = readFileSync(path.join(dataDir, 'secrets.json'), 'utf8');

    const inFlight = slowPost(port, 800);
    await new Promise((r) => setTimeout(r, 200));
    first.child.kill('SIGTERM');
    const response = await inFlight;

    expect(response.status).toBe(404);
    expect(JSON.parse(response.body)).toMatchObject({ code: 'route_not_found' });
    expect(await first.exited).toBe(0);

    const direct = await createPgliteDatabase({ dataDir: path.join(dataDir, 'pglite') });
    await direct.query("INSERT INTO organizations (name) VALUES ('Kept across restarts')");
    await direct.close();

    const second = await spawnApi(env);
    await waitForOk(`http://127.0.0.1:${port}/api/ready`);
    second.child.kill('SIGTERM');
    expect(await second.exited).toBe(0);

    const reopened = await createPgliteDatabase({ dataDir: path.join(dataDir, 'pglite') });
    const orgs = await reopened.query("SELECT name FROM organizations WHERE name = 'Kept across restarts'");
    const migrations = await reopened.query('SELECT version FROM schema_migrations');
    await reopened.close();
    expect(orgs.rowCount).toBe(1);
    expect(migrations.rowCount).toBe((await readMigrations(MIGRATIONS_DIR)).length);
    expect(readFileSync(path.join(dataDir, 'secrets.json'), 'utf8')).toBe(secrets);
  });

  (usesPostgres ? it : it.skip)(
    'two migrate runs started together on an empty Postgres both succeed and apply each file once',
    async () => {
      const test = await createTestDatabase({ empty: true });
      const env = { DATABASE_URL: test.url ?? '', DATA_DIR: mkdtempSync(path.join(tmpdir(), 'auterity-proc-')) };

      const runs = await Promise.all([spawnApi(env, ['--migrate-only']), spawnApi(env, ['--migrate-only'])]);
      const codes = await Promise.all(runs.map((r) => r.exited));

      expect(codes).toEqual([0, 0]);
      const { rows } = await test.db.query<{ n: string }>('SELECT count(*)::text AS n FROM schema_migrations');
      expect(Number(rows[0]?.n)).toBe((await readMigrations(MIGRATIONS_DIR)).length);
      await test.drop();
    },
  );
});
