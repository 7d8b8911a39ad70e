#!/usr/bin/env node
// `npm run bench`: HTTP throughput of the API against bare Node and bare Express baselines, then the
// studio in Chromium (bench/studio.mjs: sign-in JS, a 200-node editor, dragging).
//
//   node bench/run.mjs            full run: 2 s warm-up + 10 s measured, 50 connections per scenario
//   node bench/run.mjs --quick    smoke run: 3 s measured, no warm-up
//
// Env overrides: BENCH_DURATION_SEC, BENCH_CONNECTIONS, BENCH_TIMEOUT_SEC (global limit, default 900).
// DATABASE_URL / REDIS_URL are passed to the API when set; otherwise it runs embedded in a temp DATA_DIR.
//
// Each server is its own process pinned to core 1 and autocannon runs pinned to core 0 (when
// `taskset` exists and there are 2+ cores), so the load generator does not steal the server's CPU.
// Benchmarks report, they don't gate: the exit code is 0 whether the check passes or not, and
// non-zero only when the run itself failed (build, a server that never became ready, timeout).
// See bench/README.md for how to add a scenario.
import { execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const BENCH_DIR = path.resolve(ROOT, 'bench');
const RESULTS_DIR = path.resolve(BENCH_DIR, 'results');
const AUTOCANNON = path.resolve(ROOT, 'node_modules/autocannon/autocannon.js');
const BUILD_SCRIPT = path.resolve(ROOT, 'scripts/build.mjs');
const API_ENTRY = path.resolve(ROOT, 'apps/api/dist/main.js');

const HOST = '127.0.0.1';
const SERVER_CORE = 1;
const LOAD_CORE = 0;
const READY_TIMEOUT_MS = 30_000;
const STOP_GRACE_MS = 5_000;
/** Row every other row's req/s is divided by. */
const BASELINE_SCENARIO = 'express-hello';
/** The check printed at the end: this scenario must keep TARGET_RATIO of the baseline's req/s. */
const CHECK_SCENARIO = 'api /api/health';
const TARGET_RATIO = 0.7;

// ---------------------------------------------------------------------------------------------
// Servers: how to start each target. `command(ctx)` returns the script to run with this Node
// binary plus extra env; PORT and HOST are always set by the runner. `readyPath` must answer 200.
// ---------------------------------------------------------------------------------------------

/** The API bundle's command: production mode, fresh secrets, limits no benchmark reaches. */
function apiCommand(ctx, extraEnv = {}) {
  const env = {
    NODE_ENV: 'production',
    LOG_LEVEL: 'warn',
    JWT_SECRET: randomBytes(36).toString('base64url'), // 48 characters
    ENCRYPTION_KEY: randomBytes(32).toString('hex'), // 64 hex characters
    // The limiter runs on every request, but with limits no benchmark reaches.
    RATE_LIMIT_IP_PER_MIN: '100000000',
    RATE_LIMIT_AUTH_PER_MIN: '100000000',
    RATE_LIMIT_ACTOR_PER_MIN: '100000000',
    RATE_LIMIT_ORG_PER_MIN: '100000000',
    RATE_LIMIT_WEBHOOK_PER_MIN: '100000000',
    ...extraEnv,
  };
  if (process.env.DATABASE_URL) env.DATABASE_URL = process.env.DATABASE_URL;
  else env.DATA_DIR = ctx.makeTempDir('auterity-bench-data-');
  if (process.env.REDIS_URL) {
    env.REDIS_URL = process.env.REDIS_URL;
    // Queued executions are measured with worker processes of their own (measureQueued), so no
    // API process of the run takes jobs from the shared queue.
    env.RUN_WORKER_IN_API ??= 'false';
  }
  return {
    args: [API_ENTRY],
    env,
    // Recorded in the results; never the URLs themselves (they may hold credentials).
    info: {
      database: env.DATABASE_URL ? 'postgres' : 'embedded',
      redis: Boolean(env.REDIS_URL),
      rateLimit: env.RATE_LIMIT_ENABLED !== 'false',
    },
  };
}

/** @type {Record<string, { description: string, readyPath: string, command(ctx: ServerContext): { args: string[], env?: Record<string, string>, info?: Record<string, unknown> } }>} */
const servers = {
  'node-hello': {
    description: 'bare node:http, one JSON response',
    readyPath: '/',
    command: () => ({ args: [path.resolve(BENCH_DIR, 'servers/node-hello.mjs')] }),
  },
  'express-hello': {
    description: 'bare Express 5, one JSON route',
    readyPath: '/',
    command: () => ({ args: [path.resolve(BENCH_DIR, 'servers/express-hello.cjs')] }),
  },
  api: {
    description: 'Auterity API production bundle (apps/api/dist/main.js)',
    readyPath: '/api/health',
    command: (ctx) => apiCommand(ctx),
  },
  'api-queue': {
    description: 'the API bundle without an in-process worker (RUN_WORKER_IN_API=false): only queues executions',
    readyPath: '/api/health',
    command: (ctx) => apiCommand(ctx, { RUN_WORKER_IN_API: 'false' }),
  },
  'ai-upstream': {
    description: 'a fixed-answer OpenAI-compatible model server (the gateway bench upstream)',
    readyPath: '/v1/models',
    command: () => ({ args: [path.resolve(BENCH_DIR, 'servers/ai-upstream.mjs')] }),
  },
  'api-nolimit': {
    description: 'the same API bundle with RATE_LIMIT_ENABLED=false (to price the limiter)',
    readyPath: '/api/health',
    command: (ctx) => apiCommand(ctx, { RATE_LIMIT_ENABLED: 'false' }),
  },
};

/** Registers a fresh owner on `serverName` and returns the scenario's Authorization header. */
async function signedInHeaders(ctx, serverName) {
  const base = ctx.servers[serverName].url;
  const email = `bench-${Date.now()}-${Math.random().toString(36).slice(2)}@example.com`;
  const res = await fetch(`${base}/api/auth/register`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ organizationName: 'Bench', email, password: 'bench password 123' }),
  });
  if (res.status !== 201) throw new Error(`bench register failed on ${serverName}: ${res.status} ${await res.text()}`);
  const { token } = await res.json();
  return { headers: { authorization: `Bearer ${token}` } };
}

/** webhook → Transform (JSONata) → Respond: the engine's synchronous path, persisted with its steps. */
const WEBHOOK_GRAPH = {
  nodes: [
    { id: 'hook', type: 'trigger.webhook', position: { x: 0, y: 0 }, data: { config: {} } },
    {
      id: 'total',
      type: 'transform',
      position: { x: 200, y: 0 },
      data: { config: { expression: '{ "orderId": body.order.id, "total": $sum(body.order.items.price) }' } },
    },
    { id: 'reply', type: 'respond', position: { x: 400, y: 0 }, data: { config: { value: '{{ $ }}', status: 200 } } },
  ],
  edges: [
    { id: 'e1', source: 'hook', target: 'total' },
    { id: 'e2', source: 'total', target: 'reply' },
  ],
};

