import { cpSync, existsSync, mkdirSync, readdirSync, renameSync, rmSync } from 'node:fs';
import path from 'node:path';
import { Redis } from 'ioredis';
import type { Config } from './config';
import { createPgliteDatabase, createPostgresDatabase, type Database } from './lib/db';
import { acquireDataDirLock } from './lib/data-dir-lock';
import type { Logger } from './lib/logger';
import { migrate } from './lib/migrate';
import { MIGRATIONS_DIR, PGLITE_TEMPLATE_DIR } from './lib/paths';
import { createRedisRevocationStore, type RevocationStore } from './modules/auth/revocation';
import type { ReadinessCheck } from './modules/health/health.routes';
import { createLocalEventBus, createRedisEventBus, type EventBus } from './lib/event-bus';
import { createBullQueue, createMemoryQueue, type ExecutionQueue } from './lib/job-queue';

/**
 * The process-wide dependencies, chosen once here: embedded (PGlite, in-process) or services
 * (Postgres, Redis). Everything else receives interfaces and never asks which mode it runs in.
 */
export interface AppContext {
  db: Database;
  redis?: Redis;
  /** Present when Redis is configured: revocations fan out to every replica. */
  revocations?: RevocationStore;
  /** Execution events and cancellations: Redis pub/sub across processes, or in-process. */
  bus: EventBus;
  /** Execution jobs: BullMQ on Redis, or in-process. */
  queue: ExecutionQueue;
  readinessChecks: ReadinessCheck[];
  notConfigured: string[];
  /** Closes pools and connections; safe to call once at shutdown. */
  close(): Promise<void>;
}

/** Opens the embedded database under DATA_DIR, seeding a new one from the build's migrated template. */
async function openEmbeddedDatabase(dataDir: string, log: Logger): Promise<{ db: Database; release: () => void }> {
  mkdirSync(dataDir, { recursive: true });
  const release = acquireDataDirLock(dataDir);
  const dir = path.join(dataDir, 'pglite');
  try {
    const seeded = !existsSync(path.join(dir, 'PG_VERSION')) && seedFromTemplate(dataDir, dir);
    const db = await createPgliteDatabase({ dataDir: dir });
    log.info({ dataDir: dir, seededFromTemplate: seeded }, 'embedded database opened');
    return { db, release };
  } catch (err) {
    release();
    throw err;
  }
}

/**
 * A new embedded database is a copy of the build's migrated data directory: a plain file copy
 * (well under a second) instead of initdb and every migration (several seconds). The copy is made
 * beside the target and renamed into place, so a start interrupted halfway leaves no partial
 * database behind (leftovers of such a start are removed here, under the data-dir lock). Without a
 * template (a build without one), PGlite creates the database and the migrations run as usual.
 */
function seedFromTemplate(dataDir: string, dir: string): boolean {
  for (const name of readdirSync(dataDir)) {
    if (name.startsWith('pglite.seeding-')) rmSync(path.join(dataDir, name), { recursive: true, force: true });
  }
  if (!existsSync(path.join(PGLITE_TEMPLATE_DIR, 'PG_VERSION'))) return false;
  const staging = path.join(dataDir, `pglite.seeding-${process.pid}`);
  cpSync(PGLITE_TEMPLATE_DIR, staging, { recursive: true });
  // An empty or partial directory without PG_VERSION (never a database) makes way for the copy.
  rmSync(dir, { recursive: true, force: true });
  renameSync(staging, dir);
  return true;
}

function redisCheck(redis: Redis): ReadinessCheck {
  return { name: 'redis', check: async () => void (await redis.ping()) };
}

export async function createContext(config: Config, log: Logger): Promise<AppContext> {
  let releaseLock: (() => void) | undefined;
  let db: Database;
  if (config.database.url) {
    db = createPostgresDatabase({
      connectionString: config.database.url,
      maxConnections: config.database.poolMax,
      statementTimeoutMs: config.database.statementTimeoutMs,
      connectionTimeoutMs: 5000,
      onError: (err) => log.warn({ err }, 'idle database connection lost'),
    });
  } else {
    const embedded = await openEmbeddedDatabase(config.dataDir, log);
    db = embedded.db;
    releaseLock = embedded.release;
  }

  let redis: Redis | undefined;
  let revocations: (RevocationStore & { close(): Promise<void> }) | undefined;
  let bus: EventBus = createLocalEventBus();
  let queue: ExecutionQueue = createMemoryQueue();
  try {
    if (config.migrateOnStart) {
      const applied = await migrate(db, MIGRATIONS_DIR);
      if (applied.length > 0) log.info({ applied }, 'migrations applied');
    }
    if (config.redisUrl) {
      // Fail fast at startup (no retries before the first connection); once up, reconnect with
      // backoff for as long as it takes, e.g. across a Redis restart.
      let everConnected = false;
      redis = new Redis(config.redisUrl, {
        lazyConnect: true,
        maxRetriesPerRequest: 2,
        enableOfflineQueue: false,
        // Concurrent commands (rate limits of simultaneous requests) share one round trip.
        enableAutoPipelining: true,
        retryStrategy: (times) => (everConnected ? Math.min(times * 200, 2000) : null),
      });
      redis.on('error', (err) => log.warn({ err }, 'redis connection error'));
      await redis.connect().catch((err: unknown) => {
        throw new Error(`Cannot connect to Redis at REDIS_URL: ${err instanceof Error ? err.message : String(err)}`);
      });
      everConnected = true;
      revocations = await createRedisRevocationStore(redis, config.auth.accessTtlSec, (err) =>
        log.warn({ err }, 'redis subscriber error'),
      );
      bus = await createRedisEventBus(redis, (err) => log.warn({ err }, 'redis event bus error'));
      queue = createBullQueue(config.redisUrl, { lockDurationMs: config.executions.staleAfterMs });
    }
  } catch (err) {
    await bus.close();
    await revocations?.close();
    redis?.disconnect();
    await db.close();
    releaseLock?.();
    throw err;
  }

  const readinessChecks: ReadinessCheck[] = [{ name: 'database', check: () => db.ping() }];
  if (redis) readinessChecks.push(redisCheck(redis));
  return {
    db,
    ...(redis ? { redis } : {}),
    ...(revocations ? { revocations } : {}),
    bus,
    queue,
    readinessChecks,
    notConfigured: redis ? [] : ['redis'],
    async close() {
      await queue.close(0);
      await bus.close();
      await revocations?.close();
      if (redis) await redis.quit().catch(() => redis?.disconnect());
      await db.close();
      releaseLock?.();
    },
  };
}
