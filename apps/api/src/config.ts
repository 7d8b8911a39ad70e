import path from 'node:path';
import { z } from 'zod';
import type { PlanCatalog } from '@auterity/workflow-contracts';
import { parseCidr, parseHostRule } from './lib/http-client';
import { loadPlanCatalog, PlanCatalogError } from './modules/billing/plans';

/** Secrets that appear in tutorials and our own spec; never accepted in production. */
const KNOWN_DEFAULT_SECRETS = new Set([
  'default-secret-change-in-production',
  'secret',
  'changeme',
  'change-me',
  'your-secret-key',
  'jwt-secret',
]);
const JWT_SECRET_MIN = 32;

const booleanString = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'], { message: 'must be true or false' })
  .transform((v) => v === 'true' || v === '1' || v === 'yes');

const positiveInt = (max: number) =>
  z.coerce
    .number({ message: 'must be a number' })
    .int({ message: 'must be a whole number' })
    .min(1, { message: `must be between 1 and ${max}` })
    .max(max, { message: `must be between 1 and ${max}` });

const postgresUrl = z
  .string()
  .trim()
  .refine((v) => /^postgres(ql)?:\/\/.+/.test(v), { message: 'must be a postgres:// URL' });
const redisUrl = z
  .string()
  .trim()
  .refine((v) => /^rediss?:\/\/.+/.test(v), { message: 'must be a redis:// or rediss:// URL' });

/** A comma-separated list; each entry must pass `check` (which throws with a message). */
const commaList = (check: (entry: string) => unknown) =>
  z.string().transform((value, ctx) => {
    const entries = value
      .split(',')
      .map((e) => e.trim())
      .filter(Boolean);
    for (const entry of entries) {
      try {
        check(entry);
      } catch (err) {
        ctx.addIssue({ code: 'custom', message: err instanceof Error ? err.message : String(err) });
        return z.NEVER;
      }
    }
    return entries;
  });

/** A browser origin such as `https://studio.example.com` (scheme, host and optional port only). */
function checkOrigin(entry: string): void {
  let url: URL | undefined;
  try {
    url = new URL(entry);
  } catch {
    url = undefined;
  }
  if (!url || !/^https?:$/.test(url.protocol) || url.origin !== entry.replace(/\/$/, '')) {
    throw new Error(`entry "${entry}" must be an origin such as https://studio.example.com`);
  }
}

/** 32-byte key given as 64 hex characters or base64. */
const encryptionKey = z
  .string()
  .trim()
  .transform((value, ctx) => {
    const key = /^[0-9a-fA-F]{64}$/.test(value) ? Buffer.from(value, 'hex') : Buffer.from(value, 'base64');
    if (key.length !== 32 || (!/^[0-9a-fA-F]{64}$/.test(value) && key.toString('base64') !== value)) {
      ctx.addIssue({ code: 'custom', message: 'must be 32 bytes, as 64 hex characters or base64' });
      return z.NEVER;
    }
    return key;
  });

/**
 * Every environment variable the API reads, parsed once at startup. Empty strings count as unset,
 * so `FOO=` in a .env file means "use the default".
 */