/** Creates one workflow on `serverName` (cached per server) and returns its id and webhook URL. */
async function benchWorkflow(ctx, serverName, canvasData) {
  ctx.cache ??= {};
  const key = `${serverName}:${JSON.stringify(canvasData).length}`;
  if (ctx.cache[key]) return ctx.cache[key];
  const { headers } = await signedInHeaders(ctx, serverName);
  const base = ctx.servers[serverName].url;
  const res = await fetch(`${base}/api/workflows`, {
    method: 'POST',
    headers: { ...headers, 'content-type': 'application/json' },
    body: JSON.stringify({ name: 'bench', canvasData }),
  });
  if (res.status !== 201) throw new Error(`bench workflow creation failed: ${res.status} ${await res.text()}`);
  const workflow = await res.json();
  ctx.cache[key] = { id: workflow.id, headers, webhookUrl: workflow.webhookPath ? base + workflow.webhookPath : null };
  return ctx.cache[key];
}

/** How many workflows the listing scenarios' organization holds (one page of the list). */
const LIST_WORKFLOWS = 20;

/** An owner whose organization holds LIST_WORKFLOWS workflows; the scenario lists them. */
async function listSetup(ctx) {
  ctx.cache ??= {};
  if (!ctx.cache.list) {
    const { headers } = await signedInHeaders(ctx, 'api');
    const base = ctx.servers.api.url;
    for (let i = 0; i < LIST_WORKFLOWS; i++) {
      const res = await fetch(`${base}/api/workflows`, {
        method: 'POST',
        headers: { ...headers, 'content-type': 'application/json' },
        body: JSON.stringify({ name: `listed ${i}`, description: 'one of the listed workflows', canvasData: QUEUED_GRAPH }),
      });
      if (res.status !== 201) throw new Error(`bench workflow creation failed: ${res.status} ${await res.text()}`);
    }
    ctx.cache.list = { url: `${base}/api/workflows?limit=${LIST_WORKFLOWS}`, headers };
  }
  return ctx.cache.list;
}

async function webhookSetup(ctx) {
  const { webhookUrl } = await benchWorkflow(ctx, 'api', WEBHOOK_GRAPH);
  return {
    url: webhookUrl,
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ order: { id: 42, items: [{ price: 2.5 }, { price: 4 }, { price: 10 }] } }),
  };
}

// ---------------------------------------------------------------------------------------------
// Scenarios: what autocannon hits, in order. Fields:
//   name          unique label (table, JSON)
//   server        key in `servers` that must be running (or `servers: [...]` for several)
//   path          request path on that server (shorthand for url)
//   url           absolute URL string, or (ctx) => URL, instead of server+path
//   setup(ctx)    optional async hook run once before the scenario, after servers are ready; may
//                 return { url, method, headers, body, connections } overrides (e.g. a login token)
//   connections?  defaults to BENCH_CONNECTIONS (50)
//   durationSec?  measured seconds for this scenario (ignored with --quick)
//   method?, headers? ({ name: value }), body? (string, or object sent as JSON)
// ---------------------------------------------------------------------------------------------

/** @type {Scenario[]} */
const scenarios = [
  { name: 'node-hello', server: 'node-hello', path: '/' },
  { name: 'express-hello', server: 'express-hello', path: '/' },
  { name: 'api /api/health', server: 'api', path: '/api/health' },
  {
    // JWT verify (remembered per token) + revocation check + the user (cached a few seconds), as
    // every signed-in page load does; limited per user and per organization (in Redis when set).
    name: 'api GET /api/auth/me',
    server: 'api',
    path: '/api/auth/me',
    setup: (ctx) => signedInHeaders(ctx, 'api'),
  },
  {
    // The same request on a twin server without the limiter, right after it: the difference
    // is what rate limiting costs.
    name: 'api GET /api/auth/me (no limiter)',
    server: 'api-nolimit',
    path: '/api/auth/me',
    setup: (ctx) => signedInHeaders(ctx, 'api-nolimit'),
  },
  {
    // The limiter's latency at 10 connections, where the server is not saturated: at 50 the p50
    // is mostly queueing, so any extra CPU shows up as whole milliseconds (LIMITER_COST below).
    name: 'api GET /api/auth/me (10 conns)',
    server: 'api',
    path: '/api/auth/me',
    connections: 10,
    setup: (ctx) => signedInHeaders(ctx, 'api'),
  },
  {
    name: 'api GET /api/auth/me (no limiter, 10 conns)',
    server: 'api-nolimit',
    path: '/api/auth/me',
    connections: 10,
    setup: (ctx) => signedInHeaders(ctx, 'api-nolimit'),
  },
  {
    // The studio's first signed-in list: JWT + rate limit + an organization-scoped query of a page
    // of workflows (the organization holds LIST_WORKFLOWS of them).
    name: 'api GET /api/workflows (100 conns)',
    server: 'api',
    connections: 100,
    setup: listSetup,
  },
  {
    // Many users at once: 1,000 open connections on the same authenticated list.
    name: 'api GET /api/workflows (1000 conns)',
    server: 'api',
    connections: 1000,
    setup: listSetup,
  },
  {
    // Every request is one whole execution: webhook lookup (cached), JSONata, Respond, and the
    // execution with its 3 steps inserted in one statement before the answer.
    name: 'webhook → transform → respond (10 conns)',
    server: 'api',
    connections: 10,
    durationSec: 15,
    setup: webhookSetup,
  },
  {
    name: 'webhook → transform → respond (100 conns)',
    server: 'api',
    connections: 100,
    durationSec: 15,
    setup: webhookSetup,
  },
];

/** Authenticated list and many-connection targets (issue 12: ≥ 35% of Express with p99 < 25 ms at 100; no errors and p99 < 250 ms at 1,000). */
const LIST_CHECKS = [
  { scenario: 'api GET /api/workflows (100 conns)', minRatio: 0.35, maxP99Ms: 25 },
  { scenario: 'api GET /api/workflows (1000 conns)', minRatio: 0, maxP99Ms: 250 },
];

function evaluateRatioChecks(rows, specs, unit) {
  const baseline = rows.find((r) => r.name === BASELINE_SCENARIO);
  return specs.map((spec) => {
    const row = rows.find((r) => r.name === spec.scenario);
    if (!row || !baseline) return { ...spec, pass: false, line: `${spec.scenario}: missing rows — FAIL` };
    const ratio = row.requestsPerSec / baseline.requestsPerSec;
    const pass = ratio >= spec.minRatio && row.latencyMs.p99 < spec.maxP99Ms && row.errors === 0;
    const target = spec.minRatio > 0 ? ` (target ≥ ${spec.minRatio * 100}%)` : '';
    return {
      ...spec,
      ratio: Number(ratio.toFixed(3)),
      pass,
      line:
        `${spec.scenario}: ${fmt(row.requestsPerSec, 0)} ${unit} = ${(ratio * 100).toFixed(1)}% of bare Express${target}, ` +
        `p99 ${row.latencyMs.p99} ms (target < ${spec.maxP99Ms}), errors ${row.errors} — ${pass ? 'PASS' : 'FAIL'}`,
    };
  });
}

