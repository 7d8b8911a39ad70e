import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createTestDatabase, usesPostgres } from '../test/db';
import { captureLogger } from '../test/test-app';
import { loadConfig } from './config';
import { createContext } from './context';

describe('createContext', () => {
  it('embedded mode: opens PGlite under DATA_DIR, migrates, locks the directory and reports redis as not configured', async () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'auterity-ctx-'));
    const config = loadConfig({ DATA_DIR: dataDir });
    const { log } = captureLogger();

    const context = await createContext(config, log);
    const second = createContext(config, log);

    await expect(second).rejects.toThrow(/in use by process/);
    expect(context.db.kind).toBe('pglite');
    expect(context.notConfigured).toEqual(['redis']);
    expect(context.readinessChecks.map((c) => c.name)).toEqual(['database']);
    const { rows } = await context.db.query<{ version: string }>('SELECT version FROM schema_migrations');
    expect(rows.length).toBeGreaterThan(0);
    await context.close();
    expect(existsSync(path.join(dataDir, '.lock'))).toBe(false);
  });

  (usesPostgres ? it : it.skip)('services mode: uses DATABASE_URL and REDIS_URL and checks both for readiness', async () => {
    const test = await createTestDatabase();
    const config = loadConfig({
      DATABASE_URL: test.url,
      REDIS_URL: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
      MIGRATE_ON_START: 'true',
    });
    const { log } = captureLogger();

    const context = await createContext(config, log);

    expect(context.db.kind).toBe('postgres');
    expect(context.redis).toBeDefined();
    await Promise.all(context.readinessChecks.map((c) => c.check()));
    expect(context.readinessChecks.map((c) => c.name)).toEqual(['database', 'redis']);
    await context.close();
    await test.drop();
  });

  (usesPostgres ? it : it.skip)('fails fast and cleans up when Redis is unreachable', async () => {
    const test = await createTestDatabase();
    const config = loadConfig({ DATABASE_URL: test.url, REDIS_URL: 'redis://127.0.0.1:1' });
    const { log } = captureLogger();

    await expect(createContext(config, log)).rejects.toThrow(/^Cannot connect to Redis at REDIS_URL/);
    await test.drop();
  });
});
