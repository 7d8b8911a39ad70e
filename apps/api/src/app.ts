import express, { type Express, type RequestHandler } from 'express';
import type { Redis } from 'ioredis';
import type { Config, OAuthProviderName } from './config';
import type { Database } from './lib/db';
import type { Logger } from './lib/logger';
import type { Mailer } from './lib/mailer';
import { apiKeysRoutes } from './modules/api-keys/api-keys.routes';
import { createApiKeysService } from './modules/api-keys/api-keys.service';
import { membersRoutes } from './modules/members/members.routes';
import { credentialsRoutes } from './modules/credentials/credentials.routes';
import { createCredentialsService } from './modules/credentials/credentials.service';
import { createEncryptor } from './lib/crypto';
import { createRateLimiter } from './http/rate-limit';
import { crossOrigin } from './http/cors';
import { chain } from './http/chain';
import { securityHeaders } from './http/security-headers';
import { jsonBody } from './http/json-body';
import { httpMetrics, metricsHandler } from './http/metrics';
import { createGuardedHttpClient } from './lib/http-client';
import { auditRoutes } from './modules/audit/audit.routes';
import { createAuditService } from './modules/audit/audit.service';
import { oauthRoutes } from './modules/oauth/oauth.routes';
import { createOAuthService } from './modules/oauth/oauth.service';
import { createHmac } from 'node:crypto';
import { createMembersService } from './modules/members/members.service';
import { createAccessTokenSigner } from './modules/auth/access-token';
import { authRoutes } from './modules/auth/auth.routes';
import { createAuthService } from './modules/auth/auth.service';
import { API_KEY_PREFIX, createAuthenticator } from './modules/auth/authenticator';
import { createLoginThrottle } from './modules/auth/login-throttle';
import { createMemoryRevocationStore, type RevocationStore } from './modules/auth/revocation';
import { createPasswordHasher } from './lib/passwords';
import { routeTable, type RouteDefinition } from './http/define-route';
import { createErrorHandler, notFoundHandler } from './http/error-handler';
import { buildOpenApiDocument } from './http/openapi';
import { requestContext } from './http/request-context';
import { studioRouter } from './http/studio';
import { docsRouter } from './modules/docs/docs.routes';
import { healthRoutes, type ReadinessCheck } from './modules/health/health.routes';
import { createLocalEventBus, type EventBus } from './lib/event-bus';
import { createMemoryQueue, type ExecutionQueue } from './lib/job-queue';
import type { AiGenerator } from './engine/types';
import { aiRoutes } from './modules/ai/ai.routes';
import { createAiService } from './modules/ai/ai.service';
import { gatewayRoutes } from './modules/ai/gateway.routes';
import { createNodeAi } from './modules/ai/node-ai';
import { createAiRouter } from './modules/ai/router';
import { listProviderCredentials } from './modules/credentials/credentials.repo';
import { workflowsRoutes } from './modules/workflows/workflows.routes';
import { createWorkflowsService } from './modules/workflows/workflows.service';
import { executionsRoutes } from './modules/executions/executions.routes';
import { billingRoutes, STRIPE_WEBHOOK_PATH } from './modules/billing/billing.routes';
import { createBillingService } from './modules/billing/billing.service';
import { createPlanBook } from './modules/billing/plans';
import { createStripeGateway } from './modules/billing/stripe-gateway';
import { createExecutionsService } from './modules/executions/executions.service';
import { analyticsRoutes } from './modules/analytics/analytics.routes';
import { createInsightServices } from './modules/analytics/insights';
import { requestRecorderMiddleware } from './modules/analytics/request-recorder';
import { errorIqRoutes } from './modules/error-iq/error-iq.routes';

/** Everything the HTTP app needs, built once by the wiring in context.ts (or by a test). */
export interface AppDeps {
  config: Pick<
    Config,
    | 'bodyLimitBytes'
    | 'bodyLimits'
    | 'corsOrigins'
    | 'outbound'
    | 'trustProxyHops'
    | 'isProduction'
    | 'auth'
    | 'publicUrl'
    | 'oauth'
    | 'rateLimits'
    | 'executions'
    | 'ai'
    | 'metrics'
    | 'billing'
  >;
  log: Logger;
  db: Database;
  redis?: Redis;
  secrets: { jwtSecret: string; encryptionKeys: ReadonlyMap<string, Buffer>; activeKeyId: string };
  /** Shared across replicas when Redis is configured (context.ts); in-process otherwise. */
  revocations?: RevocationStore;
  mailer: Mailer;
  readinessChecks: readonly ReadinessCheck[];
  notConfigured: readonly string[];
  isShuttingDown(): boolean;
  studioDir?: string;
  version: string;
  /** Redis pub/sub in services mode (context.ts); in-process otherwise. */
  bus?: EventBus;
  /** BullMQ in services mode (context.ts); in-process otherwise. */
  queue?: ExecutionQueue;
  /** The model behind AI nodes; the AI router when not given. */
  ai?: AiGenerator;
}

