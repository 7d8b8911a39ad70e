// Shared pieces of the fault suite (`npm run test:faults`): real processes on loopback, each one
// tracked so that nothing a scenario started outlives it (a SIGKILL sweep runs on exit too).
import { execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chownSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
/** The built API (`npm run build`); FAULTS_API_ENTRY points elsewhere (e.g. a private bundle). */
export const API_ENTRY = process.env.FAULTS_API_ENTRY ?? path.join(ROOT, 'apps/api/dist/main.js');
export const PASSWORD = 'correct horse battery staple';

const children = new Set();
const clusters = new Set();
const tempDirs = new Set();

process.on('exit', () => {
  for (const child of children) {
    try {
      child.kill('SIGKILL');
    } catch {
      // already gone
    }
  }
  for (const cluster of clusters) cluster.stopSync();
  for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
});

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

export function tempDir(prefix) {
  const dir = mkdtempSync(path.join(os.tmpdir(), prefix));
  tempDirs.add(dir);
  return dir;
}

/** A free TCP port on loopback. */
export function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/** Polls `fn` until `ok(value)` or the deadline; returns the last value either way. */
export async function eventually(fn, ok, timeoutMs, intervalMs = 100) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    let value;
    try {
      value = await fn();
    } catch (err) {
      value = err;
    }
    if (ok(value) || Date.now() > deadline) return value;
    await sleep(intervalMs);
  }
}

/** Starts a tracked child process; `stop()` sends SIGTERM, then SIGKILL after `graceMs`. */
export function startProcess(command, args, { env, cwd } = {}) {
  const child = spawn(command, args, { env, cwd, stdio: ['ignore', 'pipe', 'pipe'] });
  children.add(child);
  let out = '';
  const keep = (c) => {
    out += c.toString();
    if (out.length > 4_000_000) out = out.slice(-2_000_000);
  };
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  const exited = new Promise((resolve) =>
    child.on('exit', (code, signal) => {
      children.delete(child);
      resolve({ code, signal });
    }),
  );
  return {
    child,
    pid: child.pid,
    exited,
    output: () => out,
    alive: () => child.exitCode === null && child.signalCode === null,
    async stop(graceMs = 10_000) {
      if (child.exitCode !== null || child.signalCode !== null) return exited;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      const result = await exited;
      clearTimeout(timer);
      return result;
    },
  };
}

/** GET until 200, or throw with what the process printed. */
export async function waitForOk(url, proc, timeoutMs = 30_000) {
  const res = await eventually(
    () => fetch(url).then((r) => r.status),
    (s) => s === 200 || (proc !== undefined && !proc.alive()),
    timeoutMs,
  );
  if (res !== 200) throw new Error(`${url} did not answer 200 within ${timeoutMs} ms:\n${proc?.output().slice(-4000) ?? ''}`);
}

let plansFile;
/**
 * The bundled plan catalog with every limit lifted (null = unlimited): the scenarios measure
 * resilience under load, which a free plan's quotas would cut short. Absent catalog: nothing to do.
 */
function unlimitedPlans() {
  const bundled = path.join(ROOT, 'apps/api/config/plans.json');
  if (!existsSync(bundled)) return {};
  if (!plansFile) {
    const catalog = JSON.parse(readFileSync(bundled, 'utf8'));
    for (const plan of catalog.plans ?? []) {
      for (const key of Object.keys(plan.limits ?? {})) if (key !== 'executionLogRetentionDays') plan.limits[key] = null;
    }
    plansFile = path.join(tempDir('auterity-faults-plans-'), 'plans.json');
    writeFileSync(plansFile, JSON.stringify(catalog));
  }
  return { PLANS_FILE: plansFile };
}

/** Environment of every spawned API or worker: fresh secrets, test-speed password hashing. */
export function baseEnv(extra = {}) {
  return {
    ...unlimitedPlans(),
    PATH: process.env.PATH ?? '',
    NODE_ENV: 'production',
    LOG_LEVEL: 'warn',
    HOST: '127.0.0.1',
    JWT_SECRET: randomBytes(36).toString('base64url'),
    ENCRYPTION_KEY: randomBytes(32).toString('hex'),
    PASSWORD_SCRYPT_LOG_N: '14',
    ...extra,
  };
}

/** Starts the built API (or `--worker`) and waits for readiness; returns the process and its base URL. */
export async function startApi(env, { args = [], ready = true } = {}) {
  if (!existsSync(API_ENTRY)) throw new Error(`${API_ENTRY} is missing: run \`npm run build\` first`);
  const port = env.PORT ?? String(await freePort());
  const proc = startProcess(process.execPath, [API_ENTRY, ...args], { env: { ...env, PORT: port }, cwd: ROOT });
  const url = `http://127.0.0.1:${port}`;
  if (ready && !args.includes('--worker')) await waitForOk(`${url}/api/health`, proc);
  return { ...proc, url, port: Number(port) };
}

