import { timingSafeEqual } from 'node:crypto';
import type { Request, RequestHandler } from 'express';
import { httpDuration, rateLimited, scrape } from '../lib/metrics';
import { AppError, UnauthenticatedError } from './errors';

/** The matched route's template (`/api/workflows/:workflowId`), never the raw path (unbounded labels). */
function routeOf(req: Request): string {
  const path: unknown = (req.route as { path?: unknown } | undefined)?.path;
  return typeof path === 'string' ? path : 'unmatched';
}

type Series = ReturnType<typeof httpDuration.labels>;

/**
 * Observes every response's duration by method, route template and status: one histogram observe
 * on a cached series (a Map lookup instead of prom-client's label hashing on the hot path).
 */
export function httpMetrics(): RequestHandler {
  const series = new Map<string, Series>();
  return (req, res, next) => {
    const started = performance.now();
    res.on('finish', () => {
      const route = routeOf(req);
      const status = res.statusCode;
      const key = `${req.method} ${status} ${route}`;
      let child = series.get(key);
      if (!child) {
        child = httpDuration.labels(req.method, route, String(status));
        series.set(key, child);
      }
      child.observe((performance.now() - started) / 1000);
      if (status === 429) rateLimited.inc({ route });
    });
    next();
  };
}

const LOOPBACK = new Set(['127.0.0.1', '::1', '::ffff:127.0.0.1']);

function sameSecret(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * `GET /metrics` (Prometheus text). With `token` set, the scraper sends `Authorization: Bearer
 * <token>`; without it, only direct loopback connections (a sidecar, `curl` on the host) are served
 * and everyone else gets the ordinary 404, so the endpoint is never public by accident.
 */
export function metricsHandler(options: { token?: string }): RequestHandler {
  return async (req, res) => {
    if (options.token) {
      const header = req.headers.authorization;
      const given = typeof header === 'string' && header.startsWith('Bearer ') ? header.slice(7).trim() : '';
      if (!sameSecret(given, options.token)) throw new UnauthenticatedError('Metrics token required');
    } else if (!LOOPBACK.has(req.socket.remoteAddress ?? '') || req.headers['x-forwarded-for'] !== undefined) {
      throw new AppError(404, 'route_not_found', `No route for ${req.method} ${req.path}`);
    }
    const { contentType, body } = await scrape();
    res.setHeader('Content-Type', contentType);
    res.setHeader('Cache-Control', 'no-store');
    res.status(200).send(body);
  };
}
