import cors from 'cors';
import type { RequestHandler } from 'express';

/**
 * Cross-origin access for the listed browser origins only (credentials allowed, since each origin
 * is named); undefined without origins, so the API stays same-origin and pays nothing per request.
 */
export function crossOrigin(origins: readonly string[]): RequestHandler | undefined {
  if (origins.length === 0) return undefined;
  return cors({
    origin: [...origins],
    credentials: true,
    methods: ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'],
    allowedHeaders: ['Authorization', 'Content-Type', 'X-API-Key', 'X-Request-Id'],
    exposedHeaders: ['X-Request-Id', 'Retry-After', 'RateLimit-Limit', 'RateLimit-Remaining', 'RateLimit-Reset'],
    maxAge: 600,
  });
}
