import path from 'node:path';
import { Writable } from 'node:stream';
import type { Express } from 'express';
import { createApp, type AppDeps } from '../src/app';
import { loadConfig } from '../src/config';
import type { Mail, Mailer } from '../src/lib/mailer';
import type { Database } from '../src/lib/db';
import { createLogger, type Logger } from '../src/lib/logger';

/** A logger whose lines are kept in memory, so tests can assert what is (and is not) logged. */
export function captureLogger(level = 'debug'): { log: Logger; lines: () => Record<string, unknown>[]; text: () => string } {
  const chunks: string[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _enc, done) {
      chunks.push(chunk.toString('utf8'));
      done();
    },
  });
  const log = createLogger({ level, destination });
  const text = () => chunks.join('');
  const lines = () =>
    text()
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as Record<string, unknown>);
  return { log, lines, text };
}

/** The repository's plan catalog, and the tests' relaxed one. */
export const DEFAULT_PLANS_FILE = path.join(__dirname, '..', 'config', 'plans.json');
export const TEST_PLANS_FILE = path.join(__dirname, 'plans.test.json');

export const TEST_JWT_SECRET = 'test-jwt-secret-that-is-long-enough-0123456789';

/** Keeps sent mail in memory so tests can follow emailed links. */
export function memoryMailer(): Mailer & { sent: Mail[] } {
  const sent: Mail[] = [];
  return {
    sent,
    async send(mail) {
      sent.push(mail);
    },
  };
}

/** Test configuration: the real parser with test values (env overrides win). */
export function testConfig(env: Record<string, string> = {}) {
  return loadConfig({
    NODE_ENV: 'test',
    JWT_SECRET: TEST_JWT_SECRET,
    PUBLIC_URL: 'http://studio.test',
    PASSWORD_SCRYPT_LOG_N: '14',
    RATE_LIMIT_IP_PER_MIN: '100000',
    RATE_LIMIT_AUTH_PER_MIN: '100000',
    RATE_LIMIT_ACTOR_PER_MIN: '100000',
    RATE_LIMIT_ORG_PER_MIN: '100000',
    // Free without workflow, execution, seat and API limits, so suites can create freely; the billing
    // tests load the real catalog (DEFAULT_PLANS_FILE).
    PLANS_FILE: TEST_PLANS_FILE,
    ...env,
  });
}

/** The app's dependencies for tests: the real parts on the given database, with test configuration. */
export function testDeps(db: Database, overrides: Partial<AppDeps> = {}): AppDeps {
  return {
    config: testConfig(),
    log: overrides.log ?? captureLogger().log,
    db,
    secrets: { jwtSecret: TEST_JWT_SECRET, encryptionKeys: new Map([['k1', Buffer.alloc(32, 9)]]), activeKeyId: 'k1' },
    mailer: memoryMailer(),
    readinessChecks: [{ name: 'database', check: () => db.ping() }],
    notConfigured: ['redis'],
    isShuttingDown: () => false,
    version: 'test',
    ...overrides,
  };
}

/** The real app, in-process, on the given database; overrides swap single dependencies. */
export function buildTestApp(db: Database, overrides: Partial<AppDeps> = {}): Express {
  return createApp(testDeps(db, overrides));
}
