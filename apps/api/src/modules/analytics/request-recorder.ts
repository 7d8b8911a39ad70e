import type { RequestHandler } from 'express';
import { actorOfResponse } from '../../http/define-route';
import { Counter } from 'prom-client';
import { createBatcher } from '../../lib/batcher';
import { registry } from '../../lib/metrics';
import type { Database } from '../../lib/db';
import type { Logger } from '../../lib/logger';
import { insertApiRequests, type ApiRequestRow } from './analytics.repo';

/** Request analytics rows by outcome: `written`, `dropped` (buffer full) or `failed` (a batch the database refused). */
const recorderRows = new Counter({
  name: 'auterity_request_analytics_rows_total',
  help: 'Request analytics rows by outcome: written, dropped (buffer full) or failed (batch refused)',
  labelNames: ['outcome'] as const,
  registers: [registry],
});

export interface RequestRecorderOptions {
  /** Rows waiting to be written; beyond it rows are dropped and counted. */
  maxBuffered?: number;
  /** Rows per INSERT statement. */
  maxBatch?: number;
  /**
   * How long rows gather before a statement goes out (default 1 s): under load one statement and
   * one commit per interval instead of one per database round trip, which kept the database busy.
   */
  lingerMs?: number;
}

export interface RecorderStats {
  buffered: number;
  written: number;
  dropped: number;
  failed: number;
}

/**
 * Records API requests into `api_requests` off the request path: `record()` only appends to a
 * bounded buffer (no await, no I/O); a group-commit batcher writes buffered rows with one INSERT
 * per batch. A full buffer drops rows (counted and logged, never failing a request); a failed
 * batch is counted and logged, not retried row by row.
 */
export function createRequestRecorder(db: Database, log: Logger, options: RequestRecorderOptions = {}) {
  const maxBuffered = options.maxBuffered ?? 10_000;
  const stats: RecorderStats = { buffered: 0, written: 0, dropped: 0, failed: 0 };
  let lastDropLog = 0;
  const idle: (() => void)[] = [];
  const batcher = createBatcher<ApiRequestRow>(
    async (rows) => {
      try {
        await insertApiRequests(db, rows);
        stats.written += rows.length;
        recorderRows.inc({ outcome: 'written' }, rows.length);
      } catch (err) {
        stats.failed += rows.length;
        recorderRows.inc({ outcome: 'failed' }, rows.length);
        log.warn({ err, rows: rows.length, failedTotal: stats.failed }, 'could not write request analytics');
      }
    },
    options.maxBatch ?? 1000,
    options.lingerMs ?? 1000,
  );

  const settle = () => {
    stats.buffered -= 1;
    if (stats.buffered === 0) for (const resolve of idle.splice(0)) resolve();
  };

  return {
    /** Buffers one row; never throws, never waits. */
    record(row: ApiRequestRow): void {
      if (stats.buffered >= maxBuffered) {
        stats.dropped += 1;
        recorderRows.inc({ outcome: 'dropped' });
        const nowMs = Date.now();
        if (nowMs - lastDropLog > 10_000) {
          lastDropLog = nowMs;
          log.warn({ dropped: stats.dropped, maxBuffered }, 'request analytics buffer full: rows dropped');
        }
        return;
      }
      stats.buffered += 1;
      void batcher.write(row).then(settle, settle);
    },

    stats(): RecorderStats {
      return { ...stats };
    },

    /** Resolves when every buffered row is written (or `timeoutMs` passed): shutdown and tests. */
    async flush(timeoutMs = 5000): Promise<void> {
      if (stats.buffered === 0) return;
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([
        new Promise<void>((resolve) => idle.push(resolve)),
        new Promise<void>((resolve) => {
          timer = setTimeout(resolve, timeoutMs);
        }),
      ]);
      clearTimeout(timer);
      if (stats.buffered > 0) log.warn({ buffered: stats.buffered }, 'request analytics not flushed before shutdown');
    },
  };
}
export type RequestRecorder = ReturnType<typeof createRequestRecorder>;

/** Probes are not traffic (and their path is the benchmark's hot path). */
const SKIPPED = new Set(['/api/health', '/api/ready']);

/**
 * Records every `/api` and `/v1` request when its response finishes: the route template (not the
 * URL, which carries ids and tokens), method, status, duration, sizes and who called.
 */
export function requestRecorderMiddleware(recorder: RequestRecorder): RequestHandler {
  return (req, res, next) => {
    const path = req.path;
    if (SKIPPED.has(path) || !(path.startsWith('/api/') || path.startsWith('/v1/'))) {
      next();
      return;
    }
    const started = performance.now();
    res.on('finish', () => {
      const actor = actorOfResponse(res);
      const routePath: unknown = req.route?.path;
      const length = Number(res.getHeader('content-length'));
      const requestLength = Number(req.headers['content-length']);
      recorder.record({
        organizationId: actor?.organizationId ?? null,
        userId: actor?.kind === 'user' ? actor.userId : null,
        apiKeyId: actor?.kind === 'api_key' ? actor.apiKeyId : null,
        endpoint: typeof routePath === 'string' ? routePath : '(unmatched)',
        method: req.method,
        statusCode: res.statusCode,
        responseTimeMs: Math.round(performance.now() - started),
        requestSize: Number.isFinite(requestLength) ? requestLength : null,
        responseSize: Number.isFinite(length) ? length : null,
        at: new Date(),
      });
    });
    next();
  };
}
