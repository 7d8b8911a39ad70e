import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

/**
 * scripts/check-deploy.mjs (CI's offline check of Dockerfile, Compose, Kubernetes and nginx) on a
 * copy of the deployment files: the real ones pass, and each kind of breakage is reported.
 */
const REPO = path.resolve(__dirname, '../../..');
const FILES = ['k8s', 'nginx', 'Dockerfile.production', 'docker-compose.production.yml', '.env.example', '.dockerignore'];

jest.setTimeout(60_000);

function copyOfDeployFiles(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'auterity-deploy-'));
  for (const f of FILES) cpSync(path.join(REPO, f), path.join(dir, f), { recursive: true });
  return dir;
}

function edit(dir: string, file: string, change: (text: string) => string): void {
  const target = path.join(dir, file);
  const before = readFileSync(target, 'utf8');
  const after = change(before);
  expect(after).not.toBe(before);
  writeFileSync(target, after);
}

function check(dir: string): { status: number | null; output: string } {
  const run = spawnSync(process.execPath, [path.join(REPO, 'scripts/check-deploy.mjs'), '--root', dir], { encoding: 'utf8' });
  return { status: run.status, output: `${run.stdout}${run.stderr}` };
}

describe('deployment file checks (scripts/check-deploy.mjs)', () => {
  const dirs: string[] = [];
  const fresh = () => {
    const dir = copyOfDeployFiles();
    dirs.push(dir);
    return dir;
  };
  afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

  it('passes the project files: Kubernetes and Compose schema-valid, Dockerfile rules, nginx -t', () => {
    const result = check(fresh());

    expect(result.output).toMatch(/deployment files ok: \d+ Kubernetes objects \(schema-valid\), compose 6 services/);
    expect(result.output).toContain(existsSync('/usr/sbin/nginx') ? 'nginx -t ok' : 'nginx -t skipped');
    expect(result.status).toBe(0);
  });

  it('catches Kubernetes objects that break the schema or our rules', () => {
    const dir = fresh();
    edit(dir, 'k8s/api-deployment.yaml', (t) =>
      t
        .replace('replicas: 2', 'replicas: two')
        .replace('readOnlyRootFilesystem: true', 'readOnlyRootFilesystem: false')
        .replace('image: auterity/auterity:0.1.0', 'image: auterity/auterity:latest')
        .replace('path: /api/ready', 'path: /api/health')
        .replace('maxUnavailable: 0', 'maxUnavailable: 1'),
    );
    edit(dir, 'k8s/service.yaml', (t) => t.replace('selector: { app: auterity-api }', 'selector: { app: nothing }'));
    edit(dir, 'k8s/worker-deployment.yaml', (t) => t.replace("args: ['node'", "command: ['node'"));
    edit(dir, 'k8s/configmap.yaml', (t) => t.replace('kind: ConfigMap', 'kind: ConfigMapp'));
    rmSync(path.join(dir, 'k8s/pdb.yaml'));

    const { status, output } = check(dir);

    expect(status).toBe(1);
    expect(output).toMatch(/api-deployment\.yaml#1 Deployment\/auterity-api: schema: .*replicas must be integer/);
    expect(output).toContain('container api: needs readOnlyRootFilesystem');
    expect(output).toContain('image auterity/auterity:latest must be pinned');
    expect(output).toContain('readiness must probe /api/ready');
    expect(output).toContain('rolling update with maxUnavailable 0');
    expect(output).toContain('Service/auterity-api: selects no Deployment');
    expect(output).toContain('container worker: use args, not command');
    expect(output).toContain('unknown apiVersion/kind v1/ConfigMapp');
    expect(output).toContain('Deployment/auterity-worker: no PodDisruptionBudget covers it');
    expect(output).toContain('missing resource pdb.yaml');
  });

  it('catches a Compose file off the compose-spec schema, a Redis without password or AOF, and literal secrets', () => {
    const dir = fresh();
    edit(dir, 'docker-compose.production.yml', (t) =>
      t
        .replace('    stop_grace_period: 30s\n', '    stop_grace_period: 30s\n    restart_policy: always\n')
        .replace("        '--appendonly',\n        'yes',\n", '')
        .replace('      POSTGRES_PASSWORD: ${POSTGRES_PASSWORD}', '      POSTGRES_PASSWORD: hunter2hunter2'),
    );
    edit(dir, 'k8s/secret.example.yaml', (t) =>
      t.replace('JWT_SECRET: REPLACE_ME', 'JWT_SECRET: 9f8e7d6c5b4a39281706f5e4d3c2b1a0'),
    );

    const { status, output } = check(dir);

    expect(status).toBe(1);
    expect(output).toMatch(/docker-compose\.production\.yml: schema: .*app.* should NOT have additional properties/);
    expect(output).toContain('redis needs --requirepass and --appendonly yes');
    expect(output).toContain('postgres.POSTGRES_PASSWORD is a literal secret');
    expect(output).toContain('k8s/secret.example.yaml: looks like a real secret');
  });

  it('catches a Dockerfile without pinned base, non-root user, init process, exec-form CMD or healthcheck', () => {
    const dir = fresh();
    edit(dir, 'Dockerfile.production', (t) =>
      t
        .replaceAll('node:20.20.2-bookworm-slim', 'node:20')
        .replace('USER 10001:10001', 'USER root')
        .replace('ENTRYPOINT ["/usr/bin/tini", "--"]', 'ENTRYPOINT ["node"]')
        .replace('CMD ["node", "apps/api/dist/main.js"]', 'CMD node apps/api/dist/main.js')
        .replace(/HEALTHCHECK[^\n]*\\\n[^\n]*\n/, '')
        .replace('npm ci --ignore-scripts', 'npm install --ignore-scripts')
        .replace('--no-install-recommends ', ''),
    );

    const { status, output } = check(dir);

    expect(status).toBe(1);
    expect(output).toContain('base image node:20 must be pinned');
    expect(output).toContain('the final stage must switch to a non-root USER');
    expect(output).toContain('ENTRYPOINT must start an init process');
    expect(output).toContain('CMD must use the exec (JSON) form');
    expect(output).toContain('needs a HEALTHCHECK');
    expect(output).toContain('use npm ci');
    expect(output).toContain('apt-get install needs --no-install-recommends');
  });

  const withNginx = existsSync('/usr/sbin/nginx') ? it : it.skip;
  withNginx('runs nginx -t: a broken directive fails the check', () => {
    const dir = fresh();
    edit(dir, 'nginx/nginx.conf', (t) => t.replace('gzip_comp_level 5;', 'gzip_comp_level five;'));

    const { status, output } = check(dir);

    expect(status).toBe(1);
    expect(output).toContain('nginx -t:');
    expect(output).toContain('gzip_comp_level');
  });
});
