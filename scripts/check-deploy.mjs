#!/usr/bin/env node
// Offline checks of the deployment files (no container engine here): every YAML parses, the
// Kubernetes objects carry the basics, the Dockerfile runs as non-root with a healthcheck, secret
// templates hold placeholders only, and nginx accepts its configuration (when nginx is installed).
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseAllDocuments } from 'yaml';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const problems = [];
const fail = (message) => problems.push(message);

function docsOf(file) {
  const docs = parseAllDocuments(readFileSync(path.join(root, file), 'utf8'));
  for (const d of docs) if (d.errors.length) fail(`${file}: ${d.errors[0].message}`);
  return docs.map((d) => d.toJS()).filter(Boolean);
}

const k8sFiles = readdirSync(path.join(root, 'k8s')).filter((f) => f.endsWith('.yaml'));
let objects = 0;
for (const file of k8sFiles) {
  for (const obj of docsOf(`k8s/${file}`)) {
    if (obj.kind === 'Kustomization') {
      for (const r of obj.resources ?? []) if (!existsSync(path.join(root, 'k8s', r))) fail(`k8s/${file}: missing resource ${r}`);
      continue;
    }
    objects++;
    if (!obj.apiVersion || !obj.kind || !obj.metadata?.name)
      fail(`k8s/${file}: object without apiVersion, kind or metadata.name`);
    const pod = obj.spec?.template?.spec;
    if (pod) {
      if (!pod.securityContext?.runAsNonRoot) fail(`k8s/${file}: pod must run as non-root`);
      for (const c of pod.containers ?? []) {
        if (!c.securityContext?.readOnlyRootFilesystem) fail(`k8s/${file}: container ${c.name} needs readOnlyRootFilesystem`);
        if (obj.kind === 'Deployment' && (!c.livenessProbe || !c.readinessProbe))
          fail(`k8s/${file}: ${c.name} needs liveness and readiness probes`);
      }
    }
  }
}

for (const file of ['k8s/secret.example.yaml', '.env.example']) {
  const text = readFileSync(path.join(root, file), 'utf8');
  for (const line of text.split('\n')) {
    const value = line.split(/[:=]/).slice(1).join(':').trim();
    if (!line.trim().startsWith('#') && /[A-Za-z0-9+/=_-]{24,}/.test(value) && !/REPLACE_ME|example\.com/.test(value)) {
      fail(`${file}: looks like a real secret: ${line.trim().slice(0, 40)}…`);
    }
  }
}

const compose = docsOf('docker-compose.production.yml')[0] ?? {};
for (const [name, service] of Object.entries(compose.services ?? {})) {
  if (!service.image && !service.build) fail(`compose: service ${name} has neither image nor build`);
  if (['app', 'postgres', 'redis'].includes(name) && !service.healthcheck) fail(`compose: service ${name} needs a healthcheck`);
}

const dockerfile = readFileSync(path.join(root, 'Dockerfile.production'), 'utf8');
if (!/^USER\s+(?!root)\S+/m.test(dockerfile)) fail('Dockerfile.production: needs a non-root USER');
if (!/^HEALTHCHECK\s/m.test(dockerfile)) fail('Dockerfile.production: needs a HEALTHCHECK');
if (/^ADD\s+https?:/m.test(dockerfile)) fail('Dockerfile.production: no ADD of remote URLs');
if (!/^CMD\s+\[/m.test(dockerfile) || !/^ENTRYPOINT\s+\[/m.test(dockerfile))
  fail('Dockerfile.production: ENTRYPOINT and CMD in exec form');

let nginx = 'nginx not installed: skipped';
if (existsSync('/usr/sbin/nginx')) {
  const dir = mkdtempSync(path.join(tmpdir(), 'auterity-nginx-'));
  mkdirSync(path.join(dir, 'logs'));
  const conf = readFileSync(path.join(root, 'nginx/nginx.conf'), 'utf8')
    .replace('server app:3000;', 'server 127.0.0.1:3000;')
    .replace('access_log /dev/stdout json;', 'access_log logs/access.log json;');
  writeFileSync(path.join(dir, 'nginx.conf'), conf);
  try {
    execFileSync('/usr/sbin/nginx', ['-t', '-q', '-p', dir, '-c', path.join(dir, 'nginx.conf')], { stdio: 'pipe' });
    nginx = 'nginx -t ok';
  } catch (err) {
    fail(`nginx -t: ${String(err.stderr ?? err.message).trim()}`);
  }
}

if (problems.length > 0) {
  console.error(`deployment files: ${problems.length} problem(s)\n- ${problems.join('\n- ')}`);
  process.exit(1);
}
console.log(
  `deployment files ok: ${objects} Kubernetes objects, compose ${Object.keys(compose.services ?? {}).length} services, Dockerfile, ${nginx}`,
);
