// 10,000 generated malformed or hostile requests (FAULTS_FUZZ_RUNS) across every route of the
// OpenAPI document, loaded from the running API, generated with fast-check (FAULTS_FUZZ_SEED
// replays a run): wrong types, huge and unicode strings, prototype-pollution keys, bad and foreign
// ids, path traversal, broken JSON and content types, missing or invalid credentials, and a valid
// owner's token most of the time so that protected routes are reached. For every request: no 5xx,
// no stack trace, SQL or database error text in the body, and, when it was rejected (4xx), no row
// count of any table changed. Requests run one at a time so each write is attributable.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import http from 'node:http';
import { after, before, test } from 'node:test';
import fc from 'fast-check';
import {
  baseEnv,
  call,
  createWorkflow,
  eventually,
  graph,
  login,
  pool,
  registerOwner,
  report,
  scenarioDatabase,
  startApi,
  startRedis,
} from './lib.mjs';

const RUNS = Number(process.env.FAULTS_FUZZ_RUNS ?? 10_000);
const SEED = Number(process.env.FAULTS_FUZZ_SEED ?? Math.floor(Math.random() * 2 ** 31));
/** Tables that log requests and errors as they happen (analytics' request log and rollups, Error-IQ). */
const TELEMETRY = /^(api_requests|api_request_rollups|error_groups|error_logs)$/;
/** Long-lived streams: fuzzed like the rest, but never with an id that would open a real stream. */
const STREAMS = /\/events$/;

let database;
let redis;
let api;
let db;

before(async () => {
  database = await scenarioDatabase();
  redis = await startRedis();
  api = await startApi(
    baseEnv({
      DATABASE_URL: database.url,
      REDIS_URL: redis.url,
      RATE_LIMIT_ENABLED: 'false',
      LOGIN_FAILURES_PER_ACCOUNT: '1000',
      LOGIN_FAILURES_PER_IP: '1000',
      AI_TIMEOUT_MS: '2000',
      OUTBOUND_TIMEOUT_MS: '2000',
      EXECUTION_SYNC_TIMEOUT_MS: '5000',
    }),
  );
  db = pool(database.url);
});

after(async () => {
  await api?.stop();
  await db?.end();
  await redis?.stop();
  await database?.drop();
});

// ---------------------------------------------------------------------------------------------
// Generators
// ---------------------------------------------------------------------------------------------

const HOSTILE = [
  '',
  ' ',
  '__proto__',
  'constructor',
  'prototype',
  '../../../../etc/passwd',
  '..\\..\\..\\windows\\win.ini',
  '/etc/passwd',
  'file:///etc/passwd',
  'http://169.254.169.254/latest/meta-data/',
  "' OR '1'='1",
  '1; DROP TABLE users; --',
  '$where',
  '{"$gt":""}',
  '${7*7}',
  '{{ $env }}',
  '{{ constructor.constructor("return process")() }}',
  '<script>alert(1)</script>',
  'NaN',
  'Infinity',
  '-1',
  '0',
  '1e309',
  '9007199254740993',
  '0x7fffffff',
  'null',
  'undefined',
  'true',
  '[]',
  '{}',
  '\u0000',
  '\u202e\u202d',
  '\ufeff',
  'İı',
  '😀'.repeat(60),
  'Ω'.repeat(300),
  'a'.repeat(256),
  'a'.repeat(5001),
  'x'.repeat(70_000),
  '00000000-0000-0000-0000-000000000000',
  'ffffffff-ffff-ffff-ffff-ffffffffffff',
  '00000000-0000-4000-8000-00000000000g',
];
const hostileString = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(...HOSTILE) },
  { weight: 2, arbitrary: fc.string({ maxLength: 40 }) },
  { weight: 2, arbitrary: fc.string({ unit: 'grapheme', maxLength: 40 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 40 }) },
  { weight: 1, arbitrary: fc.uuid().map(String) },
  { weight: 1, arbitrary: fc.integer().map(String) },
);
const POLLUTION = ['__proto__', 'constructor', 'prototype', '__defineGetter__', 'hasOwnProperty', 'toString', 'valueOf'];
const key = fc.oneof({ weight: 1, arbitrary: fc.constantFrom(...POLLUTION) }, { weight: 3, arbitrary: hostileString });
const scalar = fc.oneof(
  hostileString,
  fc.integer(),
  fc.double({ noNaN: true }),
  fc.constantFrom(-1, 0, 2 ** 31, 2 ** 53 + 1, 1e308, -1e308),
  fc.boolean(),
  fc.constant(null),
);

