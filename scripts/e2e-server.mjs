#!/usr/bin/env node
// Starts the built API for the Playwright suite on a fresh embedded database in a temp dir,
// removed again when Playwright stops the server.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const dataDir = mkdtempSync(path.join(tmpdir(), 'auterity-e2e-'));
const child = spawn(process.execPath, [path.join(root, 'scripts/start.mjs')], {
  stdio: 'inherit',
  env: {
    ...process.env,
    HOST: '127.0.0.1',
    DATA_DIR: dataDir,
    LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn',
    // Every spec signs up its own owner from the one test IP, and each page load spends a session
    // refresh: the suite outgrew the default 30 sign-in calls a minute. The limiter itself is
    // covered by the API's integration tests.
    RATE_LIMIT_AUTH_PER_MIN: process.env.RATE_LIMIT_AUTH_PER_MIN ?? '300',
    // The billing spec's platform administrator (the account is registered by the spec).
    PLATFORM_ADMIN_EMAILS: process.env.PLATFORM_ADMIN_EMAILS ?? 'e2e-platform-admin@example.com',
  },
});
const stop = (signal) => child.kill(signal);
process.on('SIGTERM', () => stop('SIGTERM'));
process.on('SIGINT', () => stop('SIGTERM'));
child.on('exit', (code) => {
  rmSync(dataDir, { recursive: true, force: true });
  process.exit(code ?? 0);
});