/** Engine targets (issue: executions/s ≥ 25% of bare Express, p99 < 30 ms at 10 and < 150 ms at 100, no errors). */
const WEBHOOK_CHECKS = [
  { scenario: 'webhook → transform → respond (10 conns)', minRatio: 0.25, maxP99Ms: 30 },
  { scenario: 'webhook → transform → respond (100 conns)', minRatio: 0.25, maxP99Ms: 150 },
];

/** Manual trigger → Transform → Text, run through the queue by worker processes. */
const QUEUED_GRAPH = {
  nodes: [
    { id: 'start', type: 'trigger.manual', position: { x: 0, y: 0 }, data: { config: {} } },
    { id: 'calc', type: 'transform', position: { x: 200, y: 0 }, data: { config: { expression: '{ "n": n * 2 }' } } },
    { id: 'say', type: 'text', position: { x: 400, y: 0 }, data: { config: { text: 'n is {{ n }}' } } },
  ],
  edges: [
    { id: 'e1', source: 'start', target: 'calc' },
    { id: 'e2', source: 'calc', target: 'say' },
  ],
};

/**
 * Queued (async) throughput: N executions accepted with 202 by an API without a worker, then run
 * by `workers` worker processes (BullMQ); executions/s from the first request to the last one
 * finished. Needs DATABASE_URL and REDIS_URL (the durable path only exists in services mode).
 */
async function measureQueued(ctx, workers, total) {
  const api = ctx.servers['api-queue'];
  const { id, headers } = await benchWorkflow(ctx, 'api-queue', QUEUED_GRAPH);
  const env = apiCommand(
    { makeTempDir: () => '' },
    { RUN_WORKER_IN_API: 'false', WORKER_CONCURRENCY: '50', WORKER_CONCURRENCY_PER_ORG: '50' },
  ).env;
  const procs = [];
  for (let i = 0; i < workers; i++)
    procs.push(spawnTracked(`worker-${i}`, process.execPath, [API_ENTRY, '--worker'], { env: baseEnv(env) }));
  await timeout(1500); // workers connect
  const started = Date.now();
  let next = 0;
  const post = async () => {
    while (next < total) {
      next++;
      const res = await fetch(`${api.url}/api/workflows/${id}/execute`, {
        method: 'POST',
        headers: { ...headers, 'content-type': 'application/json' },
        body: JSON.stringify({ input: { n: next } }),
      });
      if (res.status !== 202) throw new Error(`queued bench: execute answered ${res.status}`);
      await res.arrayBuffer();
    }
  };
  await Promise.all(Array.from({ length: 20 }, post));
  const count = async (status) => {
    const res = await fetch(`${api.url}/api/executions?workflowId=${id}&status=${status}&limit=1`, { headers });
    return (await res.json()).items.length;
  };
  const deadline = Date.now() + 120_000;
  while ((await count('pending')) + (await count('running')) > 0 && Date.now() < deadline) await timeout(50);
  const elapsedSec = (Date.now() - started) / 1000;
  const failed = await count('failed');
  await Promise.all(procs.map(stopChild));
  ctx.cache = {}; // the next phase uses a fresh workflow
  return {
    workers,
    executions: total,
    elapsedSec: Number(elapsedSec.toFixed(2)),
    executionsPerSec: Number((total / elapsedSec).toFixed(1)),
    failed,
  };
}

// ---------------------------------------------------------------------------------------------
// AI gateway: what `POST /v1/chat/completions` adds over calling the model server directly.
// ---------------------------------------------------------------------------------------------

const GATEWAY_TARGET_P50_MS = 2;
const GATEWAY_MODEL = 'vllm/meta-llama/Llama-3.1-8B-Instruct';