const PROVIDER_NAMES: Record<OAuthProviderName, string> = { google: 'Google', microsoft: 'Microsoft', github: 'GitHub' };

/** The domain services, built once per process from the wiring's dependencies. */
export function createServices(deps: AppDeps) {
  const { config, db, log, redis } = deps;
  const audit = createAuditService({ db, log });
  const billing = createBillingService({
    db,
    log,
    plans: createPlanBook(config.billing.catalog),
    audit,
    publicUrl: config.publicUrl,
    ...(config.billing.stripe ? { stripe: createStripeGateway(config.billing.stripe) } : {}),
    ...(deps.bus ? { bus: deps.bus } : {}),
    settleUsage: () => aiRouter.flushUsage(),
  });
  const signer = createAccessTokenSigner({
    secret: deps.secrets.jwtSecret,
    ttlSec: config.auth.accessTtlSec,
    issuer: config.auth.issuer,
    audience: config.auth.audience,
  });
  const revocations = deps.revocations ?? createMemoryRevocationStore(config.auth.accessTtlSec);
  const throttle = createLoginThrottle({
    perAccount: config.auth.loginFailuresPerAccount,
    perIp: config.auth.loginFailuresPerIp,
    ...(redis ? { redis } : {}),
  });
  const passwords = createPasswordHasher({ logN: config.auth.passwordScryptLogN });
  const auth = createAuthService({
    db,
    signer,
    revocations,
    throttle,
    mailer: deps.mailer,
    passwords,
    audit,
    log,
    refreshTtlDays: config.auth.refreshTtlDays,
    publicUrl: config.publicUrl,
    platformAdminEmails: config.auth.platformAdminEmails,
    onOrganizationCreated: (tx, organizationId) => billing.startTrialIfConfigured(tx, organizationId),
  });
  const apiKeys = createApiKeysService({ db, log });
  const authenticate = createAuthenticator({ signer, revocations, authenticateApiKey: (key) => apiKeys.authenticate(key) });
  const members = createMembersService({ db, auth, mailer: deps.mailer, passwords, publicUrl: config.publicUrl, seats: billing });
  const oauth = createOAuthService({
    db,
    auth,
    log,
    providers: config.oauth,
    publicUrl: config.publicUrl,
    stateKey: createHmac('sha256', deps.secrets.jwtSecret).update('oauth-state').digest(),
    onOrganizationCreated: (tx, organizationId) => billing.startTrialIfConfigured(tx, organizationId),
  });
  const encryptor = createEncryptor(deps.secrets.encryptionKeys, deps.secrets.activeKeyId);
  const credentials = createCredentialsService({ db, encryptor });
  const limiter = config.rateLimits.enabled
    ? createRateLimiter(config.rateLimits, {
        ...(redis ? { redis } : {}),
        log,
        planPerMinute: (organizationId) => billing.apiRequestsPerMinute(organizationId),
      })
    : undefined;
  /** The only way to call user-chosen URLs (SSRF guard, timeouts, size cap). */
  const outbound = createGuardedHttpClient({
    allowHosts: config.outbound.allowHosts,
    allowCidrs: config.outbound.allowCidrs,
    defaultTimeoutMs: config.outbound.timeoutMs,
  });
  const aiRouter = createAiRouter({
    db,
    log,
    outbound,
    credentials,
    listProviderCredentials: (organizationId) => listProviderCredentials(db, organizationId),
    config: config.ai,
    planBudgetUsd: (tier) => billing.aiBudgetUsd(tier),
    onBudgetAlert: (alert) =>
      void audit.record({
        action: alert.level === 100 ? 'ai.budget.exhausted' : 'ai.budget.warning',
        organizationId: alert.organizationId,
        target: { type: alert.scope, id: alert.scopeId },
        metadata: { level: alert.level, spentUsd: alert.spentUsd, limitUsd: alert.limitUsd },
      }),
  });
  credentials.onChange((organizationId) => aiRouter.invalidate(organizationId));
  const ai = createAiService({ db, router: aiRouter, baseUrls: config.ai.baseUrls });
  const workflows = createWorkflowsService({ db, encryptor, publicUrl: config.publicUrl, limits: billing });
  const executions = createExecutionsService({
    db,
    log,
    workflows,
    credentials,
    bus: deps.bus ?? createLocalEventBus(),
    queue: deps.queue ?? createMemoryQueue(),
    http: outbound,
    ai: deps.ai ?? createNodeAi(aiRouter),
    settings: config.executions,
    billing,
  });
  // Request analytics and Error-IQ (they watch executions and explain with the AI router).
  const insights = createInsightServices(deps, { auth, outbound, aiRouter, executions, encryptor });
  return {
    ...insights,
    signer,
    revocations,
    auth,
    apiKeys,
    members,
    oauth,
    credentials,
    authenticate,
    limiter,
    audit,
    outbound,
    workflows,
    executions,
    aiRouter,
    ai,
    billing,
  };
}
export type Services = ReturnType<typeof createServices>;

