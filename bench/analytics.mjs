#!/usr/bin/env node
// Analytics endpoints at volume: seeds 1,000,000 api_requests rows and 100,000 executions (with
// their steps, AI calls and errors; bench/seed-analytics.sql, generate_series) into a database of
// its own, starts the API bundle on it, and measures each analytics endpoint's latency over the
// last 24 hours, 7 days and 30 days. Target (issue 9): every endpoint under 300 ms (p95 here).
// `npm run bench` runs it when DATABASE_URL is set; it also runs alone:
//
//   DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres node bench/analytics.mjs [--json FILE]
//
// It creates (and drops at the end) a database `auterity_bench_analytics_<random>` on that server;
// the database named in DATABASE_URL is only used to issue CREATE/DROP DATABASE. REDIS_URL is passed
// on when set. Exit code 0 whether the target passes or not; non-zero only if the run itself failed.
// Bounded: stops itself after ANALYTICS_BENCH_TIMEOUT_SEC (default 240) and cleans up.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const API_ENTRY = path.resolve(ROOT, 'apps/api/dist/main.js');
const SEED_SQL = path.resolve(ROOT, 'bench/seed-analytics.sql');
const HOST = '127.0.0.1';
const TIMEOUT_SEC = Number(process.env.ANALYTICS_BENCH_TIMEOUT_SEC ?? 240);
const TARGET_MS = 300;
const WARMUP = 3;
const RUNS = 15;
const ENDPOINTS = ['requests', 'executions', 'ai', 'errors'];
const RANGES = [
  ['24h', 24],
  ['7d', 24 * 7],
  ['30d', 24 * 30],
];

const cleanups = [];
async function cleanup() {
  while (cleanups.length > 0) {
    try {
      await cleanups.pop()();
    } catch {
      // Best effort: the rest still has to be stopped.
    }
  }
}

function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, HOST, () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

async function adminQuery(sql) {
  const client = new pg.Client({ connectionString: process.env.DATABASE_URL });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

async function createDatabase() {
  const name = `auterity_bench_analytics_${randomBytes(5).toString('hex')}`;
  await adminQuery(`CREATE DATABASE ${name}`);
  cleanups.push(() => adminQuery(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
  const url = new URL(process.env.DATABASE_URL);
  url.pathname = `/${name}`;
  return url.toString();
}

async function startApi(databaseUrl) {
  const port = await freePort();
  const child = spawn(process.execPath, [API_ENTRY], {
    cwd: ROOT,
    stdio: ['ignore', 'ignore', 'pipe'],
    env: {
      PATH: process.env.PATH,
      NODE_ENV: 'production',
      LOG_LEVEL: 'warn',
      HOST,
      PORT: String(port),
      DATABASE_URL: databaseUrl,
      ...(process.env.REDIS_URL ? { REDIS_URL: process.env.REDIS_URL, RUN_WORKER_IN_API: 'false' } : {}),
      JWT_SECRET: randomBytes(36).toString('base64url'),
      ENCRYPTION_KEY: randomBytes(32).toString('hex'),
      RATE_LIMIT_ENABLED: 'false',
    },
  });
  let stderr = '';
  child.stderr.on('data', (chunk) => (stderr = (stderr + chunk).slice(-2000)));
  const exited = new Promise((resolve) => child.once('exit', resolve));
  cleanups.push(async () => {
    if (child.exitCode !== null) return;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
    await exited;
    clearTimeout(timer);
  });
  const base = `http://${HOST}:${port}`;
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    try {
      if ((await fetch(`${base}/api/health`)).ok) return base;
    } catch {
      // Not listening yet.
    }
    await new Promise((r) => setTimeout(r, 150));
  }
  throw new Error(`API not ready at ${base}\n${stderr}`);
}

async function register(base) {
  const email = `bench-analytics-${Date.now()}@example.com`;
  const res = await fetch(`${base}/api/auth/register`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ organizationName: 'Analytics bench', email, password: 'bench password 123', firstName: 'Bench' }),
  });
  const body = await res.json();
  if (res.status !== 201) throw new Error(`register: ${res.status} ${JSON.stringify(body)}`);
  return { token: body.token, organizationId: body.user.organizationId, userId: body.user.id };
}