const EnvSchema = z.object({
  /** `production` turns on the strict checks below (no generated secrets). */
  NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
  /** TCP port of the HTTP server. */
  PORT: positiveInt(65_535).default(3000),
  /** Interface to bind; 0.0.0.0 so containers are reachable. */
  HOST: z.string().min(1).default('0.0.0.0'),
  /** Where the embedded database and generated development secrets live. */
  DATA_DIR: z.string().min(1).default('./data'),
  /** Postgres server; when unset the embedded PGlite database under DATA_DIR is used. */
  DATABASE_URL: postgresUrl.optional(),
  /** Connections per process in the Postgres pool. */
  DATABASE_POOL_MAX: positiveInt(500).default(10),
  /** Server-side limit for one SQL statement. */
  DATABASE_STATEMENT_TIMEOUT_MS: positiveInt(600_000).default(30_000),
  /** Redis server (rate limits, queue, pub/sub); when unset in-process equivalents are used. */
  REDIS_URL: redisUrl.optional(),
  /** HMAC key for access tokens; at least 32 characters. Generated and kept in DATA_DIR outside production. */
  JWT_SECRET: z.string().optional(),
  /** Key for secrets at rest (AES-256-GCM). Generated and kept in DATA_DIR outside production. */
  ENCRYPTION_KEY: encryptionKey.optional(),
  /** Several keys for rotation: `k1:<64 hex or base64>,k2:<…>`; ENCRYPTION_KEY alone counts as `k1`. */
  ENCRYPTION_KEYS: z
    .string()
    .transform((value, ctx) => {
      const keys = new Map<string, Buffer>();
      for (const entry of value
        .split(',')
        .map((e) => e.trim())
        .filter(Boolean)) {
        const [id, raw] = entry.split(':');
        const parsed = encryptionKey.safeParse(raw ?? '');
        if (!id || !/^[a-z0-9]{1,16}$/.test(id) || !parsed.success) {
          ctx.addIssue({
            code: 'custom',
            message: 'must be a comma-separated list of id:key, each key 32 bytes (64 hex characters or base64)',
          });
          return z.NEVER;
        }
        keys.set(id, parsed.data);
      }
      return keys;
    })
    .optional(),
  /** Which configured key encrypts new data (required when several keys are configured). */
  ENCRYPTION_ACTIVE_KEY_ID: z
    .string()
    .regex(/^[a-z0-9]{1,16}$/, 'must be 1-16 lowercase letters or digits')
    .optional(),
  /** pino level. */
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** Largest JSON body accepted by default, in bytes. */
  BODY_LIMIT_BYTES: positiveInt(50 * 1024 * 1024).default(1024 * 1024),
  /** Deepest nesting of objects and arrays accepted in a JSON body. */
  BODY_MAX_DEPTH: positiveInt(1000).default(64),
  /** Most object keys accepted in one JSON body, counted over all nesting levels. */
  BODY_MAX_KEYS: positiveInt(10_000_000).default(10_000),
  /** Browser origins allowed to call the API cross-origin (comma list); none: same-origin only. */
  CORS_ORIGINS: commaList(checkOrigin).default([]),
  /** Hosts outbound calls may reach although they resolve to internal addresses: `host`, `host:port`, `*.domain`. */
  OUTBOUND_ALLOW_HOSTS: commaList(parseHostRule).default([]),
  /** Internal address ranges outbound calls may reach (comma list of CIDRs such as 10.20.0.0/16). */
  OUTBOUND_ALLOW_CIDRS: commaList(parseCidr).default([]),
  /** Whole-call budget of one outbound HTTP call (redirects included), in milliseconds. */
  OUTBOUND_TIMEOUT_MS: positiveInt(600_000).default(30_000),
  /** Upper bound of one workflow execution. */
  EXECUTION_TIMEOUT_MS: positiveInt(24 * 3_600_000).default(300_000),
  /** Upper bound of a synchronous webhook run (the caller waits for the Respond node). */
  EXECUTION_SYNC_TIMEOUT_MS: positiveInt(120_000).default(30_000),
  /** Executions one worker process runs at once. */
  WORKER_CONCURRENCY: positiveInt(1000).default(20),
  /** Executions of one organization one worker process runs at once. */
  WORKER_CONCURRENCY_PER_ORG: positiveInt(1000).default(10),
  /** Run a worker inside the API process (embedded mode always does). */
  RUN_WORKER_IN_API: booleanString.default(true),
  /** A running execution without a heartbeat for this long is considered lost and recovered. */
  EXECUTION_STALE_AFTER_MS: positiveInt(3_600_000).default(30_000),
  /** Runs of one execution, first try included, before a lost worker fails it. */
  EXECUTION_MAX_ATTEMPTS: positiveInt(10).default(2),
  /** How often lost executions are looked for. */
  RECONCILE_INTERVAL_MS: positiveInt(3_600_000).default(10_000),
  /** How often due schedules are fired. */
  SCHEDULE_INTERVAL_MS: positiveInt(60_000).default(1000),
  /** Finished executions are deleted after this many days. */
  EXECUTION_RETENTION_DAYS: positiveInt(3650).default(30),
  /** Calls per minute to one workflow's webhook URL (a webhook trigger may set its own). */
  RATE_LIMIT_WEBHOOK_PER_MIN: positiveInt(1_000_000_000).default(600),
  /** One AI provider call (one attempt of the fallback chain), in milliseconds. */
  AI_TIMEOUT_MS: positiveInt(600_000).default(60_000),
  /** Provider calls one AI request may make, fallbacks included. */
  AI_MAX_ATTEMPTS: positiveInt(10).default(3),
  /** Consecutive failures after which a provider is skipped for the cool-down. */
  AI_BREAKER_FAILURES: positiveInt(100).default(3),
  /** How long a failing provider is skipped before one trial call. */
  AI_BREAKER_COOLDOWN_MS: positiveInt(3_600_000).default(30_000),
  /** How long SIGTERM waits for in-flight requests before closing connections. */
  SHUTDOWN_TIMEOUT_MS: positiveInt(120_000).default(10_000),
  /** After SIGTERM, how long /api/ready answers 503 while requests are still served, before closing. */
  SHUTDOWN_DRAIN_MS: z.coerce.number({ message: 'must be a number' }).int().min(0).max(120_000).default(0),
  /** Bearer token Prometheus sends to GET /metrics; unset: /metrics answers loopback only. */
  METRICS_TOKEN: z.string().trim().min(16, { message: 'must be at least 16 characters' }).optional(),
  /** `npm run worker` serves GET /metrics and GET /health on this port (the API uses PORT); 0: off. */
  METRICS_PORT: z.coerce.number({ message: 'must be a number' }).int().min(0).max(65_535).default(9464),
  /** Largest shared canvas document (collaboration), in bytes; edits beyond are refused. */
  COLLAB_MAX_DOCUMENT_BYTES: positiveInt(64 * 1024 * 1024).default(2 * 1024 * 1024),
  /** Messages (edits and presence) one collaboration connection may send per second. */
  COLLAB_MESSAGES_PER_SEC: positiveInt(100_000).default(200),
  /** Open collaboration connections per organization (per API process) when its plan sets no limit. */
  COLLAB_CONNECTIONS_PER_ORG: positiveInt(1_000_000).default(200),
  /** Quiet time after the last edit before a shared document is compacted into Postgres. */
  COLLAB_STORE_DEBOUNCE_MS: positiveInt(600_000).default(2000),
  /** Built studio to serve at `/`; defaults to apps/workflow-studio/dist. */
  STUDIO_DIR: z.string().min(1).optional(),
  /** Number of reverse proxies in front of us whose X-Forwarded-For we trust (0: none). */
  TRUST_PROXY_HOPS: z.coerce.number().int().min(0).max(10).default(0),
  /** Apply pending migrations when the server starts. */
  MIGRATE_ON_START: booleanString.default(true),
  /** Lifetime of access tokens (JWT), in seconds. */
  JWT_ACCESS_TTL_SEC: positiveInt(86_400).default(900),
  /** Lifetime of a session's refresh tokens, in days. */
  REFRESH_TOKEN_TTL_DAYS: positiveInt(365).default(30),
  /** Where users reach the studio; used in emailed links and OAuth redirects. */
  PUBLIC_URL: z.url({ message: 'must be a URL such as https://app.example.com' }).optional(),
  /** SMTP server for outgoing mail (smtp:// or smtps://); unset: mail is logged outside production. */
  SMTP_URL: z
    .string()
    .refine((v) => /^smtps?:\/\/.+/.test(v), { message: 'must be an smtp:// or smtps:// URL' })
    .optional(),
  MAIL_FROM: z.string().min(3).default('Auterity <no-reply@auterity.local>'),
  /** Comma-separated emails that are platform administrators (applied at startup). */
  PLATFORM_ADMIN_EMAILS: z.string().default(''),
  /** A JSON plan catalog replacing the bundled apps/api/config/plans.json (validated at startup). */
  PLANS_FILE: z.string().min(1).optional(),
  /** Stripe secret key (`sk_…`); with STRIPE_WEBHOOK_SECRET it enables checkout, the portal and webhooks. */
  STRIPE_SECRET_KEY: z.string().min(1).optional(),
  /** Signing secret of the Stripe webhook endpoint (`whsec_…`). */
  STRIPE_WEBHOOK_SECRET: z.string().min(1).optional(),
  /** How often billing periods are rolled over (due subscriptions renew, downgrades and cancellations apply). */
  BILLING_ROLLOVER_INTERVAL_MS: positiveInt(86_400_000).default(60_000),
  /** scrypt cost as log2(N); 16 = 64 MiB per hash (OWASP minimum with r=8, p=2). Lower only for tests. */
  PASSWORD_SCRYPT_LOG_N: z.coerce.number().int().min(14).max(20).default(16),
  /** `false` turns request rate limiting off (benchmarks, or a proxy that limits instead). */
  RATE_LIMIT_ENABLED: booleanString.default(true),
  /** Requests per minute per client IP (unauthenticated tier). */
  RATE_LIMIT_IP_PER_MIN: positiveInt(1_000_000_000).default(600),
  /** Requests per minute per client IP on sign-in, registration, reset and invite routes. */
  RATE_LIMIT_AUTH_PER_MIN: positiveInt(1_000_000_000).default(30),
  /** Requests per minute per user or API key. */
  RATE_LIMIT_ACTOR_PER_MIN: positiveInt(1_000_000_000).default(600),
  /** Requests per minute per organization, all its users and API keys together. */
  RATE_LIMIT_ORG_PER_MIN: positiveInt(1_000_000_000).default(3000),
  /** Failed logins allowed per account in 15 minutes before answering 429. */
  LOGIN_FAILURES_PER_ACCOUNT: positiveInt(1000).default(10),
  /** Failed logins allowed per client IP in one minute before answering 429. */
  LOGIN_FAILURES_PER_IP: positiveInt(10_000).default(10),
  OAUTH_GOOGLE_CLIENT_ID: z.string().optional(),
  OAUTH_GOOGLE_CLIENT_SECRET: z.string().optional(),
  OAUTH_GOOGLE_ISSUER: z.url().default('https://accounts.google.com'),
  OAUTH_MICROSOFT_CLIENT_ID: z.string().optional(),
  OAUTH_MICROSOFT_CLIENT_SECRET: z.string().optional(),
  OAUTH_MICROSOFT_ISSUER: z.url().default('https://login.microsoftonline.com/common/v2.0'),
  OAUTH_GITHUB_CLIENT_ID: z.string().optional(),
  OAUTH_GITHUB_CLIENT_SECRET: z.string().optional(),
  OAUTH_GITHUB_AUTHORIZATION_URL: z.url().default('https://github.com/login/oauth/authorize'),
  OAUTH_GITHUB_TOKEN_URL: z.url().default('https://github.com/login/oauth/access_token'),
  OAUTH_GITHUB_API_URL: z.url().default('https://api.github.com'),
});

