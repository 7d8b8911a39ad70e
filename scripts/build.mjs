#!/usr/bin/env node
// Builds what `npm start` runs: the API bundle (esbuild), the studio (Vite) and the migrated
// embedded-database template. `--if-stale` skips the build when nothing changed since the last one
// (postinstall uses it, so a plain `npm install` leaves a runnable product behind).
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { isStale, stamp } from './build-state.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const apiDir = path.join(root, 'apps/api');
const studioDir = path.join(root, 'apps/workflow-studio');
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
  [path.join(apiDir, 'dist/main.js'), '--build-template', path.join(apiDir, 'dist/pglite-template')],
  {
    stdio: 'inherit',
  },
);
console.log(`embedded database template ready (${Date.now() - started} ms)`);
writeFileSync(stamp, new Date().toISOString());
