import { existsSync, mkdirSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
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

  it('embedded mode: a new database is a copy of the build template; leftovers of an interrupted first start are cleared', async () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'auterity-ctx-'));
    // What a first start killed mid-copy leaves: a staging copy and an empty database directory.
    mkdirSync(path.join(dataDir, 'pglite.seeding-99999', 'base'), { recursive: true });
    mkdirSync(path.join(dataDir, 'pglite'));
    writeFileSync(path.join(dataDir, 'pglite', 'half-written'), 'x');
    const { log, lines } = captureLogger();

    const context = await createContext(loadConfig({ DATA_DIR: dataDir }), log);

    expect(lines()).toContainEqual(expect.objectContaining({ msg: 'embedded database opened', seededFromTemplate: true }));
    expect(readdirSync(dataDir).sort()).toEqual(['.lock', 'pglite']);
    expect(existsSync(path.join(dataDir, 'pglite', 'half-written'))).toBe(false);
    const { rows } = await context.db.query<{ n: string }>('SELECT count(*) AS n FROM schema_migrations');
    expect(Number(rows[0]?.n)).toBeGreaterThan(10);
    await context.db.query(`INSERT INTO organizations (name) VALUES ('Kept')`);
    await context.close();

    // A second start opens the same database: no copy over it.
    const again = await createContext(loadConfig({ DATA_DIR: dataDir }), captureLogger().log);
    const kept = await again.db.query<{ name: string }>('SELECT name FROM organizations');
    expect(kept.rows).toEqual([{ name: 'Kept' }]);
    await again.close();
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