export type OAuthProviderName = 'google' | 'microsoft' | 'github';

export interface OAuthProviderConfig {
  readonly clientId: string;
  readonly clientSecret: string;
  /** OIDC issuer (Google, Microsoft): endpoints come from its discovery document. */
  readonly issuer?: string;
  /** Plain OAuth 2.0 endpoints (GitHub). */
  readonly authorizationUrl?: string;
  readonly tokenUrl?: string;
  readonly apiUrl?: string;
}

export interface Config {
  readonly env: 'development' | 'test' | 'production';
  readonly isProduction: boolean;
  readonly port: number;
  readonly host: string;
  readonly dataDir: string;
  readonly database: { readonly url?: string; readonly poolMax: number; readonly statementTimeoutMs: number };
  readonly redisUrl?: string;
  /** Undefined only outside production: main.ts then loads or creates development secrets. */
  readonly jwtSecret?: string;
  /** Encryption keys by id (empty outside production when none are configured: main.ts generates one). */
  readonly encryptionKeys: ReadonlyMap<string, Buffer>;
  readonly encryptionActiveKeyId?: string;
  readonly logLevel: string;
  readonly bodyLimitBytes: number;
  /** Structural limits of JSON bodies (checked after parsing, before any handler). */
  readonly bodyLimits: { readonly maxDepth: number; readonly maxKeys: number };
  /** Origins allowed cross-origin (CORS with credentials); empty: same-origin only. */
  readonly corsOrigins: readonly string[];
  /** Policy of the guarded outbound HTTP client (lib/http-client.ts). */
  readonly outbound: {
    readonly allowHosts: readonly string[];
    readonly allowCidrs: readonly string[];
    readonly timeoutMs: number;
  };
  readonly shutdownTimeoutMs: number;
  /** Readiness answers 503 this long after SIGTERM before the listener closes (load balancers catch up). */
  readonly shutdownDrainMs: number;
  /** GET /metrics: the scraper's bearer token (unset: loopback only). */
  readonly metrics: { readonly token?: string; readonly workerPort: number };
  /** Real-time collaboration on canvases (modules/collab). */
  readonly collab: {
    readonly maxDocumentBytes: number;
    readonly messagesPerSecond: number;
    readonly connectionsPerOrganization: number;
    readonly storeDebounceMs: number;
    readonly storeMaxDebounceMs: number;
  };
  readonly studioDir?: string;
  readonly trustProxyHops: number;
  readonly migrateOnStart: boolean;
  readonly rateLimits: {
    readonly enabled: boolean;
    readonly ipPerMinute: number;
    readonly authPerMinute: number;
    readonly actorPerMinute: number;
    readonly orgPerMinute: number;
    readonly webhookPerMinute: number;
  };
  /** Execution engine and worker settings (see modules/executions). */
  readonly executions: {
    readonly timeoutMs: number;
    readonly syncTimeoutMs: number;
    readonly workerConcurrency: number;
    readonly perOrgConcurrency: number;
    readonly staleAfterMs: number;
    readonly maxAttempts: number;
    readonly reconcileIntervalMs: number;
    readonly scheduleIntervalMs: number;
    readonly retentionDays: number;
  };
  readonly runWorkerInApi: boolean;
  /** The AI router (see modules/ai/router.ts). */
  readonly ai: {
    readonly timeoutMs: number;
    readonly maxAttempts: number;
    readonly breakerFailures: number;
    readonly breakerCooldownMs: number;
    /** Operator endpoints by provider id, from `AI_BASE_URL_<PROVIDER>`. */
    readonly baseUrls: Readonly<Record<string, string>>;
  };
  /** Plans, metering and payments (see modules/billing). */
  readonly billing: {
    readonly catalog: PlanCatalog;
    readonly rolloverIntervalMs: number;
    /** Present only when both Stripe settings are. */
    readonly stripe?: { readonly secretKey: string; readonly webhookSecret: string };
  };
  readonly auth: {
    readonly accessTtlSec: number;
    readonly refreshTtlDays: number;
    readonly issuer: string;
    readonly audience: string;
    readonly loginFailuresPerAccount: number;
    readonly loginFailuresPerIp: number;
    readonly passwordScryptLogN: number;
    readonly platformAdminEmails: readonly string[];
  };
  /** Base URL of the studio as users see it (links in mail, OAuth redirect URIs). */
  readonly publicUrl: string;
  readonly mail: { readonly smtpUrl?: string; readonly from: string };
  /** Only providers with both a client id and secret appear here. */
  readonly oauth: Readonly<Partial<Record<OAuthProviderName, OAuthProviderConfig>>>;
}

