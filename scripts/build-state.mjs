// Whether the build that `npm start` runs is current: shared by build.mjs (`--if-stale`) and
// start.mjs, which checks in its own process and runs a build only when something changed.
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const apiDir = path.join(root, 'apps/api');
const studioDir = path.join(root, 'apps/workflow-studio');
export const stamp = path.join(apiDir, 'dist/.build-stamp');
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

export function isStale() {
  if (!existsSync(stamp) || !existsSync(path.join(studioDir, 'dist/index.html'))) return true;
  const built = statSync(stamp).mtimeMs;
  return SOURCES.some((s) => newestMtime(path.join(root, s)) > built);
}
