import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createTestDatabase, usesPostgres, type TestDatabase } from './db';
import { TEST_PASSWORD, uniqueEmail } from './factories';
import { freePort, spawnApi, waitForOk } from './spawn-api';

jest.setTimeout(90_000);

/**
 * Request analytics wait up to a second in memory before they are written: a real API process told
 * to stop right after serving requests still writes every one of them before it exits.
 */
(usesPostgres ? describe : describe.skip)('request analytics at shutdown (real process)', () => {
  let database: TestDatabase;
  const dirs: string[] = [];

  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(async () => {
    await database.drop();
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });

  it('flushes buffered request rows on SIGTERM', async () => {
    const port = await freePort();
    const dataDir = mkdtempSync(path.join(tmpdir(), 'auterity-analytics-stop-'));
    dirs.push(dataDir);
    const api = await spawnApi({
      PORT: String(port),
      HOST: '127.0.0.1',
      DATA_DIR: dataDir,
      DATABASE_URL: database.url ?? '',
      PASSWORD_SCRYPT_LOG_N: '14',
      RATE_LIMIT_ENABLED: 'false',
      SHUTDOWN_DRAIN_MS: '0',
      METRICS_PORT: '0',
    });
    await waitForOk(`http://127.0.0.1:${port}/api/ready`, 30_000);
    const base = `http://127.0.0.1:${port}`;
    const registered = await fetch(`${base}/api/auth/register`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ organizationName: 'Flush Org', email: uniqueEmail('flush'), password: TEST_PASSWORD }),
    });
    const { token } = (await registered.json()) as { token: string };

    for (let i = 0; i < 25; i++) {
      const res = await fetch(`${base}/api/workflows`, { headers: { authorization: `Bearer ${token}` } });
      expect(res.status).toBe(200);
    }
    api.child.kill('SIGTERM');
    const code = await api.exited;

    expect(code).toBe(0);
    const { rows } = await database.db.query<{ n: string; rolled: string | null }>(
      `SELECT (SELECT count(*) FROM api_requests WHERE endpoint = '/api/workflows') AS n,
              (SELECT sum(requests) FROM api_request_rollups WHERE endpoint = '/api/workflows') AS rolled`,
    );
    expect(rows[0]).toEqual({ n: '25', rolled: '25' });
  });
});
