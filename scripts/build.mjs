#!/usr/bin/env node
// Builds what `npm start` runs: the API bundle (esbuild), the studio (Vite) and the migrated
// embedded-database template. `--if-stale` skips the build when nothing changed since the last one
// (postinstall uses it, so a plain `npm install` leaves a runnable product behind).
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const apiDir = path.join(root, 'apps/api');
const studioDir = path.join(root, 'apps/workflow-studio');
const stamp = path.join(apiDir, 'dist/.build-stamp');
const SOURCES = [
  'apps/api/src',
  'apps/api/migrations',
  'apps/workflow-studio/src',
  'apps/workflow-studio/index.html',
  'apps/workflow-studio/vite.config.ts',
  'packages/workflow-contracts/src',
  'packages/design-system/src',
  'package-lock.json',
];

function newestMtime(p) {
  if (!existsSync(p)) return 0;
  const s = statSync(p);
  if (!s.isDirectory()) return s.mtimeMs;
  return readdirSync(p).reduce((max, f) => Math.max(max, newestMtime(path.join(p, f))), s.mtimeMs);
}

function isStale() {
  if (!existsSync(stamp) || !existsSync(path.join(studioDir, 'dist/index.html'))) return true;
  const built = statSync(stamp).mtimeMs;
  return SOURCES.some((s) => newestMtime(path.join(root, s)) > built);
}

async function buildApi() {
  const { build } = await import('esbuild');
  const pkg = JSON.parse(readFileSync(path.join(apiDir, 'package.json'), 'utf8'));
  const external = Object.keys(pkg.dependencies).filter((d) => !d.startsWith('@auterity/'));
  await build({
    entryPoints: [path.join(apiDir, 'src/main.ts')],
    outfile: path.join(apiDir, 'dist/main.js'),
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    sourcemap: true,
    external,
    logLevel: 'warning',
  });
}

const started = Date.now();
if (process.argv.includes('--if-stale') && !isStale()) {
  console.log('build is up to date');
  process.exit(0);
}
mkdirSync(path.join(apiDir, 'dist'), { recursive: true });
await buildApi();
console.log(`api bundled (${Date.now() - started} ms)`);
execFileSync(process.execPath, [path.join(root, 'node_modules/vite/bin/vite.js'), 'build', '--logLevel', 'warn'], {
  cwd: studioDir,
  stdio: 'inherit',
});
console.log(`studio built (${Date.now() - started} ms)`);
execFileSync(
  process.execPath,
  [path.join(apiDir, 'dist/main.js'), '--build-template', path.join(apiDir, 'dist/pglite-template.tar.gz')],
  {
    stdio: 'inherit',
  },
);
console.log(`embedded database template ready (${Date.now() - started} ms)`);
writeFileSync(stamp, new Date().toISOString());
