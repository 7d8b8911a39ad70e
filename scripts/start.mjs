#!/usr/bin/env node
// `npm start`: make sure the build is current (a no-op after `npm install`), then run the API in
// this same process so signals (Ctrl-C, SIGTERM) reach it directly.
import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { isStale } from './build-state.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
if (isStale()) {
  execFileSync(process.execPath, [path.join(root, 'scripts/build.mjs')], { stdio: ['ignore', 'ignore', 'inherit'] });
}
createRequire(import.meta.url)(path.join(root, 'apps/api/dist/main.js'));
