import http from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createTestDatabase, usesPostgres, type TestDatabase } from './db';
import { TEST_PASSWORD, uniqueEmail } from './factories';
import { freePort, spawnApi, waitForOk } from './spawn-api';

jest.setTimeout(90_000);

interface Outcome {
  sent: number;
  failed: string[];
  sentAfterSigterm: number;
  probeSaw503: boolean;
  slowStatus: number | string;
  exitCode: number | null;
  output: string;
}

function get(port: number, urlPath: string, agent: http.Agent | false, headers: Record<string, string> = {}) {
  return new Promise<number>((resolve, reject) => {
    const req = http.get({ host: '127.0.0.1', port, path: urlPath, agent, headers }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', reject);
  });
}

/** A POST whose body trickles in over `ms`: in flight when SIGTERM arrives. */
function slowPost(port: number, ms: number): Promise<number> {
  const [head, tail] = ['{"email":"slow@example.com",', '"password":"not the password"}'];
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: '127.0.0.1',
        port,
        path: '/api/auth/login',
        method: 'POST',
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(head + tail) },
      },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      },
    );
    req.on('error', reject);
    req.write(head);
    setTimeout(() => req.end(tail), ms);
  });
}

/**
 * What Kubernetes does around a pod that is told to stop, played against a real API process: eight
 * clients keep sending authenticated requests while a load balancer probes /api/ready every 100 ms
 * and takes the pod out of rotation at the first non-200. SIGTERM arrives under that load.
 */
async function sigtermUnderLoad(drainMs: number, database: TestDatabase | undefined): Promise<Outcome> {
  const port = await freePort();
  const env: Record<string, string> = {
    PORT: String(port),
    HOST: '127.0.0.1',
    DATA_DIR: dataDir('auterity-stop-'),
    PASSWORD_SCRYPT_LOG_N: '14',
    RATE_LIMIT_ENABLED: 'false',
    SHUTDOWN_DRAIN_MS: String(drainMs),
    LOG_LEVEL: 'info',
  };
  if (database) {
    env.DATABASE_URL = database.url ?? '';
    env.REDIS_URL = process.env.REDIS_URL ?? '';
  }
  const api = await spawnApi(env);
  await waitForOk(`http://127.0.0.1:${port}/api/ready`, 30_000);
  const registered = await fetch(`http://127.0.0.1:${port}/api/auth/register`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ organizationName: 'Stop Org', email: uniqueEmail('stop'), password: TEST_PASSWORD }),
  });
  const { token } = (await registered.json()) as { token: string };

  let inRotation = true;
  let probeSaw503 = false;
  let sigtermAt = Infinity;
  let sent = 0;
  let sentAfterSigterm = 0;
  const failed: string[] = [];
  const probe = (async () => {
    while (inRotation) {
      await new Promise((r) => setTimeout(r, 100));
      const status = await get(port, '/api/ready', false).catch(() => 0);
      if (status === 503) probeSaw503 = true;
      if (status !== 200) inRotation = false;
    }
  })();
  const agent = new http.Agent({ keepAlive: true, maxSockets: 8 });
  const client = async () => {
    while (inRotation) {
      sent++;
      if (Date.now() >= sigtermAt) sentAfterSigterm++;
      const status = await get(port, '/api/workflows', agent, { authorization: `Bearer ${token}` }).catch(
        (err: NodeJS.ErrnoException) => err.code ?? 'error',
      );
      if (status !== 200) failed.push(String(status));
    }
  };
  const clients = Array.from({ length: 8 }, client);

  await new Promise((r) => setTimeout(r, 500));
  const slow = slowPost(port, 800).catch((err: NodeJS.ErrnoException) => err.code ?? 'error');
  await new Promise((r) => setTimeout(r, 100));
  sigtermAt = Date.now();
  api.child.kill('SIGTERM');
  await Promise.all([...clients, probe]);
  const slowStatus = await slow;
  const exitCode = await api.exited;
  agent.destroy();
  return { sent, failed, sentAfterSigterm, probeSaw503, slowStatus, exitCode, output: api.output() };
}

/** Data directories of the spawned processes, removed after the file. */
const dataDirs: string[] = [];
function dataDir(prefix: string): string {
  const dir = mkdtempSync(path.join(tmpdir(), prefix));
  dataDirs.push(dir);
  return dir;
}
afterAll(() => dataDirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

describe('SIGTERM under load (graceful shutdown as the probes assume)', () => {
  let database: TestDatabase | undefined;

  beforeAll(async () => {
    if (usesPostgres) database = await createTestDatabase();
  });

  afterAll(async () => {
    await database?.drop();
  });

  it('readiness turns 503 first while requests are still served; nothing in flight or in the window fails; exit 0', async () => {
    const outcome = await sigtermUnderLoad(1500, database);

    expect(outcome.failed).toEqual([]);
    expect(outcome.probeSaw503).toBe(true);
    expect(outcome.sent).toBeGreaterThan(20);
    expect(outcome.sentAfterSigterm).toBeGreaterThan(0);
    // The in-flight sign-in (body still arriving at SIGTERM) got its answer.
    expect(outcome.slowStatus).toBe(401);
    expect(outcome.exitCode).toBe(0);
    expect(outcome.output).toContain('readiness is 503, still serving');
    expect(outcome.output).toContain('shutdown complete');
  });

  (usesPostgres ? it : it.skip)(
    'a worker process serves /health and token-protected /metrics on METRICS_PORT and stops on SIGTERM',
    async () => {
      const metricsPort = await freePort();
      const token = 'worker-metrics-token-0123456789';
      const worker = await spawnApi(
        {
          DATABASE_URL: database?.url ?? '',
          REDIS_URL: process.env.REDIS_URL ?? '',
          HOST: '127.0.0.1',
          METRICS_PORT: String(metricsPort),
          METRICS_TOKEN: token,
          WORKER_CONCURRENCY: '7',
          DATA_DIR: dataDir('auterity-worker-'),
        },
        ['--worker'],
      );
      await waitForOk(`http://127.0.0.1:${metricsPort}/health`, 30_000);

      const anonymous = await fetch(`http://127.0.0.1:${metricsPort}/metrics`);
      const scraped = await fetch(`http://127.0.0.1:${metricsPort}/metrics`, { headers: { authorization: `Bearer ${token}` } });
      const text = await scraped.text();
      worker.child.kill('SIGTERM');

      expect(anonymous.status).toBe(401);
      expect(scraped.status).toBe(200);
      expect(text).toContain('auterity_worker_slots 7');
      expect(text).toContain('auterity_queue_depth');
      expect(await worker.exited).toBe(0);
      expect(worker.output()).toContain('worker stopped');
    },
  );

  it('without the drain window, the same load sees refused requests (what SHUTDOWN_DRAIN_MS prevents)', async () => {
    const outcome = await sigtermUnderLoad(0, database);

    expect(outcome.exitCode).toBe(0);
    expect(outcome.failed.length).toBeGreaterThan(0);
    expect(outcome.failed).toContain('ECONNREFUSED');
  });
});