function readPlanCatalog(file: string | undefined): PlanCatalog {
  try {
    return loadPlanCatalog(file);
  } catch (err) {
    if (err instanceof PlanCatalogError) throw new ConfigError(`PLANS_FILE: ${err.message}`);
    throw err;
  }
}

/** A configuration problem, worded as one line that names the variable. */
export class ConfigError extends Error {
  override name = 'ConfigError';
}

function firstIssueLine(error: z.ZodError): string {
  const issue = error.issues[0];
  const name = issue?.path.join('.') ?? 'environment';
  return `${name} ${issue?.message ?? 'is invalid'}`;
}

function oauthProviders(env: z.infer<typeof EnvSchema>): Partial<Record<OAuthProviderName, OAuthProviderConfig>> {
  const providers: Partial<Record<OAuthProviderName, OAuthProviderConfig>> = {};
  if (env.OAUTH_GOOGLE_CLIENT_ID && env.OAUTH_GOOGLE_CLIENT_SECRET) {
    providers.google = {
      clientId: env.OAUTH_GOOGLE_CLIENT_ID,
      clientSecret: env.OAUTH_GOOGLE_CLIENT_SECRET,
      issuer: env.OAUTH_GOOGLE_ISSUER,
    };
  }
  if (env.OAUTH_MICROSOFT_CLIENT_ID && env.OAUTH_MICROSOFT_CLIENT_SECRET) {
    providers.microsoft = {
      clientId: env.OAUTH_MICROSOFT_CLIENT_ID,
      clientSecret: env.OAUTH_MICROSOFT_CLIENT_SECRET,
      issuer: env.OAUTH_MICROSOFT_ISSUER,
    };
  }
  if (env.OAUTH_GITHUB_CLIENT_ID && env.OAUTH_GITHUB_CLIENT_SECRET) {
    providers.github = {
      clientId: env.OAUTH_GITHUB_CLIENT_ID,
      clientSecret: env.OAUTH_GITHUB_CLIENT_SECRET,
      authorizationUrl: env.OAUTH_GITHUB_AUTHORIZATION_URL,
      tokenUrl: env.OAUTH_GITHUB_TOKEN_URL,
      apiUrl: env.OAUTH_GITHUB_API_URL,
    };
  }
  return providers;
}

