#!/usr/bin/env node
// Real-time collaboration at load: 1,000 concurrent WebSocket clients (Hocuspocus providers, one
// socket each) on one API instance over 50 workflow documents. In each document one client writes
// an edit every 500 ms; every other client of that document measures how long the edit took to
// reach it (update fan-out latency, p50/p99; target p99 under 100 ms). Also reports the server's
// resident memory before and with the clients connected. `npm run bench` runs it; it also runs alone:
//
//   node bench/collab.mjs [--json FILE]      (COLLAB_BENCH_CLIENTS, _DOCUMENTS, _SECONDS override)
//
// Uses DATABASE_URL / REDIS_URL when set, otherwise the embedded database in a temp DATA_DIR.
// Needs the API bundle (npm run build). Exit code 0 whether the target passes or not; non-zero only
// if the run itself failed. Bounded: stops itself after COLLAB_BENCH_TIMEOUT_SEC (default 240).
import { execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { HocuspocusProvider, HocuspocusProviderWebsocket } from '@hocuspocus/provider';
import WebSocket from 'ws';
import * as Y from 'yjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const API_ENTRY = path.resolve(ROOT, 'apps/api/dist/main.js');
const HOST = '127.0.0.1';
const CLIENTS = Number(process.env.COLLAB_BENCH_CLIENTS ?? 1000);
const DOCUMENTS = Number(process.env.COLLAB_BENCH_DOCUMENTS ?? 50);
const SECONDS = Number(process.env.COLLAB_BENCH_SECONDS ?? 15);
const TIMEOUT_SEC = Number(process.env.COLLAB_BENCH_TIMEOUT_SEC ?? 240);
const EDIT_INTERVAL_MS = 500;
const CONNECT_BATCH = 50;
const TARGET_P99_MS = 100;

const cleanups = [];
async function cleanup() {
  while (cleanups.length > 0) {
    try {
      await cleanups.pop()();
    } catch {
      // keep cleaning up
    }
  }
}

function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.listen(0, HOST, () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
    server.on('error', reject);
  });
}

function hasTaskset() {
  try {
    execFileSync('taskset', ['-V'], { stdio: 'ignore' });
    return os.cpus().length > 1;
  } catch {
    return false;
  }
}

/** The server's resident set size in MB (Linux /proc), or null elsewhere. */
function rssMb(pid) {
  try {
    const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Math.round(Number(match[1]) / 1024) : null;
  } catch {
    return null;
  }
}

async function startApi() {
  const port = await freePort();
  const env = {
    PATH: process.env.PATH ?? '',
    NODE_ENV: 'production',
    LOG_LEVEL: 'warn',
    HOST,
    PORT: String(port),
    JWT_SECRET: randomBytes(36).toString('base64url'),
    ENCRYPTION_KEY: randomBytes(32).toString('hex'),
    RATE_LIMIT_ENABLED: 'false',
    COLLAB_CONNECTIONS_PER_ORG: '100000',
    // The bench catalog's trial is Enterprise: no limit on people per canvas.
    PLANS_FILE: path.resolve(ROOT, 'bench/plans.json'),
    COLLAB_MESSAGES_PER_SEC: '10000',
  };
  if (process.env.DATABASE_URL) env.DATABASE_URL = process.env.DATABASE_URL;
  else {
    env.DATA_DIR = mkdtempSync(path.join(os.tmpdir(), 'auterity-collab-bench-'));
    cleanups.push(async () => rmSync(env.DATA_DIR, { recursive: true, force: true }));
  }
  if (process.env.REDIS_URL) {
    env.REDIS_URL = process.env.REDIS_URL;
    env.RUN_WORKER_IN_API = 'false';
  }
  // The server on core 1, this load generator on core 0, so the clients do not steal its CPU.
  const pinned = hasTaskset();
  const child = pinned
    ? spawn('taskset', ['-c', '1', process.execPath, API_ENTRY], { env, stdio: ['ignore', 'ignore', 'inherit'] })
    : spawn(process.execPath, [API_ENTRY], { env, stdio: ['ignore', 'ignore', 'inherit'] });
  const exited = new Promise((resolve) => child.on('exit', resolve));
  cleanups.push(async () => {
    child.kill('SIGTERM');
    await Promise.race([exited, new Promise((r) => setTimeout(r, 10_000))]);
    child.kill('SIGKILL');
  });
  if (pinned) {
    try {
      execFileSync('taskset', ['-cp', '0', String(process.pid)], { stdio: 'ignore' });
    } catch {
      // not pinned; still measured
    }
  }
  const base = `http://${HOST}:${port}`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    try {
      if ((await fetch(`${base}/api/ready`)).ok) break;
    } catch {
      // not yet listening
    }
    if (Date.now() > deadline) throw new Error('the API did not become ready');
    await new Promise((r) => setTimeout(r, 200));
  }
  // taskset starts node as its child's program: the pid is node's own (exec), so /proc works.
  return { base, pid: child.pid, database: env.DATABASE_URL ? 'postgres' : 'embedded', redis: Boolean(env.REDIS_URL) };
}