/** JSON text, built by hand: an object literal would turn a `__proto__` key into a prototype. */
const jsonText = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    scalar.map((v) => JSON.stringify(v)),
    tie('array'),
    tie('object'),
  ),
  array: fc.array(tie('value'), { maxLength: 5 }).map((xs) => `[${xs.join(',')}]`),
  object: fc
    .array(fc.tuple(key, tie('value')), { maxLength: 6 })
    .map((es) => `{${es.map(([k, v]) => `${JSON.stringify(k)}:${v}`).join(',')}}`),
})).value;

function createSchemaGen(doc) {
  const resolve = (schema) => {
    let s = schema;
    for (let i = 0; s?.$ref && i < 10; i++)
      s = s.$ref
        .split('/')
        .slice(1)
        .reduce((o, p) => o?.[p], doc);
    return s ?? {};
  };
  /** Near-valid JSON text for a schema: right shapes with wrong or extreme parts mixed in. */
  const gen = (schema, depth = 0) => {
    const s = resolve(schema);
    const hostile = depth > 4 ? scalar.map((v) => JSON.stringify(v)) : jsonText;
    const variants = s.anyOf ?? s.oneOf;
    if (variants) return fc.oneof(...variants.slice(0, 6).map((v) => gen(v, depth + 1)), hostile);
    if (s.allOf) return gen(s.allOf[0], depth + 1);
    const type = Array.isArray(s.type) ? s.type[0] : s.type;
    let valid;
    if (s.enum) valid = fc.constantFrom(...s.enum).map((v) => JSON.stringify(v));
    else if (s.const !== undefined) valid = fc.constant(JSON.stringify(s.const));
    else if (type === 'string' && s.format === 'uuid') valid = fc.uuid().map((v) => JSON.stringify(v));
    else if (type === 'string' && s.format === 'email') valid = fc.emailAddress().map((v) => JSON.stringify(v));
    else if (type === 'string') valid = hostileString.map((v) => JSON.stringify(v));
    else if (type === 'integer' || type === 'number') valid = fc.oneof(fc.integer(), fc.constantFrom(-1, 0, 1e12)).map(String);
    else if (type === 'boolean') valid = fc.boolean().map(String);
    else if (type === 'array' && depth < 4)
      valid = fc.array(gen(s.items ?? {}, depth + 1), { maxLength: 4 }).map((xs) => `[${xs.join(',')}]`);
    else if ((type === 'object' || s.properties) && depth < 4) {
      const props = Object.entries(s.properties ?? {}).slice(0, 20);
      valid = fc
        .tuple(
          fc.tuple(
            ...props.map(([name, p]) =>
              fc.option(
                gen(p, depth + 1).map((v) => `${JSON.stringify(name)}:${v}`),
                { freq: 4 },
              ),
            ),
          ),
          fc.array(fc.tuple(key, hostile), { maxLength: 2 }),
        )
        .map(([known, extra]) => {
          const parts = known.filter((x) => x !== null);
          for (const [k, v] of extra) parts.push(`${JSON.stringify(k)}:${v}`);
          return `{${parts.join(',')}}`;
        });
    } else valid = hostile;
    return fc.oneof({ weight: 4, arbitrary: valid }, { weight: 1, arbitrary: hostile });
  };
  return { gen, resolve };
}

const RAW_BODIES = [
  '{',
  '{"a":',
  'nul',
  '[1,2',
  '"unterminated',
  '\u0000\u0001',
  '{"__proto__":{"polluted":"FUZZ_POLLUTED"}}',
  '{"constructor":{"prototype":{"polluted":"FUZZ_POLLUTED"}}}',
  `{"a":"${'x'.repeat(1_100_000)}"}`,
  '['.repeat(200) + ']'.repeat(200),
  `{${Array.from({ length: 10_050 }, (_, i) => `"k${i}":1`).join(',')}}`,
];
const PATH_SEGMENTS = ['..', '.', '%2e%2e', '..%2f..%2fetc%2fpasswd', '%00', '%ff', '%', '%zz', '%252e%252e', 'a%2fb', '~root'];

