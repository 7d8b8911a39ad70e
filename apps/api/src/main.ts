import { renameSync, rmSync } from 'node:fs';
import express from 'express';
import { createApp, createServices, type AppDeps } from './app';
import { ConfigError, loadConfig, type Config } from './config';
import { createContext } from './context';
import { createPgliteDatabase } from './lib/db';
import { resolveSecrets } from './lib/dev-secrets';
import { createEncryptor } from './lib/crypto';
import { createLogger, type Logger } from './lib/logger';
import { createCredentialsService } from './modules/credentials/credentials.service';
import { createDisabledMailer, createLogMailer, createSmtpMailer, type Mailer } from './lib/mailer';
import { migrate } from './lib/migrate';
import { DEFAULT_STUDIO_DIR, MIGRATIONS_DIR } from './lib/paths';
import { listen } from './server';
import { createCollabServer } from './modules/collab/collab.server';
import { errorHandler, notFoundHandler } from './http/error-handler';
import { metricsHandler } from './http/metrics';
import { requestContext } from './http/request-context';

const VERSION = '0.1.0';

function fail(message: string): never {
  process.stderr.write(`${message}\n`);
  process.exit(1);
}

function readConfig(): Config {
  try {
    return loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) fail(`Configuration error: ${err.message}`);
    throw err;
  }
}

/**
 * `--build-template DIR`: a migrated embedded database directory that first starts copy, so they
 * skip initdb and the migrations. Built beside DIR and renamed into place.
 */
async function buildTemplate(dir: string): Promise<void> {
  const staging = `${dir}.building`;
  rmSync(staging, { recursive: true, force: true });
  const db = await createPgliteDatabase({ dataDir: staging });
  await migrate(db, MIGRATIONS_DIR);
  await db.exec(db, 'CHECKPOINT');
  await db.close();
  rmSync(dir, { recursive: true, force: true });
  renameSync(staging, dir);
}

async function migrateOnly(config: Config, log: Logger): Promise<void> {
  const context = await createContext({ ...config, migrateOnStart: true }, log);
  await context.close();
  log.info('migrations are up to date');
}

function chooseMailer(config: Config, log: Logger): Mailer {
  if (config.mail.smtpUrl) return createSmtpMailer(config.mail.smtpUrl, config.mail.from);
  return config.isProduction ? createDisabledMailer(log) : createLogMailer(log);
}

/** `--rotate-keys`: re-encrypts every secret under the active key; safe to stop and run again. */
async function rotateKeys(config: Config, log: Logger): Promise<void> {
  const secrets = resolveSecrets(config.dataDir, config);
  const context = await createContext(config, log);
  try {
    const credentials = createCredentialsService({
      db: context.db,
      encryptor: createEncryptor(secrets.encryptionKeys, secrets.activeKeyId),
    });
    const { rotated, failed } = await credentials.rotateKeys();
    const byKey = await credentials.countByKey();
    log.info({ rotated, failed, activeKeyId: secrets.activeKeyId, credentialsByKey: byKey }, 'key rotation complete');
    process.stdout.write(
      `Re-encrypted ${rotated} credential(s) under key ${secrets.activeKeyId}; by key now: ${JSON.stringify(byKey)}\n`,
    );
    if (failed.length > 0) {
      process.stderr.write(
        `${failed.length} credential(s) could not be decrypted and were left as they are: ${failed.join(', ')}\n`,
      );
      process.exitCode = 1;
    }
  } finally {
    await context.close();
  }
}

async function buildDeps(config: Config, log: Logger, isShuttingDown: () => boolean) {
  const secrets = resolveSecrets(config.dataDir, config);
  if (secrets.generated) log.warn({ dataDir: config.dataDir }, 'using generated development secrets from DATA_DIR/secrets.json');
  const context = await createContext(config, log);
  const deps: AppDeps = {
    config,
    log,
    db: context.db,
    ...(context.redis ? { redis: context.redis } : {}),
    ...(context.revocations ? { revocations: context.revocations } : {}),
    bus: context.bus,
    queue: context.queue,
    secrets,
    mailer: chooseMailer(config, log),
    readinessChecks: context.readinessChecks,
    notConfigured: context.notConfigured,
    isShuttingDown,
    studioDir: config.studioDir ?? DEFAULT_STUDIO_DIR,
    version: VERSION,
  };
  return { context, deps };
}