/** Starts a worker process and waits for its "worker started" line; returns it with its id. */
export async function startWorker(env) {
  // A worker serves Prometheus metrics on a port of its own (METRICS_PORT): one free port each.
  const proc = await startApi({ METRICS_PORT: String(await freePort()), ...env }, { args: ['--worker'] });
  const line = await eventually(
    async () => /"workerId":"([^"]+)"[^\n]*"msg":"worker started"/.exec(proc.output()),
    (m) => (Boolean(m) && !(m instanceof Error)) || !proc.alive(),
    30_000,
  );
  if (!line || line instanceof Error || !proc.alive()) throw new Error(`worker did not start:\n${proc.output().slice(-4000)}`);
  return { ...proc, workerId: line[1] };
}

/** RSS of a process in bytes, from /proc. */
export function rssOf(pid) {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
  return kb * 1024;
}

// ---------------------------------------------------------------------------------------------
// HTTP
// ---------------------------------------------------------------------------------------------

/**
 * One request with node:http (bounded). Resolves { status, headers, body, json, text } or, on a
 * socket error, { error: code, reusedSocket }.
 */
export function call(base, method, pathAndQuery, { body, headers = {}, token, agent, timeoutMs = 30_000, raw } = {}) {
  const url = new URL(pathAndQuery, base);
  const payload = raw ?? (body === undefined ? undefined : JSON.stringify(body));
  const h = { ...headers };
  if (payload !== undefined && !Object.keys(h).some((k) => k.toLowerCase() === 'content-type'))
    h['content-type'] = 'application/json';
  if (payload !== undefined) h['content-length'] = Buffer.byteLength(payload);
  if (token) h.authorization = `Bearer ${token}`;
  return new Promise((resolve) => {
    const req = http.request(
      { host: url.hostname, port: url.port, path: url.pathname + url.search, method, headers: h, agent: agent ?? false },
      (res) => {
        const chunks = [];
        res.on('data', (c) => chunks.push(c));
        res.on('error', (err) => resolve({ error: err.code ?? err.message, reusedSocket: req.reusedSocket }));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let json;
          try {
            json = text ? JSON.parse(text) : undefined;
          } catch {
            json = undefined;
          }
          resolve({ status: res.statusCode, headers: res.headers, text, json });
        });
      },
    );
    req.setTimeout(timeoutMs, () => req.destroy(Object.assign(new Error('timeout'), { code: 'ETIMEDOUT' })));
    req.on('error', (err) => resolve({ error: err.code ?? err.message, reusedSocket: req.reusedSocket }));
    if (payload !== undefined) req.write(payload);
    req.end();
  });
}

/** True for the JSON error envelope of docs/ARCHITECTURE.md. */
export function isEnvelope(json) {
  return Boolean(json) && typeof json.error === 'string' && typeof json.code === 'string';
}

/** Registers an organization and its owner; returns the access token. */
export async function registerOwner(base, label = 'owner') {
  const email = `${label}-${randomBytes(5).toString('hex')}@example.com`;
  const res = await call(base, 'POST', '/api/auth/register', {
    body: { organizationName: `Faults ${label}`, email, password: PASSWORD, firstName: 'Ada' },
  });
  if (res.status !== 201) throw new Error(`register failed: ${res.status} ${res.text}`);
  return { token: res.json.token, user: res.json.user, email };
}

export async function login(base, email) {
  const res = await call(base, 'POST', '/api/auth/login', { body: { email, password: PASSWORD } });
  if (res.status !== 200) throw new Error(`login failed: ${res.status} ${res.text}`);
  return res.json.token;
}

/** A React Flow graph from [id, type, config] triples and [source, target] edges. */
export function graph(nodes, edges = []) {
  return {
    nodes: nodes.map(([id, type, config = {}], i) => ({ id, type, position: { x: i * 200, y: 0 }, data: { config } })),
    edges: edges.map(([source, target], i) => ({ id: `e${i}`, source, target })),
  };
}

export async function createWorkflow(base, token, name, canvasData) {
  const res = await call(base, 'POST', '/api/workflows', { token, body: { name, canvasData } });
  if (res.status !== 201) throw new Error(`workflow create failed: ${res.status} ${res.text}`);
  return res.json;
}

// ---------------------------------------------------------------------------------------------
// Databases and Redis
// ---------------------------------------------------------------------------------------------

async function adminQuery(url, sql) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await client.query(sql);
  } finally {
    await client.end();
  }
}

function withDatabase(url, name) {
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.toString();
}

/**
 * An empty database of this scenario's own: on the machine's Postgres (DATABASE_URL) when set,
 * else on a private cluster. The API migrates it at start. `drop()` removes it.
 */