/** Loads the seed: psql-style :'org' / :'user' variables become the (validated) ids. */
async function seed(databaseUrl, owner) {
  const uuid = /^[0-9a-f-]{36}$/;
  if (!uuid.test(owner.organizationId) || !uuid.test(owner.userId)) throw new Error('unexpected ids');
  const sql = readFileSync(SEED_SQL, 'utf8')
    .replaceAll(":'org'", `'${owner.organizationId}'`)
    .replaceAll(":'user'", `'${owner.userId}'`);
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const started = Date.now();
    await client.query('BEGIN');
    await client.query(sql);
    await client.query('COMMIT');
    const { rows } = await client.query(
      'SELECT (SELECT count(*) FROM api_requests) AS requests, (SELECT count(*) FROM workflow_executions) AS executions',
    );
    return { seconds: (Date.now() - started) / 1000, requests: Number(rows[0].requests), executions: Number(rows[0].executions) };
  } finally {
    await client.end();
  }
}

const percentile = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)];

async function measure(base, token, endpoint, hours) {
  const to = new Date();
  const from = new Date(to.getTime() - hours * 3600_000);
  const url = `${base}/api/analytics/${endpoint}?from=${from.toISOString()}&to=${to.toISOString()}`;
  const times = [];
  for (let i = 0; i < WARMUP + RUNS; i++) {
    const started = performance.now();
    const res = await fetch(url, { headers: { authorization: `Bearer ${token}` } });
    const body = await res.text();
    if (res.status !== 200) throw new Error(`${endpoint}: ${res.status} ${body.slice(0, 300)}`);
    if (i >= WARMUP) times.push(performance.now() - started);
  }
  times.sort((a, b) => a - b);
  return { p50Ms: Math.round(percentile(times, 0.5) * 10) / 10, p95Ms: Math.round(percentile(times, 0.95) * 10) / 10 };
}

async function main() {
  const jsonAt = process.argv.indexOf('--json');
  const jsonFile = jsonAt === -1 ? undefined : process.argv[jsonAt + 1];
  if (!process.env.DATABASE_URL) {
    console.log('analytics: skipped (needs DATABASE_URL: 1,000,000 rows are seeded into a Postgres database of its own)');
    if (jsonFile) writeFileSync(jsonFile, JSON.stringify({ skipped: 'needs DATABASE_URL' }));
    return;
  }
  const databaseUrl = await createDatabase();
  const base = await startApi(databaseUrl);
  const owner = await register(base);
  process.stdout.write('analytics: seeding 1,000,000 api_requests and 100,000 executions… ');
  const seeded = await seed(databaseUrl, owner);
  console.log(
    `${seeded.requests.toLocaleString('en')} requests, ${seeded.executions.toLocaleString('en')} executions in ${seeded.seconds.toFixed(1)} s`,
  );
  const rows = [];
  for (const endpoint of ENDPOINTS) {
    for (const [label, hours] of RANGES) {
      const r = await measure(base, owner.token, endpoint, hours);
      rows.push({ endpoint: `/api/analytics/${endpoint}`, range: label, ...r, pass: r.p95Ms < TARGET_MS });
    }
  }
  console.log(
    `\n${'endpoint'.padEnd(28)}${'range'.padEnd(7)}${'p50 ms'.padStart(9)}${'p95 ms'.padStart(9)}  target < ${TARGET_MS} ms (p95)`,
  );
  for (const r of rows) {
    console.log(
      `${r.endpoint.padEnd(28)}${r.range.padEnd(7)}${String(r.p50Ms).padStart(9)}${String(r.p95Ms).padStart(9)}  ${r.pass ? 'PASS' : 'FAIL'}`,
    );
  }
  const pass = rows.every((r) => r.pass);
  console.log(
    `analytics: ${pass ? 'PASS' : 'FAIL'} (every endpoint and range p95 < ${TARGET_MS} ms, ${RUNS} sequential calls each after ${WARMUP} warm-up)`,
  );
  if (jsonFile) writeFileSync(jsonFile, JSON.stringify({ targetMs: TARGET_MS, seeded, rows, pass }, null, 2));
}

const timer = setTimeout(() => {
  console.error(`analytics bench: timed out after ${TIMEOUT_SEC} s`);
  void cleanup().then(() => process.exit(1));
}, TIMEOUT_SEC * 1000);
timer.unref();
process.on('SIGINT', () => void cleanup().then(() => process.exit(130)));
process.on('SIGTERM', () => void cleanup().then(() => process.exit(143)));

main().then(
  async () => {
    await cleanup();
    process.exit(0);
  },
  async (err) => {
    console.error(`analytics bench: ${err instanceof Error ? err.message : String(err)}`);
    await cleanup();
    process.exit(1);
  },
);