async function post(base, route, body, token) {
  const res = await fetch(`${base}${route}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify(body),
  });
  if (!res.ok) throw new Error(`POST ${route} answered ${res.status}`);
  return res.json();
}

function percentile(sorted, p) {
  if (sorted.length === 0) return null;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

/** Connects one client; resolves once it is synced. */
function connect(base, name, token, onRemote) {
  const doc = new Y.Doc();
  const socket = new HocuspocusProviderWebsocket({
    url: `${base.replace(/^http/, 'ws')}/api/collab`,
    WebSocketPolyfill: WebSocket,
  });
  const provider = new HocuspocusProvider({ websocketProvider: socket, name, document: doc, token });
  provider.attach();
  doc.on('update', (_update, origin) => {
    if (origin !== 'bench-local') onRemote(doc);
  });
  const synced = new Promise((resolve, reject) => {
    provider.on('synced', () => resolve());
    provider.on('authenticationFailed', ({ reason }) => reject(new Error(`refused: ${reason}`)));
  });
  cleanups.push(async () => {
    provider.destroy();
    socket.destroy();
  });
  return { doc, provider, synced };
}

async function run() {
  const api = await startApi();
  const rssIdle = rssMb(api.pid);
  const owner = await post(api.base, '/api/auth/register', {
    organizationName: 'Collaboration bench',
    email: `collab-bench-${Date.now()}@example.com`,
    password: 'a calm and long passphrase',
  });
  const token = owner.token;
  const workflows = [];
  for (let i = 0; i < DOCUMENTS; i++) {
    const wf = await post(
      api.base,
      '/api/workflows',
      {
        name: `Bench ${i}`,
        canvasData: {
          nodes: [{ id: 'greet', type: 'text', position: { x: 0, y: 0 }, data: { config: { text: 'Hello' } } }],
          edges: [],
        },
      },
      token,
    );
    workflows.push(wf.id);
  }

  const samples = [];
  let measuring = false;
  const clients = [];
  const connectStart = performance.now();
  for (let start = 0; start < CLIENTS; start += CONNECT_BATCH) {
    const batch = [];
    for (let i = start; i < Math.min(CLIENTS, start + CONNECT_BATCH); i++) {
      const name = workflows[i % DOCUMENTS];
      const client = connect(api.base, name, token, (doc) => {
        if (!measuring) return;
        const sentAt = doc.getMap('bench').get('sentAt');
        if (typeof sentAt === 'number') samples.push(performance.now() - sentAt);
      });
      clients.push({ ...client, index: i, name });
      batch.push(client.synced);
    }
    await Promise.all(batch);
  }
  const connectMs = Math.round(performance.now() - connectStart);
  const rssConnected = rssMb(api.pid);

  // One writer per document (the first client of each); the others measure.
  const writers = clients.filter((c) => c.index < DOCUMENTS);
  measuring = true;
  let edits = 0;
  const timers = writers.map((writer, i) => {
    const tick = () => {
      writer.doc.transact(() => writer.doc.getMap('bench').set('sentAt', performance.now()), 'bench-local');
      edits += 1;
    };
    // Spread the writers over the interval so edits do not all land in the same millisecond.
    const offset = setTimeout(
      () => {
        tick();
        timers[i] = setInterval(tick, EDIT_INTERVAL_MS);
      },
      (EDIT_INTERVAL_MS * i) / writers.length,
    );
    return offset;
  });
  const rssPeak = [];
  const sampler = setInterval(() => rssPeak.push(rssMb(api.pid) ?? 0), 1000);
  await new Promise((r) => setTimeout(r, SECONDS * 1000));
  measuring = false;
  for (const t of timers) {
    clearTimeout(t);
    clearInterval(t);
  }
  clearInterval(sampler);

  samples.sort((a, b) => a - b);
  const round = (v) => (v === null ? null : Math.round(v * 10) / 10);
  const expected = edits * (CLIENTS / DOCUMENTS - 1);
  const p99 = round(percentile(samples, 99));
  return {
    clients: CLIENTS,
    documents: DOCUMENTS,
    seconds: SECONDS,
    database: api.database,
    redis: api.redis,
    connectMs,
    edits,
    deliveries: samples.length,
    deliveryRatio: expected > 0 ? Math.round((samples.length / expected) * 1000) / 1000 : null,
    fanoutMs: {
      p50: round(percentile(samples, 50)),
      p90: round(percentile(samples, 90)),
      p99,
      max: round(samples.at(-1) ?? null),
    },
    serverRssMb: { idle: rssIdle, connected: rssConnected, peak: rssPeak.length > 0 ? Math.max(...rssPeak) : null },
    targetP99Ms: TARGET_P99_MS,
    pass: p99 !== null && p99 < TARGET_P99_MS,
  };
}

const jsonIndex = process.argv.indexOf('--json');
const jsonFile = jsonIndex > 0 ? process.argv[jsonIndex + 1] : undefined;
const limit = setTimeout(async () => {
  console.error(`bench/collab: still running after ${TIMEOUT_SEC} s; stopping`);
  await cleanup();
  process.exit(1);
}, TIMEOUT_SEC * 1000);

try {
  const result = await run();
  console.log(
    `collaboration: ${result.clients} clients over ${result.documents} documents, ${result.edits} edits -> ${result.deliveries} deliveries ` +
      `(${result.deliveryRatio}); fan-out p50 ${result.fanoutMs.p50} ms, p99 ${result.fanoutMs.p99} ms (target < ${TARGET_P99_MS}: ${result.pass ? 'PASS' : 'MISS'}); ` +
      `server RSS ${result.serverRssMb.idle} MB idle, ${result.serverRssMb.connected} MB connected, ${result.serverRssMb.peak} MB peak`,
  );
  if (jsonFile) writeFileSync(jsonFile, JSON.stringify(result, null, 2));
  clearTimeout(limit);
  await cleanup();
  process.exit(0);
} catch (err) {
  console.error(`bench/collab: ${err instanceof Error ? err.message : String(err)}`);
  clearTimeout(limit);
  await cleanup();
  process.exit(1);
}