/** Every route of the API, in one table: mounted on Express and described in OpenAPI. */
export function buildRoutes(deps: AppDeps, services: Services): RouteDefinition[] {
  const configured = Object.keys(deps.config.oauth) as OAuthProviderName[];
  return [
    ...analyticsRoutes(services.analytics),
    ...errorIqRoutes(services.errorIq),
    ...healthRoutes({ checks: deps.readinessChecks, notConfigured: deps.notConfigured, isShuttingDown: deps.isShuttingDown }),
    ...authRoutes({
      auth: services.auth,
      secureCookies: deps.config.isProduction,
      publicUrl: deps.config.publicUrl,
      providers: () => configured.map((id) => ({ id, name: PROVIDER_NAMES[id] })),
    }),
    ...apiKeysRoutes(services.apiKeys),
    ...credentialsRoutes(services.credentials),
    ...workflowsRoutes(services.workflows),
    ...executionsRoutes(services.executions, {
      ...(services.limiter ? { limiter: services.limiter } : {}),
      webhookPerMinute: deps.config.rateLimits.webhookPerMinute,
    }),
    ...auditRoutes(services.audit),
    ...aiRoutes(services.ai),
    ...gatewayRoutes({ router: services.aiRouter, executions: services.executions }),
    ...membersRoutes(services.members, { secureCookies: deps.config.isProduction }),
    ...billingRoutes(services.billing),
    ...oauthRoutes(services.oauth, { secureCookies: deps.config.isProduction, publicUrl: deps.config.publicUrl }),
  ];
}

/** The Express app without `listen()`; tests drive it in-process with supertest. */
export function createApp(deps: AppDeps, services: Services = createServices(deps)): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  app.set('trust proxy', deps.config.trustProxyHops);

  // What every request goes through, as one layer (chain.ts).
  const cors = crossOrigin(deps.config.corsOrigins);
  const everyRequest: RequestHandler[] = [
    httpMetrics(),
    requestContext(deps.log),
    requestRecorderMiddleware(services.requests),
    ...(cors ? [cors] : []),
    securityHeaders({
      contentSecurityPolicy: {
        directives: {
          defaultSrc: ["'self'"],
          scriptSrc: ["'self'"],
          styleSrc: ["'self'", "'unsafe-inline'"],
          imgSrc: ["'self'", 'data:'],
          connectSrc: ["'self'"],
          frameAncestors: ["'none'"],
          objectSrc: ["'none'"],
          baseUri: ["'self'"],
          formAction: ["'self'"],
          upgradeInsecureRequests: deps.config.isProduction ? [] : null,
        },
      },
      strictTransportSecurity: deps.config.isProduction,
    }),
  ];
  app.use(chain(everyRequest));
  app.get('/metrics', metricsHandler(deps.config.metrics));
  // Stripe signs the exact bytes it sent: that route keeps its raw body (the JSON parser then skips it).
  app.post(STRIPE_WEBHOOK_PATH, express.raw({ type: () => true, limit: deps.config.bodyLimitBytes }));
  app.use(jsonBody({ limitBytes: deps.config.bodyLimitBytes, ...deps.config.bodyLimits }));

  const routes = buildRoutes(deps, services);
  app.use(
    routeTable(routes, {
      authenticate: services.authenticate,
      authenticateCached: ({ bearer, apiKey }) => {
        const key = apiKey ?? (bearer?.startsWith(API_KEY_PREFIX) ? bearer : undefined);
        return key ? services.apiKeys.cached(key) : undefined;
      },
      limiter: services.limiter,
      admit: (actor, path) => services.billing.admit(actor, path),
      audit: (entry) => services.audit.record(entry),
    }),
  );
  app.use(docsRouter(() => buildOpenApiDocument(routes, deps.version)));
  app.use('/api', notFoundHandler);
  app.use('/v1', notFoundHandler);

  const studio = deps.studioDir ? studioRouter(deps.studioDir) : undefined;
  if (studio) app.use(studio);
  else if (deps.studioDir) deps.log.warn({ studioDir: deps.studioDir }, 'studio is not built; run `npm run build`');
  app.use(notFoundHandler);
  app.use(createErrorHandler((error) => services.errorIq.capture(error)));
  return app;
}