function percentile(sorted, p) {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

/**
 * Starts a local OpenAI-compatible upstream and an API whose `vllm` provider points at it
 * (AI_BASE_URL_VLLM, the operator setting), then times one request at a time, alternating a
 * direct upstream call and the same call through the gateway (with an API key: auth, rate limit,
 * routing, budget check, provider SDK, usage row), so drift affects both sides alike.
 */
async function measureGateway(ctx, rounds) {
  const upstream = await startServer('ai-upstream');
  servers['api-gateway'] = {
    description: 'the API bundle with AI_BASE_URL_VLLM pointing at ai-upstream',
    readyPath: '/api/health',
    command: (c) => apiCommand(c, { AI_BASE_URL_VLLM: `${upstream.url}/v1` }),
  };
  const api = await startServer('api-gateway');
  ctx.servers['api-gateway'] = api;
  const { headers } = await signedInHeaders(ctx, 'api-gateway');
  const keyRes = await fetch(`${api.url}/api/api-keys`, {
    method: 'POST',
    headers: { ...headers, 'content-type': 'application/json' },
    body: JSON.stringify({ name: 'bench gateway', scopes: ['ai:invoke'] }),
  });
  if (keyRes.status !== 201) throw new Error(`gateway bench: API key creation answered ${keyRes.status}`);
  const { key } = await keyRes.json();
  const messages = [{ role: 'user', content: 'Say hello to the benchmark in one short sentence.' }];
  const direct = { url: `${upstream.url}/v1/chat/completions`, headers: { 'content-type': 'application/json' } };
  const gateway = {
    url: `${api.url}/v1/chat/completions`,
    headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
  };
  const once = async (target, model) => {
    const t0 = process.hrtime.bigint();
    const res = await fetch(target.url, { method: 'POST', headers: target.headers, body: JSON.stringify({ model, messages }) });
    const body = await res.json();
    const ms = Number(process.hrtime.bigint() - t0) / 1e6;
    if (res.status !== 200 || !body.choices?.[0]?.message?.content)
      throw new Error(`gateway bench: ${res.status} ${JSON.stringify(body)}`);
    return ms;
  };
  const warmup = Math.min(300, Math.ceil(rounds / 4));
  for (let i = 0; i < warmup; i++) {
    await once(direct, 'meta-llama/Llama-3.1-8B-Instruct');
    await once(gateway, GATEWAY_MODEL);
  }
  const a = [];
  const b = [];
  for (let i = 0; i < rounds; i++) {
    a.push(await once(direct, 'meta-llama/Llama-3.1-8B-Instruct'));
    b.push(await once(gateway, GATEWAY_MODEL));
  }
  a.sort((x, y) => x - y);
  b.sort((x, y) => x - y);
  const round = (n) => Number(n.toFixed(2));
  const result = {
    rounds,
    direct: { p50: round(percentile(a, 50)), p99: round(percentile(a, 99)) },
    gateway: { p50: round(percentile(b, 50)), p99: round(percentile(b, 99)) },
  };
  result.addedP50Ms = round(result.gateway.p50 - result.direct.p50);
  result.addedP99Ms = round(result.gateway.p99 - result.direct.p99);
  result.pass = result.addedP50Ms < GATEWAY_TARGET_P50_MS;
  result.line =
    `AI gateway added latency (${rounds} sequential calls each, keep-alive): p50 +${result.addedP50Ms} ms ` +
    `(direct ${result.direct.p50} ms, gateway ${result.gateway.p50} ms; target < ${GATEWAY_TARGET_P50_MS} ms: ${result.pass ? 'PASS' : 'FAIL'}), ` +
    `p99 +${result.addedP99Ms} ms (direct ${result.direct.p99} ms, gateway ${result.gateway.p99} ms)`;
  return result;
}

// ---------------------------------------------------------------------------------------------
// Memory and cold start
// ---------------------------------------------------------------------------------------------

const RSS_TARGET_MB = 250;
const COLD_START_TARGET_MS = 3000;

/** Resident set size of a process in MB (Linux /proc), or null where it cannot be read. */
function rssMb(pid) {
  try {
    const match = /^VmRSS:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number((Number(match[1]) / 1024).toFixed(1)) : null;
  } catch {
    return null;
  }
}

/** Samples a process's RSS every 200 ms until stopped; `stop()` returns the peak seen. */
function sampleRss(pid) {
  let peak = rssMb(pid);
  const timer = setInterval(() => {
    const now = rssMb(pid);
    if (now !== null && (peak === null || now > peak)) peak = now;
  }, 200);
  timer.unref();
  return {
    stop() {
      clearInterval(timer);
      return peak;
    },
  };
}

/**
 * `npm start` as a new user runs it: a fresh DATA_DIR (embedded database from the migrated
 * template), no secrets given; the time from spawning npm to the first 200 from /api/health.
 * npm runs in a process group of its own so that it and the API under it are stopped together.
 */
async function measureColdStart(runs) {
  const npm = hasCommand('npm') ? 'npm' : null;
  if (!npm) return { error: 'npm not found on PATH' };
  const times = [];
  for (let i = 0; i < runs; i++) {
    const dataDir = mkdtempSync(path.join(os.tmpdir(), 'auterity-bench-cold-'));
    tempDirs.push(dataDir);
    const port = await freePort();
    const t0 = process.hrtime.bigint();
    const child = spawn(npm, ['start', '--silent'], {
      cwd: ROOT,
      env: baseEnv({ PORT: String(port), HOST, DATA_DIR: dataDir, LOG_LEVEL: 'warn' }),
      stdio: 'ignore',
      detached: true,
    });
    const group = {
      name: 'cold-start',
      child,
      exited: new Promise((r) => child.once('exit', r)),
      output: () => '',
      stdout: () => '',
    };
    children.add(group);
    let ms = null;
    const deadline = Date.now() + READY_TIMEOUT_MS;
    while (Date.now() < deadline && child.exitCode === null) {
      try {
        const res = await request(`http://${HOST}:${port}/api/health`, { timeoutMs: 1000 });
        if (res.status === 200) {
          ms = Number(process.hrtime.bigint() - t0) / 1e6;
          break;
        }
      } catch {
        // not listening yet
      }
      await timeout(10);
    }
    try {
      process.kill(-child.pid, 'SIGTERM');
    } catch {
      // already gone
    }
    await Promise.race([group.exited, timeout(STOP_GRACE_MS)]);
    try {
      process.kill(-child.pid, 'SIGKILL');
    } catch {
      // gone
    }
    children.delete(group);
    if (ms === null) return { error: `npm start answered no 200 on /api/health within ${READY_TIMEOUT_MS / 1000} s` };
    times.push(Math.round(ms));
  }
  const sorted = [...times].sort((a, b) => a - b);
  const medianMs = sorted[Math.floor(sorted.length / 2)];
  const pass = medianMs < COLD_START_TARGET_MS;
  return {
    runs: times,
    medianMs,
    pass,
    line: `cold start of npm start to a 200 from /api/health (fresh DATA_DIR, embedded database): median ${medianMs} ms of ${times.join(', ')} ms (target < ${COLD_START_TARGET_MS} ms) — ${pass ? 'PASS' : 'FAIL'}`,
  };
}

// ---------------------------------------------------------------------------------------------
// Options
// ---------------------------------------------------------------------------------------------

function positiveIntFromEnv(name) {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return undefined;
  const value = Number(raw);
  if (!Number.isInteger(value) || value <= 0) throw new UsageError(`${name} must be a positive whole number (got "${raw}")`);
  return value;
}

class UsageError extends Error {}

function parseOptions(argv) {
  const known = new Set(['--quick', '--help', '-h']);
  const unknown = argv.filter((a) => !known.has(a));
  if (unknown.length > 0) throw new UsageError(`unknown argument(s): ${unknown.join(' ')} (try --help)`);
  const quick = argv.includes('--quick');
  return {
    help: argv.includes('--help') || argv.includes('-h'),
    quick,
    durationSec: positiveIntFromEnv('BENCH_DURATION_SEC') ?? (quick ? 3 : 10),
    warmupSec: quick ? 0 : 2,
    connections: positiveIntFromEnv('BENCH_CONNECTIONS') ?? 50,
    timeoutSec: positiveIntFromEnv('BENCH_TIMEOUT_SEC') ?? 900,
  };
}

const HELP = `Usage: node bench/run.mjs [--quick]

  --quick   3 s per scenario, no warm-up (smoke test)

Environment:
  BENCH_DURATION_SEC   measured seconds per scenario (default 10, 3 with --quick)
  BENCH_CONNECTIONS    concurrent connections (default 50)
  BENCH_TIMEOUT_SEC    abort the whole run after this long (default 900)
  DATABASE_URL         passed to the API (otherwise embedded database in a temp DATA_DIR)
  REDIS_URL            passed to the API when set
`;

// ---------------------------------------------------------------------------------------------
// Child processes: every one is tracked and killed by pid on exit, error, SIGINT or timeout.
// ---------------------------------------------------------------------------------------------

/** @type {Set<{ name: string, child: import('node:child_process').ChildProcess, exited: Promise<{ code: number | null, signal: string | null }>, output: () => string, stdout: () => string }>} */
const children = new Set();
const tempDirs = [];

function hasCommand(name) {
  try {
    execFileSync('/bin/sh', ['-c', `command -v ${name}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

const PINNING = hasCommand('taskset') && os.cpus().length >= 2;

/** [command, args] running `command args` on one core when pinning is available. */
function pinned(core, command, args) {
  return PINNING ? ['taskset', ['-c', String(core), command, ...args]] : [command, args];
}

/** Minimal, reproducible environment for children (no inherited NODE_OPTIONS, PORT, LOG_LEVEL...). */
function baseEnv(extra = {}) {
  // New organizations trial Enterprise (no plan limits): the benchmarks run far past Free's quotas.
  const env = { BENCH_PARENT_PID: String(process.pid), PLANS_FILE: path.join(ROOT, 'bench', 'plans.json') };
  for (const key of ['PATH', 'HOME', 'TMPDIR', 'LANG', 'TZ']) if (process.env[key] !== undefined) env[key] = process.env[key];
  return { ...env, ...extra };
}

/**
 * Spawns a tracked child. `keepStdout` keeps all of stdout (autocannon's JSON); otherwise only
 * the last few KB of combined output are kept for error messages.
 */
function spawnTracked(name, command, args, { env, keepStdout = false, inherit = false } = {}) {
  const child = spawn(command, args, {
    cwd: ROOT,
    env: env ?? baseEnv(),
    stdio: inherit ? ['ignore', 'inherit', 'inherit'] : ['ignore', 'pipe', 'pipe'],
  });
  let tail = '';
  const stdoutChunks = [];
  const keepTail = (chunk) => {
    tail = (tail + chunk.toString()).slice(-4000);
  };
  child.stdout?.on('data', (chunk) => (keepStdout ? stdoutChunks.push(chunk) : keepTail(chunk)));
  child.stderr?.on('data', keepTail);
  const exited = new Promise((resolve) => {
    child.once('error', (err) => {
      tail += `\n${err.message}`;
      resolve({ code: null, signal: null, error: err });
    });
    child.once('exit', (code, signal) => resolve({ code, signal }));
  });
  const entry = { name, child, exited, output: () => tail.trim(), stdout: () => Buffer.concat(stdoutChunks).toString() };
  children.add(entry);
  void exited.then(() => children.delete(entry));
  return entry;
}

function isRunning(entry) {
  return entry.child.exitCode === null && entry.child.signalCode === null && entry.child.pid !== undefined;
}

function signal(entry, sig) {
  try {
    process.kill(entry.child.pid, sig);
  } catch {
    // already gone
  }
}

function timeout(ms) {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}

/** SIGTERM, then SIGKILL after a grace period; resolves once the process is gone. */
async function stopChild(entry) {
  if (!isRunning(entry)) return;
  signal(entry, 'SIGTERM');
  const done = await Promise.race([entry.exited.then(() => true), timeout(STOP_GRACE_MS).then(() => false)]);
  if (!done && isRunning(entry)) {
    signal(entry, 'SIGKILL');
    await Promise.race([entry.exited, timeout(STOP_GRACE_MS)]);
  }
}

function removeTempDirs() {
  for (const dir of tempDirs.splice(0)) {
    try {
      rmSync(dir, { recursive: true, force: true });
    } catch {
      // best effort
    }
  }
}

async function cleanup() {
  await Promise.all([...children].map(stopChild));
  removeTempDirs();
}

// Last resort (process.exit from anywhere): no waiting possible, so SIGKILL whatever is left.
process.on('exit', () => {
  for (const entry of children) if (isRunning(entry)) signal(entry, 'SIGKILL');
  removeTempDirs();
});

let finishing = false;
/** Stops everything and exits; safe to call from signal handlers and the global timeout. */
async function finish(code, message) {
  if (finishing) return;
  finishing = true;
  if (message) process.stderr.write(`\n${message}\n`);
  await cleanup();
  process.exit(code);
}

// ---------------------------------------------------------------------------------------------
// HTTP helpers
// ---------------------------------------------------------------------------------------------

/** One request; resolves { status, headers, body } or rejects (also on timeout). */
function request(url, { method = 'GET', headers = {}, body, timeoutMs = 2000 } = {}) {
  return new Promise((resolve, reject) => {
    const payload = body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body);
    const req = http.request(
      url,
      {
        method,
        headers: {
          ...(payload !== undefined && typeof body !== 'string' ? { 'content-type': 'application/json' } : {}),
          ...headers,
          connection: 'close',
        },
        timeout: timeoutMs,
      },
      (res) => {
        const chunks = [];
        res.on('data', (c) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, body: Buffer.concat(chunks).toString() }));
        res.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(new Error(`timed out after ${timeoutMs} ms`)));
    req.on('error', reject);
    req.end(payload);
  });
}

const usedPorts = new Set();
/** A free TCP port on HOST, distinct from every other one handed out in this run. */
async function freePort() {
  for (;;) {
    const port = await new Promise((resolve, reject) => {
      const srv = net.createServer();
      srv.unref();
      srv.once('error', reject);
      srv.listen(0, HOST, () => {
        const { port: p } = srv.address();
        srv.close(() => resolve(p));
      });
    });
    if (!usedPorts.has(port)) {
      usedPorts.add(port);
      return port;
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Steps
// ---------------------------------------------------------------------------------------------

async function ensureBuild() {
  console.log('> node scripts/build.mjs --if-stale');
  const build = spawnTracked('build', process.execPath, [BUILD_SCRIPT, '--if-stale'], { env: { ...process.env }, inherit: true });
  const { code, signal: sig, error } = await build.exited;
  if (code !== 0) throw new Error(`build failed (${error ? error.message : sig ? `signal ${sig}` : `exit code ${code}`})`);
}

/**
 * @typedef {{ makeTempDir(prefix: string): string }} ServerContext
 * @typedef {{ name: string, url: string, port: number, pid: number, info?: Record<string, unknown> }} RunningServer
 */

/** Starts one registered server pinned to SERVER_CORE and waits until readyPath answers 200. */
async function startServer(name) {
  const def = servers[name];
  if (!def) throw new Error(`unknown server "${name}" (registered: ${Object.keys(servers).join(', ')})`);
  const port = await freePort();
  const ctx = {
    makeTempDir(prefix) {
      const dir = mkdtempSync(path.join(os.tmpdir(), prefix));
      tempDirs.push(dir);
      return dir;
    },
  };
  const { args, env = {}, info } = def.command(ctx);
  const [command, commandArgs] = pinned(SERVER_CORE, process.execPath, args);
  const entry = spawnTracked(name, command, commandArgs, { env: baseEnv({ ...env, PORT: String(port), HOST }) });
  const url = `http://${HOST}:${port}`;
  const readyUrl = url + def.readyPath;
  const deadline = Date.now() + READY_TIMEOUT_MS;
  let last = 'no answer yet';
  while (Date.now() < deadline) {
    if (!isRunning(entry)) {
      const { code, signal: sig } = await entry.exited;
      throw new Error(
        `server "${name}" exited before it was ready (${sig ? `signal ${sig}` : `exit code ${code}`})\n${indent(entry.output())}`,
      );
    }
    try {
      const res = await request(readyUrl, { timeoutMs: Math.max(100, Math.min(2000, deadline - Date.now())) });
      if (res.status === 200) return { name, url, port, pid: entry.child.pid, info };
      last = `status ${res.status}`;
    } catch (err) {
      last = err.code ?? err.message;
    }
    await timeout(100);
  }
  throw new Error(
    `server "${name}" did not answer 200 on GET ${readyUrl} within ${READY_TIMEOUT_MS / 1000} s (last: ${last})\n${indent(entry.output())}`,
  );
}

function indent(text) {
  return text
    ? text
        .split('\n')
        .map((l) => `    | ${l}`)
        .join('\n')
    : '    | (no output)';
}

/** Runs autocannon in its own process pinned to LOAD_CORE and returns its parsed JSON result. */
async function autocannon({ url, connections, durationSec, method, headers, body }) {
  const args = [AUTOCANNON, '--json', '-c', String(connections), '-d', String(durationSec)];
  const hdrs = { ...headers };
  let payload;
  if (body !== undefined) {
    payload = typeof body === 'string' ? body : JSON.stringify(body);
    if (typeof body !== 'string' && !Object.keys(hdrs).some((h) => h.toLowerCase() === 'content-type'))
      hdrs['content-type'] = 'application/json';
  }
  if (method && method.toUpperCase() !== 'GET') args.push('-m', method.toUpperCase());
  for (const [k, v] of Object.entries(hdrs)) args.push('-H', `${k}=${v}`);
  if (payload !== undefined) args.push('-b', payload);
  args.push(url);
  const [command, commandArgs] = pinned(LOAD_CORE, process.execPath, args);
  const entry = spawnTracked('autocannon', command, commandArgs, { keepStdout: true });
  const limitMs = (durationSec + 30) * 1000;
  const result = await Promise.race([entry.exited, timeout(limitMs).then(() => null)]);
  if (result === null) {
    await stopChild(entry);
    throw new Error(`autocannon did not finish within ${limitMs / 1000} s for ${url}`);
  }
  if (result.code !== 0) {
    throw new Error(
      `autocannon failed for ${url} (${result.signal ? `signal ${result.signal}` : `exit code ${result.code}`})\n${indent(entry.output())}`,
    );
  }
  const line = entry.stdout().trim().split('\n').filter(Boolean).pop();
  try {
    return JSON.parse(line);
  } catch {
    throw new Error(`autocannon printed no JSON result for ${url}\n${indent(entry.output() || entry.stdout())}`);
  }
}

function requiredServers(scenario) {
  return scenario.servers ?? (scenario.server ? [scenario.server] : []);
}

/** Turns a scenario definition into a concrete request, running its setup() if any. */
async function resolveScenario(scenario, ctx) {
  let url = typeof scenario.url === 'function' ? scenario.url(ctx) : scenario.url;
  if (!url && scenario.server && scenario.path !== undefined) url = ctx.servers[scenario.server].url + scenario.path;
  let spec = {
    url,
    method: scenario.method ?? 'GET',
    headers: scenario.headers ?? {},
    body: scenario.body,
    connections: scenario.connections ?? ctx.options.connections,
  };
  if (scenario.setup) spec = { ...spec, ...((await scenario.setup(ctx)) ?? {}) };
  if (!spec.url) throw new Error(`scenario "${scenario.name}" has no url (give url, server+path, or return url from setup())`);
  return spec;
}

function toRow(scenario, spec, result, durationSec) {
  return {
    name: scenario.name,
    server: scenario.server ?? null,
    method: spec.method,
    path: new URL(spec.url).pathname,
    connections: spec.connections,
    durationSec,
    requestsPerSec: result.requests.mean,
    latencyMs: { p50: result.latency.p50, p99: result.latency.p99, mean: result.latency.average, max: result.latency.max },
    errors: result.errors + result.non2xx + result.timeouts,
    errorBreakdown: { errors: result.errors, non2xx: result.non2xx, timeouts: result.timeouts },
    totalRequests: result.requests.total,
    throughputBytesPerSec: result.throughput.mean,
    ratioToExpress: null,
  };
}

// ---------------------------------------------------------------------------------------------
// Report
// ---------------------------------------------------------------------------------------------

function fmt(n, digits = 2) {
  return typeof n === 'number' && Number.isFinite(n) ? n.toFixed(digits) : '-';
}

/** autocannon reports latency percentiles in whole milliseconds; don't print fake decimals. */
function fmtMs(n) {
  return typeof n === 'number' && Number.isFinite(n) ? String(Number(n.toFixed(2))) : '-';
}

function printTable(rows) {
  const header = ['scenario', 'req/s (mean)', 'p50 ms', 'p99 ms', 'errors', 'vs express'];
  const body = rows.map((r) => [
    r.name,
    fmt(r.requestsPerSec, 0),
    fmtMs(r.latencyMs.p50),
    fmtMs(r.latencyMs.p99),
    String(r.errors),
    fmt(r.ratioToExpress),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((row) => row[i].length)));
  const line = (cells) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
  console.log(line(header));
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const row of body) console.log(line(row));
}

/** The target: CHECK_SCENARIO keeps TARGET_RATIO of the baseline's req/s, without errors. */
function evaluateCheck(rows) {
  const row = rows.find((r) => r.name === CHECK_SCENARIO);
  const baseline = rows.find((r) => r.name === BASELINE_SCENARIO);
  if (!row || !baseline || !(baseline.requestsPerSec > 0)) {
    return {
      scenario: CHECK_SCENARIO,
      target: TARGET_RATIO,
      ratio: null,
      pass: false,
      line: `${CHECK_SCENARIO}: no comparison possible (missing rows) — FAIL`,
    };
  }
  const ratio = row.requestsPerSec / baseline.requestsPerSec;
  const errorFree = row.errors === 0 && baseline.errors === 0;
  const pass = ratio >= TARGET_RATIO && errorFree;
  const percent = (ratio * 100).toFixed(1);
  const note = errorFree ? '' : ` (errors during the run: ${row.errors} in ${row.name}, ${baseline.errors} in ${baseline.name})`;
  return {
    scenario: CHECK_SCENARIO,
    baseline: BASELINE_SCENARIO,
    target: TARGET_RATIO,
    ratio: Number(ratio.toFixed(4)),
    pass,
    line: `${CHECK_SCENARIO} keeps ${percent}% of bare Express (target ≥ ${TARGET_RATIO * 100}%) — ${pass ? 'PASS' : 'FAIL'}${note}`,
  };
}

/** Authentication must stay cheap: the signed-in read keeps within 1.5× the p50 latency of health. */
const AUTH_CHECK = { scenario: 'api GET /api/auth/me', reference: 'api /api/health', maxP50Ratio: 1.5 };

function evaluateLatencyCheck(rows, spec) {
  const row = rows.find((r) => r.name === spec.scenario);
  const reference = rows.find((r) => r.name === spec.reference);
  if (!row || !reference) return { ...spec, pass: false, line: `${spec.scenario}: no comparison possible (missing rows) — FAIL` };
  // autocannon reports whole milliseconds; a sub-millisecond reference counts as 1 ms.
  const ratio = row.latencyMs.p50 / Math.max(reference.latencyMs.p50, 1);
  const pass = ratio <= spec.maxP50Ratio && row.errors === 0;
  return {
    ...spec,
    ratio: Number(ratio.toFixed(2)),
    pass,
    line: `${spec.scenario} p50 ${row.latencyMs.p50} ms = ${ratio.toFixed(2)}× ${spec.reference} p50 ${reference.latencyMs.p50} ms (target ≤ ${spec.maxP50Ratio}×) — ${pass ? 'PASS' : 'FAIL'}`,
  };
}

/** What the rate limiter costs a signed-in request: the same route with and without it. */
const LIMITER_COST = { scenario: 'api GET /api/auth/me (10 conns)', reference: 'api GET /api/auth/me (no limiter, 10 conns)' };

/**
 * Reports (never gates) the limiter's cost: p50 and mean latency differences, and the server
 * time per request derived from throughput (1/rps with − 1/rps without, one serving core).
 */
function evaluateLimiterCost(rows, spec) {
  const row = rows.find((r) => r.name === spec.scenario);
  const reference = rows.find((r) => r.name === spec.reference);
  if (!row || !reference || !(row.requestsPerSec > 0) || !(reference.requestsPerSec > 0)) {
    return { ...spec, line: 'rate limiter cost: no comparison possible (missing rows)' };
  }
  const p50CostMs = row.latencyMs.p50 - reference.latencyMs.p50;
  const meanCostMs = row.latencyMs.mean - reference.latencyMs.mean;
  const perRequestUs = (1 / row.requestsPerSec - 1 / reference.requestsPerSec) * 1e6;
  const throughputChange = row.requestsPerSec / reference.requestsPerSec - 1;
  const signed = (n, digits) => `${n >= 0 ? '+' : ''}${n.toFixed(digits)}`;
  return {
    ...spec,
    p50CostMs: Number(p50CostMs.toFixed(2)),
    meanCostMs: Number(meanCostMs.toFixed(3)),
    perRequestUs: Number(perRequestUs.toFixed(1)),
    throughputChange: Number(throughputChange.toFixed(4)),
    errors: row.errors + reference.errors,
    line:
      `rate limiter cost on GET /api/auth/me at ${row.connections} connections: p50 ${signed(p50CostMs, 0)} ms (${row.latencyMs.p50} vs ${reference.latencyMs.p50}; target < 1 ms: ${p50CostMs < 1 ? 'PASS' : 'FAIL'}), ` +
      `mean ${signed(meanCostMs, 2)} ms, ≈ ${signed(perRequestUs, 0)} µs server time per request, ` +
      `throughput ${signed(throughputChange * 100, 1)}%`,
  };
}

function machineInfo() {
  const cpus = os.cpus();
  let commit = null;
  try {
    commit = execFileSync('git', ['rev-parse', 'HEAD'], { cwd: ROOT, stdio: ['ignore', 'pipe', 'ignore'] })
      .toString()
      .trim();
  } catch {
    // not a git checkout
  }
  return {
    cpuModel: cpus[0]?.model ?? 'unknown',
    cpuCount: cpus.length,
    node: process.version,
    totalMemBytes: os.totalmem(),
    platform: `${os.platform()} ${os.release()} ${os.arch()}`,
    loadAvg: os.loadavg().map((n) => Number(n.toFixed(2))),
    pinning: PINNING ? { servers: SERVER_CORE, loadGenerator: LOAD_CORE, tool: 'taskset' } : null,
    gitCommit: commit,
  };
}

function writeResults(report) {
  mkdirSync(RESULTS_DIR, { recursive: true });
  const stamp = report.startedAt.replace(/:/g, '-');
  const file = path.join(RESULTS_DIR, `${stamp}.json`);
  const json = `${JSON.stringify(report, null, 2)}\n`;
  writeFileSync(file, json);
  writeFileSync(path.join(RESULTS_DIR, 'latest.json'), json);
  return file;
}

// ---------------------------------------------------------------------------------------------
// Main
// ---------------------------------------------------------------------------------------------

async function main() {
  const options = parseOptions(process.argv.slice(2));
  if (options.help) {
    process.stdout.write(HELP);
    return;
  }
  const startedAt = new Date().toISOString();
  setTimeout(
    () => void finish(1, `bench: aborted, the run exceeded BENCH_TIMEOUT_SEC=${options.timeoutSec} s`),
    options.timeoutSec * 1000,
  ).unref();

  const names = new Set();
  for (const s of scenarios) {
    if (names.has(s.name)) throw new Error(`duplicate scenario name "${s.name}"`);
    names.add(s.name);
  }

  await ensureBuild();

  const machine = machineInfo();
  console.log(
    `\nmachine: ${machine.cpuCount} × ${machine.cpuModel}, node ${machine.node}, ${(machine.totalMemBytes / 2 ** 30).toFixed(1)} GiB`,
  );
  console.log(
    PINNING
      ? `pinning: servers on core ${SERVER_CORE}, autocannon on core ${LOAD_CORE} (taskset)`
      : 'pinning: off (taskset not found or fewer than 2 cores); numbers are noisier',
  );
  console.log(
    `params:  ${options.connections} connections, ${options.durationSec} s per scenario, ` +
      `${options.warmupSec ? `${options.warmupSec} s warm-up` : 'no warm-up'}${options.quick ? ' (--quick)' : ''}`,
  );

  const needed = [...new Set(scenarios.flatMap(requiredServers))];
  if (process.env.DATABASE_URL && process.env.REDIS_URL) needed.push('api-queue');
  console.log(`\nstarting servers: ${needed.join(', ')}`);
  const started = await Promise.all(needed.map(startServer));
  const running = Object.fromEntries(started.map((s) => [s.name, s]));
  for (const s of started)
    console.log(`  ${s.name.padEnd(14)} ${s.url}  pid ${s.pid}${s.info ? `  ${JSON.stringify(s.info)}` : ''}`);

  const ctx = { root: ROOT, options, servers: running, request };
  await timeout(1000); // settle after start-up before reading the idle RSS
  const idleRssMb = rssMb(running.api.pid);
  const rssSampler = sampleRss(running.api.pid);
  const rows = [];
  for (const scenario of scenarios) {
    const spec = await resolveScenario(scenario, ctx);
    const durationSec = options.quick ? options.durationSec : (scenario.durationSec ?? options.durationSec);
    if (options.warmupSec > 0) {
      process.stdout.write(`\n${scenario.name}: warm-up ${options.warmupSec} s... `);
      await autocannon({ ...spec, durationSec: options.warmupSec });
      // The warm-up's clients are gone, but the server still works off what they had queued
      // (up to one request per connection): let it finish before the measured run starts.
      await timeout(Math.max(1000, spec.connections * 4));
      process.stdout.write(`measuring ${durationSec} s... `);
    } else {
      process.stdout.write(`\n${scenario.name}: measuring ${durationSec} s... `);
    }
    const result = await autocannon({ ...spec, durationSec });
    const row = toRow(scenario, spec, result, durationSec);
    rows.push(row);
    process.stdout.write(`${fmt(row.requestsPerSec, 0)} req/s`);
  }
  console.log('\n');
  const peakRssMb = rssSampler.stop();
  const memory = {
    server: 'api',
    idleMb: idleRssMb,
    peakUnderLoadMb: peakRssMb,
    pass: peakRssMb !== null && peakRssMb < RSS_TARGET_MB,
  };
  memory.line =
    `api RSS (${running.api.info?.database ?? 'unknown'} database): idle ${idleRssMb ?? '-'} MB, peak under the scenarios' load ${peakRssMb ?? '-'} MB ` +
    `(target < ${RSS_TARGET_MB} MB) — ${memory.pass ? 'PASS' : 'FAIL'}`;

  const baseline = rows.find((r) => r.name === BASELINE_SCENARIO);
  for (const row of rows) {
    row.ratioToExpress =
      baseline && baseline.requestsPerSec > 0 ? Number((row.requestsPerSec / baseline.requestsPerSec).toFixed(2)) : null;
  }
  printTable(rows);
  const check = evaluateCheck(rows);
  const authCheck = evaluateLatencyCheck(rows, AUTH_CHECK);
  const limiterCost = evaluateLimiterCost(rows, LIMITER_COST);
  const webhookChecks = evaluateRatioChecks(rows, WEBHOOK_CHECKS, 'executions/s');
  const listChecks = evaluateRatioChecks(rows, LIST_CHECKS, 'req/s');
  console.log(`\n${check.line}`);
  console.log(authCheck.line);
  console.log(limiterCost.line);
  for (const c of [...listChecks, ...webhookChecks]) console.log(c.line);
  console.log(memory.line);

  let queued = null;
  if (process.env.DATABASE_URL && process.env.REDIS_URL) {
    const total = options.quick ? 300 : 2000;
    queued = [];
    for (const workers of [1, 2]) {
      process.stdout.write(`\nqueued executions with ${workers} worker(s): ${total} executions... `);
      const result = await measureQueued(ctx, workers, total);
      queued.push(result);
      process.stdout.write(
        `${result.executionsPerSec} executions/s (${result.elapsedSec} s, ${result.failed ? 'some failed' : 'none failed'})`,
      );
    }
    console.log('');
  } else {
    console.log('queued executions: skipped (needs DATABASE_URL and REDIS_URL: the queue is BullMQ on Redis)');
  }

  process.stdout.write('\nAI gateway: ');
  const gateway = await measureGateway(ctx, options.quick ? 300 : 2000);
  console.log(gateway.line);

  await cleanup();

  process.stdout.write('\ncold start: ');
  const coldStart = await measureColdStart(options.quick ? 1 : 3);
  console.log(coldStart.line ?? `failed: ${coldStart.error}`);

  console.log('');
  const studio = await measureStudio();
  console.log('');
  const analytics = await measureAnalytics();
  console.log('');
  const collaboration = await measureCollab();

  const file = writeResults({
    startedAt,
    finishedAt: new Date().toISOString(),
    machine,
    params: {
      quick: options.quick,
      connections: options.connections,
      durationSec: options.durationSec,
      warmupSec: options.warmupSec,
      host: HOST,
      servers: Object.fromEntries(started.map((s) => [s.name, { description: servers[s.name].description, ...(s.info ?? {}) }])),
    },
    rows,
    check,
    checks: [check, authCheck, ...listChecks, ...webhookChecks],
    limiterCost,
    memory,
    coldStart,
    queued,
    gateway,
    studio,
    analytics,
    collaboration,
  });
  console.log(`results: ${path.relative(ROOT, file)} (and bench/results/latest.json)`);
}

/**
 * The studio's numbers in Chromium (bench/studio.mjs, its own API and browser, at most 60 s): sign-in
 * JS, opening a 200-node workflow, longest task while dragging. A failed run is reported, not fatal.
 */
async function measureStudio() {
  const jsonFile = path.join(os.tmpdir(), `auterity-studio-bench-${process.pid}.json`);
  const entry = spawnTracked('studio', process.execPath, [path.resolve(BENCH_DIR, 'studio.mjs'), '--json', jsonFile], {
    inherit: true,
  });
  const { code } = await entry.exited;
  try {
    if (code !== 0) return { error: `bench/studio.mjs exited with ${code}` };
    return JSON.parse(readFileSync(jsonFile, 'utf8'));
  } catch (err) {
    return { error: err instanceof Error ? err.message : String(err) };
  } finally {
    rmSync(jsonFile, { force: true });
  }
}

/**
 * Analytics endpoints at volume (bench/analytics.mjs: seeds 1,000,000 requests and 100,000
 * executions into a database of its own; needs DATABASE_URL). A failed run is reported, not fatal.
 */
async function measureAnalytics() {
  const jsonFile = path.join(os.tmpdir(), `auterity-analytics-bench-${process.pid}.json`);
  const services = Object.fromEntries(
    ['DATABASE_URL', 'REDIS_URL'].filter((k) => process.env[k]).map((k) => [k, process.env[k]]),
  );
  const entry = spawnTracked('analytics', process.execPath, [path.resolve(BENCH_DIR, 'analytics.mjs'), '--json', jsonFile], {
    env: baseEnv(services),
    inherit: true,
  });
  const { code } = await entry.exited;
  try {
    if (code !== 0) return { error: `bench/analytics.mjs exited with ${code}` };
    return JSON.parse(readFileSync(jsonFile, 'utf8'));
  } catch (err) {
    return { error: err instanceof Error ? err.message : String(err) };
  } finally {
    rmSync(jsonFile, { force: true });
  }
}

/**
 * Real-time collaboration (bench/collab.mjs: 1,000 WebSocket clients over 50 documents on one API,
 * update fan-out p50/p99 and server memory). A failed run is reported, not fatal.
 */
async function measureCollab() {
  const jsonFile = path.join(os.tmpdir(), `auterity-collab-bench-${process.pid}.json`);
  const services = Object.fromEntries(
    ['DATABASE_URL', 'REDIS_URL'].filter((k) => process.env[k]).map((k) => [k, process.env[k]]),
  );
  const entry = spawnTracked('collaboration', process.execPath, [path.resolve(BENCH_DIR, 'collab.mjs'), '--json', jsonFile], {
    env: baseEnv(services),
    inherit: true,
  });
  const { code } = await entry.exited;
  try {
    if (code !== 0) return { error: `bench/collab.mjs exited with ${code}` };
    return JSON.parse(readFileSync(jsonFile, 'utf8'));
  } catch (err) {
    return { error: err instanceof Error ? err.message : String(err) };
  } finally {
    rmSync(jsonFile, { force: true });
  }
}

process.on('SIGINT', () => void finish(130, 'bench: interrupted, stopping child processes'));
process.on('SIGTERM', () => void finish(143, 'bench: terminated, stopping child processes'));
process.on('SIGHUP', () => void finish(129, 'bench: hang-up, stopping child processes'));

main().then(
  () => finish(0),
  (err) => {
    if (err instanceof UsageError) return finish(2, `bench: ${err.message}`);
    return finish(1, `bench: ${err instanceof Error ? err.message : String(err)}`);
  },
);
