import { Writable } from 'node:stream';
import type { Express } from 'express';
import { createApp, type AppDeps } from '../src/app';
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

/** The real app, in-process, on the given database; overrides swap single dependencies. */
export function buildTestApp(db: Database, overrides: Partial<AppDeps> = {}): Express {
  return createApp({
    config: { bodyLimitBytes: 100 * 1024, trustProxyHops: 0, isProduction: false },
    log: overrides.log ?? captureLogger().log,
    db,
    readinessChecks: [{ name: 'database', check: () => db.ping() }],
    notConfigured: ['redis'],
    isShuttingDown: () => false,
    version: 'test',
    ...overrides,
  });
}
