import express, { type Express } from 'express';
import helmet from 'helmet';
import type { Config } from './config';
import type { Database } from './lib/db';
import type { Logger } from './lib/logger';
import { toExpressHandler, type RouteDefinition } from './http/define-route';
import { errorHandler, notFoundHandler } from './http/error-handler';
import { buildOpenApiDocument } from './http/openapi';
import { requestContext } from './http/request-context';
import { studioRouter } from './http/studio';
import { docsRouter } from './modules/docs/docs.routes';
import { healthRoutes, type ReadinessCheck } from './modules/health/health.routes';

/** Everything the HTTP app needs, built once by the wiring in context.ts (or by a test). */
export interface AppDeps {
  config: Pick<Config, 'bodyLimitBytes' | 'trustProxyHops' | 'isProduction'>;
  log: Logger;
  db: Database;
  readinessChecks: readonly ReadinessCheck[];
  notConfigured: readonly string[];
  isShuttingDown(): boolean;
  studioDir?: string;
  version: string;
}

/** Every route of the API, in one table: mounted on Express and described in OpenAPI. */
export function buildRoutes(deps: AppDeps): RouteDefinition[] {
  return [
    ...healthRoutes({ checks: deps.readinessChecks, notConfigured: deps.notConfigured, isShuttingDown: deps.isShuttingDown }),
  ];
}

/** The Express app without `listen()`; tests drive it in-process with supertest. */
export function createApp(deps: AppDeps): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  app.set('trust proxy', deps.config.trustProxyHops);

  app.use(requestContext(deps.log));
  app.use(
    helmet({
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
  );
  app.use(express.json({ limit: deps.config.bodyLimitBytes, strict: true, type: ['application/json', 'application/*+json'] }));

  const routes = buildRoutes(deps);
  const api = express.Router();
  for (const route of routes) api[route.method](route.path, toExpressHandler(route));
  app.use(api);
  app.use(docsRouter(() => buildOpenApiDocument(routes, deps.version)));
  app.use('/api', notFoundHandler);

  const studio = deps.studioDir ? studioRouter(deps.studioDir) : undefined;
  if (studio) app.use(studio);
  else if (deps.studioDir) deps.log.warn({ studioDir: deps.studioDir }, 'studio is not built; run `npm run build`');
  app.use(notFoundHandler);
  app.use(errorHandler);
  return app;
}