async function serve(config: Config, log: Logger): Promise<void> {
  let shuttingDown = false;
  const { context, deps } = await buildDeps(config, log, () => shuttingDown);
  const services = createServices(deps);
  await services.auth.warmRevocations(config.auth.accessTtlSec);
  const granted = await services.auth.applyPlatformAdmins();
  if (granted > 0) log.info({ granted }, 'platform administrators granted from PLATFORM_ADMIN_EMAILS');
  // Embedded mode has no separate workers: executions always run in this process.
  const runsWorker = config.runWorkerInApi || !config.redisUrl;
  if (runsWorker) services.executions.startWorker();
  // Request analytics and error occurrences past each plan's retention go every hour.
  if (runsWorker) services.retention.start();
  // Billing periods roll over wherever workers run; API-key request counts are flushed by every API process.
  if (runsWorker) services.billing.startJobs(config.billing.rolloverIntervalMs);
  services.billing.startFlush();
  const app = createApp(deps, services);
  const running = await listen(app, config.port, config.host);
  // Real-time canvas collaboration shares the API's port (WebSocket upgrades at /api/collab).
  const collab = createCollabServer({
    db: context.db,
    log,
    signer: services.signer,
    revocations: services.revocations,
    workflows: services.workflows,
    settings: config.collab,
    ...(config.redisUrl ? { redisUrl: config.redisUrl } : {}),
    collaboratorLimit: (organizationId) => services.billing.collaboratorLimit(organizationId),
  });
  collab.attach(running.server);
  const url = `http://localhost:${config.port}`;
  log.info(
    { url, mode: context.db.kind === 'pglite' ? 'embedded' : 'services', worker: runsWorker },
    `Auterity is running at ${url}`,
  );
  if (!config.isProduction) process.stdout.write(`\n  Auterity is running at ${url}\n\n`);

  const shutdown = async (signal: string) => {
    if (shuttingDown) return;
    shuttingDown = true;
    // Readiness answers 503 from now on; keep serving while load balancers take this process out.
    if (config.shutdownDrainMs > 0) {
      log.info({ signal, drainMs: config.shutdownDrainMs }, 'shutting down: readiness is 503, still serving');
      await new Promise((r) => setTimeout(r, config.shutdownDrainMs));
    }
    log.info({ signal }, 'shutting down: draining in-flight requests');
    // Collaboration sockets are upgraded (the HTTP server no longer tracks them): close and store first.
    await collab.stop();
    await running.stop(config.shutdownTimeoutMs);
    if (runsWorker) await services.executions.stop(config.shutdownTimeoutMs);
    services.retention.stop();
    await Promise.all([services.requests.flush(), services.errorIq.flush(), services.aiRouter.close()]);
    await services.billing.stop();
    await context.close();
    log.info('shutdown complete');
    log.flush();
    process.exit(0);
  };
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));
}

/** The worker's only HTTP: liveness for its probe and Prometheus metrics (same rules as the API's). */
function workerProbeApp(config: Config, log: Logger) {
  const app = express();
  app.disable('x-powered-by');
  app.use(requestContext(log));
  app.get('/health', (_req, res) => {
    res.json({ status: 'ok', uptimeSec: Math.round(process.uptime()) });
  });
  app.get('/metrics', metricsHandler(config.metrics));
  app.use(notFoundHandler);
  app.use(errorHandler);
  return app;
}

/**
 * Listens on METRICS_PORT (0: off). A port already taken (a second worker on one machine) is a
 * warning, not a failure: in containers each worker has its own, and its liveness probe would notice.
 */
async function startWorkerProbes(config: Config, log: Logger) {
  if (config.metrics.workerPort === 0) return undefined;
  try {
    return await listen(workerProbeApp(config, log), config.metrics.workerPort, config.host);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw err;
    log.warn({ metricsPort: config.metrics.workerPort }, 'METRICS_PORT is in use: this worker serves no /health or /metrics');
    return undefined;
  }
}

/** `npm run worker`: runs queued executions, schedules and the reconciler; no HTTP. */
async function work(config: Config, log: Logger): Promise<void> {
  if (!config.redisUrl || !config.database.url) {
    fail('The worker needs DATABASE_URL and REDIS_URL; in embedded mode `npm start` runs executions itself.');
  }
  let shuttingDown = false;
  const { context, deps } = await buildDeps(config, log, () => shuttingDown);
  const services = createServices(deps);
  services.executions.startWorker();
  services.billing.startJobs(config.billing.rolloverIntervalMs);
  const probes = await startWorkerProbes(config, log);
  log.info(
    {
      workerId: services.executions.workerId,
      concurrency: config.executions.workerConcurrency,
      metricsPort: config.metrics.workerPort,
    },
    'worker started',
  );
  const shutdown = async (signal: string) => {
    if (shuttingDown) return;
    shuttingDown = true;
    log.info({ signal }, 'worker stopping: finishing running executions');
    await services.executions.stop(config.shutdownTimeoutMs);
    // Workers run AI nodes: their usage rows are written before the process goes.
    await services.aiRouter.close();
    await services.billing.stop();
    await probes?.stop(1000);
    await context.close();
    log.info('worker stopped');
    log.flush();
    process.exit(0);
  };
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  if (args[0] === '--build-template' && args[1]) {
    await buildTemplate(args[1]);
    return;
  }
  const config = readConfig();
  const log = createLogger({ level: config.logLevel });
  const crash = (kind: string) => (err: unknown) => {
    log.fatal({ err }, kind);
    log.flush();
    process.exit(1);
  };
  process.on('uncaughtException', crash('uncaught exception'));
  process.on('unhandledRejection', crash('unhandled rejection'));
  try {
    if (args.includes('--migrate-only')) await migrateOnly(config, log);
    else if (args.includes('--rotate-keys')) await rotateKeys(config, log);
    else if (args.includes('--worker')) await work(config, log);
    else await serve(config, log);
  } catch (err) {
    log.fatal({ err }, 'failed to start');
    log.flush();
    fail(`Failed to start: ${err instanceof Error ? err.message : String(err)}`);
  }
}

void main();
