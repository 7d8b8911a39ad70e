import { randomUUID } from 'node:crypto';
import type { RequestHandler, Response } from 'express';
import type { Logger } from '../lib/logger';

const INCOMING_ID = /^[A-Za-z0-9._:-]{1,128}$/;
/** Probes hit these many times a minute; their lines go to debug so they never drown real traffic. */
const QUIET_PATHS = new Set(['/api/health', '/api/ready']);

interface Locals {
  requestId?: string;
  rootLog?: Logger;
  log?: Logger;
}

/** The id of the current request (also sent as `X-Request-Id`). */
export function requestIdOf(res: Response): string {
  return (res.locals as Locals).requestId ?? 'unknown';
}

/** A child logger carrying the request id, made on first use (most requests never log). */
export function requestLog(res: Response): Logger {
  const locals = res.locals as Locals;
  if (!locals.log) {
    if (!locals.rootLog) throw new Error('request context middleware is not installed');
    locals.log = locals.rootLog.child({ requestId: locals.requestId });
  }
  return locals.log;
}

/**
 * Gives every request an id (a well-formed incoming `X-Request-Id` is kept, so traces join across
 * proxies), echoes it, and logs one line when the response finishes. Paths only: query strings
 * may carry tokens.
 */
export function requestContext(log: Logger): RequestHandler {
  return (req, res, next) => {
    const incoming = req.headers['x-request-id'];
    const requestId = typeof incoming === 'string' && INCOMING_ID.test(incoming) ? incoming : randomUUID();
    const locals = res.locals as Locals;
    locals.requestId = requestId;
    locals.rootLog = log;
    res.setHeader('X-Request-Id', requestId);
    // Probe lines are debug-only; skip the bookkeeping entirely when debug is off (hot path).
    if (QUIET_PATHS.has(req.path) && !log.isLevelEnabled('debug')) {
      next();
      return;
    }
    const started = performance.now();
    res.on('finish', () => {
      const url = req.originalUrl;
      const queryAt = url.indexOf('?');
      const urlPath = queryAt === -1 ? url : url.slice(0, queryAt);
      const level = QUIET_PATHS.has(urlPath) ? 'debug' : res.statusCode >= 500 ? 'error' : 'info';
      if (!log.isLevelEnabled(level)) return;
      const durationMs = Math.round((performance.now() - started) * 10) / 10;
      log[level]({ requestId, method: req.method, path: urlPath, status: res.statusCode, durationMs }, 'request');
    });
    next();
  };
}