function fakeJwt(payload) {
  const b64 = (o) => Buffer.from(JSON.stringify(o)).toString('base64url');
  return `${b64({ alg: 'none', typ: 'JWT' })}.${b64(payload)}.`;
}

// ---------------------------------------------------------------------------------------------
// The run
// ---------------------------------------------------------------------------------------------

/** A body must not tell how the server failed. */
function leak(text) {
  const patterns = [
    /\bat (?:async )?[\w$.<>]+ \([^)]*:\d+:\d+\)/, // a stack frame
    /node_modules|\/work\/|\.ts:\d+|\.js:\d+:\d+/,
    /syntax error at or near|violates (?:foreign key|unique|check|not-null)|duplicate key value|invalid input syntax for|relation "[^"]+" does not exist|column "[^"]+" (?:does not exist|of relation)|current transaction is aborted|pg_catalog|ERROR: {2}/i,
    /ECONNREFUSED|ECONNRESET|127\.0\.0\.1:\d{2,5}/,
  ];
  return patterns.find((p) => p.test(text ?? ''))?.source;
}

test(
  `${RUNS} generated hostile requests across every route: no 5xx, no leak, nothing written`,
  { timeout: 420_000 },
  async () => {
    const owner = await registerOwner(api.url, 'fuzz');
    let token = owner.token;
    const other = await registerOwner(api.url, 'other');
    const wf = await createWorkflow(
      api.url,
      token,
      'target',
      graph(
        [
          ['hook', 'trigger.webhook'],
          ['t', 'text', { text: 'hi {{ name }}' }],
        ],
        [['hook', 't']],
      ),
    );
    const foreign = await createWorkflow(api.url, other.token, 'foreign', graph([['t', 'text', { text: 'x' }]]));
    const run = await call(api.url, 'POST', `/api/workflows/${wf.id}/execute?wait=5`, { token, body: { input: {} } });
    const realIds = [wf.id, foreign.id, run.json?.id, owner.user?.id, other.user?.id].filter(Boolean);

    const doc = (await call(api.url, 'GET', '/api/openapi.json')).json;
    assert.ok(doc?.paths, 'the API serves its OpenAPI document');
    const operations = [];
    for (const [p, item] of Object.entries(doc.paths)) {
      for (const method of ['get', 'post', 'put', 'patch', 'delete'])
        if (item[method]) operations.push({ path: p, method, op: item[method] });
    }
    const { gen, resolve } = createSchemaGen(doc);

    const tables = (
      await db.query(
        "SELECT tablename FROM pg_tables WHERE schemaname = 'public' AND tablename <> 'schema_migrations' ORDER BY 1",
      )
    ).rows
      .map((r) => r.tablename)
      // Request and error telemetry records every request, rejected ones included, by design.
      .filter((t) => !TELEMETRY.test(t));
    // A failed sign-in is audited on purpose (a security record): only that action may grow on a 401.
    const countOf = (t) => (t === 'audit_log' ? "count(*) FILTER (WHERE action <> 'auth.login_failed')" : 'count(*)');
    const countSql = tables.map((t) => `SELECT '${t}' AS t, ${countOf(t)}::int AS n FROM "${t}"`).join(' UNION ALL ');
    const counts = async () => Object.fromEntries((await db.query(countSql)).rows.map((r) => [r.t, r.n]));

    const authArb = fc.oneof(
      { weight: 14, arbitrary: fc.constant({ kind: 'owner' }) },
      { weight: 1, arbitrary: fc.constant({ kind: 'none' }) },
      { weight: 1, arbitrary: fc.constant({ kind: 'other-org' }) },
      {
        weight: 2,
        arbitrary: fc.oneof(
          hostileString.map((s) => ({ kind: 'header', headers: { authorization: `Bearer ${encodeURIComponent(s)}` } })),
          fc.constant({
            kind: 'header',
            headers: { authorization: `Bearer ${fakeJwt({ sub: owner.user?.id, role: 'owner', exp: 4e9 })}` },
          }),
          fc.constant({ kind: 'header', headers: { authorization: 'Basic YWRtaW46YWRtaW4=' } }),
          fc.constant({ kind: 'header', headers: { authorization: 'Bearer' } }),
          fc.constant({ kind: 'header', headers: { 'x-api-key': `ak_${randomBytes(24).toString('hex')}` } }),
          fc.constant({ kind: 'header', headers: { authorization: `Bearer ak_${randomBytes(24).toString('base64url')}` } }),
        ),
      },
    );

    const requestArb = (entry) => {
      const params = entry.op.parameters ?? [];
      const pathParams = params.filter((p) => p.in === 'path');
      const queryParams = params.filter((p) => p.in === 'query');
      const bodySchema = entry.op.requestBody?.content?.['application/json']?.schema;
      const idArb = STREAMS.test(entry.path)
        ? fc.oneof(hostileString.map(encodeURIComponent), fc.constantFrom(...PATH_SEGMENTS))
        : fc.oneof(
            { weight: 2, arbitrary: fc.constantFrom(...realIds) },
            { weight: 2, arbitrary: fc.uuid().map(String) },
            { weight: 3, arbitrary: hostileString.map(encodeURIComponent) },
            { weight: 1, arbitrary: fc.constantFrom(...PATH_SEGMENTS) },
            ...(resolve(pathParams[0]?.schema).enum
              ? [{ weight: 3, arbitrary: fc.constantFrom(...resolve(pathParams[0].schema).enum) }]
              : []),
          );
      const queryValue = (p) =>
        fc.oneof(
          gen(p.schema).map((text) => {
            try {
              const v = JSON.parse(text);
              return typeof v === 'string' ? v : JSON.stringify(v);
            } catch {
              return text;
            }
          }),
          hostileString,
        );
      const queryArb = fc
        .tuple(
          fc.tuple(
            ...queryParams.map((p) =>
              fc.option(queryValue(p).map((v) => `${encodeURIComponent(p.name)}=${encodeURIComponent(v)}`)),
            ),
          ),
          fc.array(
            fc.oneof(
              fc.constantFrom(
                '__proto__[polluted]=FUZZ_POLLUTED',
                'constructor[prototype][polluted]=FUZZ_POLLUTED',
                'limit=1&limit=2',
                'limit[]=5',
                'a[b][c][d][e][f]=1',
              ),
              fc.tuple(key, hostileString).map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`),
            ),
            { maxLength: 2 },
          ),
        )
        .map(([known, extra]) => [...known.filter(Boolean), ...extra].join('&'));
      const bodyArb =
        entry.method === 'get' || entry.method === 'delete'
          ? fc.oneof({ weight: 5, arbitrary: fc.constant(null) }, { weight: 1, arbitrary: jsonText })
          : fc.oneof(
              { weight: 6, arbitrary: bodySchema ? gen(bodySchema) : jsonText },
              { weight: 2, arbitrary: jsonText },
              { weight: 1, arbitrary: fc.constantFrom(...RAW_BODIES) },
              { weight: 1, arbitrary: fc.constant(null) },
            );
      const contentType = fc.oneof(
        { weight: 8, arbitrary: fc.constant('application/json') },
        {
          weight: 1,
          arbitrary: fc.constantFrom(
            'text/plain',
            'application/x-www-form-urlencoded',
            'application/json; charset=utf-16',
            'multipart/form-data; boundary=x',
            '',
          ),
        },
      );
      return fc.record({
        ids: fc.tuple(...pathParams.map(() => idArb)),
        query: queryArb,
        body: bodyArb,
        contentType,
        auth: authArb,
      });
    };

    // Spread the runs over the operations evenly, then shuffle them with the same seed.
    const plan = [];
    const perOp = Math.ceil(RUNS / operations.length);
    operations.forEach((entry, i) => {
      const samples = fc.sample(requestArb(entry), { numRuns: perOp, seed: SEED + i });
      for (const s of samples) plan.push({ entry, ...s });
    });
    const order = fc.sample(
      fc.shuffledSubarray(
        plan.map((_, i) => i),
        { minLength: plan.length },
      ),
      { numRuns: 1, seed: SEED },
    )[0];

    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    const failures = [];
    const statuses = {};
    const accepted = {};
    let sent = 0;
    let before = await counts();
    const started = Date.now();
    for (const index of order.slice(0, RUNS)) {
      const { entry, ids, query, body, contentType, auth } = plan[index];
      let i = 0;
      const path = entry.path.replace(/\{[^}]+\}/g, () => String(ids[i++] ?? 'x'));
      const url = query ? `${path}?${query}` : path;
      const headers = { ...(auth.headers ?? {}) };
      if (body !== null && body !== undefined && contentType) headers['content-type'] = contentType;
      const authToken = auth.kind === 'owner' ? token : auth.kind === 'other-org' ? other.token : undefined;
      const res = await call(api.url, entry.method.toUpperCase(), url, {
        token: authToken,
        headers,
        agent,
        timeoutMs: 15_000,
        ...(body !== null && body !== undefined ? { raw: body } : {}),
      });
      sent++;
      const label = `${entry.method.toUpperCase()} ${entry.path}`;
      const status = res.status ?? res.error;
      statuses[status] = (statuses[status] ?? 0) + 1;
      const problem = (what, extra = {}) =>
        failures.push({ what, route: label, url: url.slice(0, 200), status, body: res.text?.slice(0, 300), ...extra });
      // Past the body or header limits the server answers 413/431 and closes at once, so the client
      // may see the reset before the answer: that is a refusal, not a failure.
      const oversized = (body?.length ?? 0) > 1_048_576 || JSON.stringify(headers).length + (url.length ?? 0) > 16_000;
      if (res.error && !(oversized && res.error === 'ECONNRESET')) problem('no answer');
      else if (res.status >= 500) problem('5xx');
      const leaked = leak(res.text);
      if (leaked) problem('leak', { pattern: leaked });
      if (res.status >= 400 || res.error) {
        const now = await counts();
        const changed = tables.filter((t) => now[t] !== before[t]).map((t) => `${t} ${before[t]}→${now[t]}`);
        if (changed.length > 0) problem('rejected but wrote', { changed });
        before = now;
      } else {
        accepted[label] = (accepted[label] ?? 0) + 1;
        // An accepted request may have ended the owner's session (sign-out, password change): sign in again.
        if ((await call(api.url, 'GET', '/api/auth/me', { token, agent })).status !== 200)
          token = await login(api.url, owner.email);
        // An accepted run finishes in the background (its steps are written then): wait for it, so
        // its writes are not blamed on the next request.
        await eventually(
          async () =>
            (await db.query("SELECT count(*)::int AS n FROM workflow_executions WHERE status IN ('pending', 'running')")).rows[0]
              .n,
          (n) => n === 0,
          10_000,
          20,
        );
        // AI usage rows are written behind the answer (usage-writer.ts): wait until none is queued.
        await eventually(
          async () => {
            const metrics = await call(api.url, 'GET', '/metrics', { agent });
            return Number(/^auterity_ai_usage_rows_queued (\d+)/m.exec(metrics.text ?? '')?.[1] ?? NaN);
          },
          (n) => n === 0,
          10_000,
          20,
        );
        before = await counts();
      }
    }
    agent.destroy();
    const pollution = await Promise.all(
      ['/api/auth/me', '/api/workflows', '/api/organization'].map((p) => call(api.url, 'GET', p, { token })),
    );
    const polluted = pollution.filter((r) => /FUZZ_POLLUTED|"polluted"/.test(r.text ?? ''));
    const byWhat = failures.reduce((acc, f) => ({ ...acc, [f.what]: (acc[f.what] ?? 0) + 1 }), {});
    report('fuzz', {
      seed: SEED,
      requests: sent,
      operations: operations.length,
      seconds: Math.round((Date.now() - started) / 1000),
      statuses,
      acceptedRoutes: Object.keys(accepted).length,
      failures: byWhat,
      polluted: polluted.length,
    });
    if (failures.length > 0)
      process.stdout.write(
        `# fuzz failures (first 30):\n${failures
          .slice(0, 30)
          .map((f) => `#   ${JSON.stringify(f)}`)
          .join('\n')}\n`,
      );

    assert.equal(sent, RUNS);
    assert.equal(polluted.length, 0, 'a prototype-pollution key reached a response');
    assert.deepEqual(failures.slice(0, 10), [], `${failures.length} failures (seed ${SEED})`);
    assert.ok(api.alive());
  },
);