export async function scenarioDatabase() {
  let serverUrl = process.env.DATABASE_URL;
  let cluster;
  if (!serverUrl) {
    cluster = await startPostgresCluster();
    serverUrl = cluster.url;
  }
  const name = `auterity_faults_${randomBytes(5).toString('hex')}`;
  await adminQuery(serverUrl, `CREATE DATABASE ${name}`);
  const url = withDatabase(serverUrl, name);
  return {
    url,
    async drop() {
      if (cluster) return cluster.stop();
      await adminQuery(serverUrl, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`).catch(() => undefined);
    },
  };
}

/** A pg pool on `url` for assertions (few connections, quiet on errors). */
export function pool(url) {
  const p = new pg.Pool({ connectionString: url, max: 3 });
  p.on('error', () => undefined);
  return p;
}

function postgresBin() {
  const base = '/usr/lib/postgresql';
  const versions = existsSync(base)
    ? readdirSync(base)
        .filter((v) => existsSync(path.join(base, v, 'bin/initdb')))
        .sort((a, b) => Number(b) - Number(a))
    : [];
  if (versions.length === 0)
    throw new Error('No PostgreSQL server binaries under /usr/lib/postgresql (apt-get install postgresql)');
  return path.join(base, versions[0], 'bin');
}

/**
 * A private Postgres cluster in a temp dir on a free port (trust auth, unix socket in the dir): the
 * scenario may stop and start it without touching the machine's shared server. As root, initdb
 * refuses to run, so the cluster runs as the `postgres` user.
 */
export async function startPostgresCluster() {
  const bin = postgresBin();
  const dir = tempDir('auterity-faults-pg-');
  const asRoot = process.getuid?.() === 0;
  const asPostgres = (cmd, args) =>
    asRoot
      ? execFileSync('runuser', ['-u', 'postgres', '--', cmd, ...args], { stdio: 'pipe' })
      : execFileSync(cmd, args, { stdio: 'pipe' });
  if (asRoot) {
    const uid = Number(execFileSync('id', ['-u', 'postgres']).toString().trim());
    const gid = Number(execFileSync('id', ['-g', 'postgres']).toString().trim());
    chownSync(dir, uid, gid);
  }
  const data = path.join(dir, 'data');
  asPostgres(path.join(bin, 'initdb'), ['-D', data, '-A', 'trust', '-U', 'postgres', '-E', 'UTF8', '--no-instructions']);
  const port = await freePort();
  const options = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c max_connections=60 -c shared_buffers=16MB`;
  const ctl = (args) => asPostgres(path.join(bin, 'pg_ctl'), ['-D', data, ...args]);
  const cluster = {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    port,
    start() {
      ctl(['-l', path.join(dir, 'server.log'), '-w', '-t', '30', '-o', options, 'start']);
    },
    /** `immediate` is a crash (recovery replays the WAL at the next start); `fast` a clean stop. */
    stopNow(mode = 'immediate') {
      ctl(['-w', '-t', '30', '-m', mode, 'stop']);
    },
    stopSync() {
      try {
        if (existsSync(path.join(data, 'postmaster.pid'))) ctl(['-w', '-t', '10', '-m', 'immediate', 'stop']);
      } catch {
        // already stopped
      }
    },
    async stop() {
      cluster.stopSync();
      clusters.delete(cluster);
      rmSync(dir, { recursive: true, force: true });
      tempDirs.delete(dir);
    },
  };
  clusters.add(cluster);
  cluster.start();
  return cluster;
}

/** A private redis-server on a free port, no persistence; `stop()` / `start()` again on the same port. */
export async function startRedis() {
  const port = await freePort();
  const redis = {
    url: `redis://127.0.0.1:${port}`,
    port,
    proc: undefined,
    async start() {
      redis.proc = startProcess('redis-server', [
        '--port',
        String(port),
        '--bind',
        '127.0.0.1',
        '--save',
        '',
        '--appendonly',
        'no',
        '--daemonize',
        'no',
      ]);
      const up = await eventually(
        () =>
          new Promise((resolve) => {
            const s = net.connect(port, '127.0.0.1', () => {
              s.end();
              resolve(true);
            });
            s.on('error', () => resolve(false));
          }),
        (v) => v === true,
        10_000,
        50,
      );
      if (up !== true) throw new Error(`redis-server did not start: ${redis.proc.output()}`);
    },
    async stop() {
      if (redis.proc) await redis.proc.stop(5000);
    },
  };
  await redis.start();
  return redis;
}

/** Percentile of a numeric array (nearest rank). */
export function percentile(values, p) {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

/** One line per scenario in a shared results file, read by docs/performance.md's author. */
export function report(name, result) {
  process.stdout.write(`# fault ${name}: ${JSON.stringify(result)}\n`);
}