/** `AI_BASE_URL_<PROVIDER>=https://…`: the operator's endpoint per AI provider (trusted, not SSRF-guarded). */
function aiBaseUrls(source: NodeJS.ProcessEnv): Readonly<Record<string, string>> {
  const urls: Record<string, string> = {};
  for (const [name, value] of Object.entries(source)) {
    const match = /^AI_BASE_URL_([A-Z0-9_]+)$/.exec(name);
    if (!match?.[1] || !value) continue;
    let url: URL;
    try {
      url = new URL(value);
    } catch {
      throw new ConfigError(`${name} must be an http(s) URL`);
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new ConfigError(`${name} must be an http(s) URL`);
    urls[match[1].toLowerCase().replace(/_/g, '-')] = value.replace(/\/$/, '');
  }
  return Object.freeze(urls);
}

/**
 * Parses the environment. The only reader of `process.env` in the API.
 * @throws ConfigError naming the first bad variable.
 */
export function loadConfig(source: NodeJS.ProcessEnv = process.env): Config {
  const cleaned = Object.fromEntries(Object.entries(source).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = EnvSchema.safeParse(cleaned);
  if (!parsed.success) throw new ConfigError(firstIssueLine(parsed.error));
  const env = parsed.data;
  const isProduction = env.NODE_ENV === 'production';

  if (env.JWT_SECRET !== undefined) {
    if (KNOWN_DEFAULT_SECRETS.has(env.JWT_SECRET.toLowerCase())) {
      throw new ConfigError('JWT_SECRET is a well-known default; generate one with `openssl rand -base64 48`');
    }
    if (env.JWT_SECRET.length < JWT_SECRET_MIN) {
      throw new ConfigError(`JWT_SECRET must be at least ${JWT_SECRET_MIN} characters`);
    }
  }
  if (isProduction && env.JWT_SECRET === undefined) {
    throw new ConfigError('JWT_SECRET is required when NODE_ENV=production');
  }
  const encryptionKeys = new Map<string, Buffer>(env.ENCRYPTION_KEY ? [['k1', env.ENCRYPTION_KEY]] : []);
  for (const [id, key] of env.ENCRYPTION_KEYS ?? []) encryptionKeys.set(id, key);
  if (isProduction && encryptionKeys.size === 0) {
    throw new ConfigError('ENCRYPTION_KEY is required when NODE_ENV=production (32 bytes, hex or base64)');
  }
  const activeKeyId = env.ENCRYPTION_ACTIVE_KEY_ID ?? (encryptionKeys.size === 1 ? [...encryptionKeys.keys()][0] : undefined);
  if (encryptionKeys.size > 1 && !activeKeyId)
    throw new ConfigError('ENCRYPTION_ACTIVE_KEY_ID is required when several encryption keys are configured');
  if (activeKeyId && !encryptionKeys.has(activeKeyId))
    throw new ConfigError(`ENCRYPTION_ACTIVE_KEY_ID names "${activeKeyId}", which is not configured`);

  return Object.freeze({
    env: env.NODE_ENV,
    isProduction,
    port: env.PORT,
    host: env.HOST,
    dataDir: path.resolve(env.DATA_DIR),
    database: Object.freeze({
      ...(env.DATABASE_URL ? { url: env.DATABASE_URL } : {}),
      poolMax: env.DATABASE_POOL_MAX,
      statementTimeoutMs: env.DATABASE_STATEMENT_TIMEOUT_MS,
    }),
    ...(env.REDIS_URL ? { redisUrl: env.REDIS_URL } : {}),
    ...(env.JWT_SECRET ? { jwtSecret: env.JWT_SECRET } : {}),
    encryptionKeys,
    ...(activeKeyId ? { encryptionActiveKeyId: activeKeyId } : {}),
    logLevel: env.LOG_LEVEL,
    bodyLimitBytes: env.BODY_LIMIT_BYTES,
    bodyLimits: Object.freeze({ maxDepth: env.BODY_MAX_DEPTH, maxKeys: env.BODY_MAX_KEYS }),
    corsOrigins: Object.freeze(env.CORS_ORIGINS.map((origin) => origin.replace(/\/$/, ''))),
    outbound: Object.freeze({
      allowHosts: Object.freeze(env.OUTBOUND_ALLOW_HOSTS),
      allowCidrs: Object.freeze(env.OUTBOUND_ALLOW_CIDRS),
      timeoutMs: env.OUTBOUND_TIMEOUT_MS,
    }),
    shutdownTimeoutMs: env.SHUTDOWN_TIMEOUT_MS,
    shutdownDrainMs: env.SHUTDOWN_DRAIN_MS,
    metrics: Object.freeze({ workerPort: env.METRICS_PORT, ...(env.METRICS_TOKEN ? { token: env.METRICS_TOKEN } : {}) }),
    collab: Object.freeze({
      maxDocumentBytes: env.COLLAB_MAX_DOCUMENT_BYTES,
      messagesPerSecond: env.COLLAB_MESSAGES_PER_SEC,
      connectionsPerOrganization: env.COLLAB_CONNECTIONS_PER_ORG,
      storeDebounceMs: env.COLLAB_STORE_DEBOUNCE_MS,
      storeMaxDebounceMs: Math.max(env.COLLAB_STORE_DEBOUNCE_MS, 5 * env.COLLAB_STORE_DEBOUNCE_MS),
    }),
    ...(env.STUDIO_DIR ? { studioDir: path.resolve(env.STUDIO_DIR) } : {}),
    trustProxyHops: env.TRUST_PROXY_HOPS,
    migrateOnStart: env.MIGRATE_ON_START,
    rateLimits: Object.freeze({
      enabled: env.RATE_LIMIT_ENABLED,
      ipPerMinute: env.RATE_LIMIT_IP_PER_MIN,
      authPerMinute: env.RATE_LIMIT_AUTH_PER_MIN,
      actorPerMinute: env.RATE_LIMIT_ACTOR_PER_MIN,
      orgPerMinute: env.RATE_LIMIT_ORG_PER_MIN,
      webhookPerMinute: env.RATE_LIMIT_WEBHOOK_PER_MIN,
    }),
    executions: Object.freeze({
      timeoutMs: env.EXECUTION_TIMEOUT_MS,
      syncTimeoutMs: env.EXECUTION_SYNC_TIMEOUT_MS,
      workerConcurrency: env.WORKER_CONCURRENCY,
      perOrgConcurrency: env.WORKER_CONCURRENCY_PER_ORG,
      staleAfterMs: env.EXECUTION_STALE_AFTER_MS,
      maxAttempts: env.EXECUTION_MAX_ATTEMPTS,
      reconcileIntervalMs: env.RECONCILE_INTERVAL_MS,
      scheduleIntervalMs: env.SCHEDULE_INTERVAL_MS,
      retentionDays: env.EXECUTION_RETENTION_DAYS,
    }),
    runWorkerInApi: env.RUN_WORKER_IN_API,
    ai: Object.freeze({
      timeoutMs: env.AI_TIMEOUT_MS,
      maxAttempts: env.AI_MAX_ATTEMPTS,
      breakerFailures: env.AI_BREAKER_FAILURES,
      breakerCooldownMs: env.AI_BREAKER_COOLDOWN_MS,
      baseUrls: aiBaseUrls(source),
    }),
    billing: Object.freeze({
      catalog: readPlanCatalog(env.PLANS_FILE),
      rolloverIntervalMs: env.BILLING_ROLLOVER_INTERVAL_MS,
      ...(env.STRIPE_SECRET_KEY && env.STRIPE_WEBHOOK_SECRET
        ? { stripe: Object.freeze({ secretKey: env.STRIPE_SECRET_KEY, webhookSecret: env.STRIPE_WEBHOOK_SECRET }) }
        : {}),
    }),
    auth: Object.freeze({
      accessTtlSec: env.JWT_ACCESS_TTL_SEC,
      refreshTtlDays: env.REFRESH_TOKEN_TTL_DAYS,
      issuer: 'auterity',
      audience: 'auterity-api',
      loginFailuresPerAccount: env.LOGIN_FAILURES_PER_ACCOUNT,
      loginFailuresPerIp: env.LOGIN_FAILURES_PER_IP,
      passwordScryptLogN: env.PASSWORD_SCRYPT_LOG_N,
      platformAdminEmails: env.PLATFORM_ADMIN_EMAILS.split(',')
        .map((e) => e.trim().toLowerCase())
        .filter(Boolean),
    }),
    publicUrl: (env.PUBLIC_URL ?? `http://localhost:${env.PORT}`).replace(/\/$/, ''),
    mail: Object.freeze({ ...(env.SMTP_URL ? { smtpUrl: env.SMTP_URL } : {}), from: env.MAIL_FROM }),
    oauth: Object.freeze(oauthProviders(env)),
  });
}
