import type { ErrorRequestHandler, NextFunction, Request, RequestHandler, Response } from 'express';
import type { ApiErrorBody, ErrorCode } from '@auterity/workflow-contracts';
import { actorOfResponse } from './define-route';
import { AppError, RateLimitedError } from './errors';
import { openAiErrorBody } from './openai-error';
import { requestLog, requestIdOf } from './request-context';

/** SQLSTATE classes and socket errors that mean "the database is unreachable right now". */
const DATABASE_DOWN_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  '57P01',
  '57P02',
  '57P03',
  '08000',
  '08001',
  '08003',
  '08006',
]);

/**
 * Writes the one error envelope of ARCHITECTURE.md; on the OpenAI-compatible gateway (`/v1/…`)
 * OpenAI's own error shape, which its clients parse.
 */
export function sendError(res: Response, status: number, code: ErrorCode, message: string, details?: unknown): void {
  if (res.req.originalUrl.startsWith('/v1/')) {
    const issue = (details as { issues?: { path: string; message: string }[] } | undefined)?.issues?.[0];
    const text = issue ? `${message}: ${issue.path.replace(/^body\./, '')}: ${issue.message}` : message;
    res.status(status).json(openAiErrorBody(status, code, text, issue ? issue.path.replace(/^body\./, '') : null));
    return;
  }
  const body: ApiErrorBody = { error: message, code, ...(details === undefined ? {} : { details }), requestId: requestIdOf(res) };
  res.status(status).json(body);
}

/** Any /api path that no route matched. */
export const notFoundHandler: RequestHandler = (req, res) => {
  sendError(res, 404, 'route_not_found', `No route for ${req.method} ${req.originalUrl.split('?')[0] ?? ''}`);
};

interface HttpLibraryError {
  /** body-parser's classification of a body problem. */
  type?: string;
  /** http-errors (serve-static, body-parser) mark client errors safe to expose. */
  status?: number;
  expose?: boolean;
}

function isDatabaseDown(err: unknown): boolean {
  if (!(err instanceof Error)) return false;
  const code = (err as { code?: unknown }).code;
  return (
    (typeof code === 'string' && DATABASE_DOWN_CODES.has(code)) ||
    /timeout exceeded when trying to connect|Connection terminated/i.test(err.message)
  );
}

/** An unexpected error as Error-IQ captures it (the fields of `CapturedError` the handler knows). */
export interface UnhandledErrorReport {
  source: 'api';
  organizationId: string | null;
  userId: string | null;
  apiKeyId: string | null;
  errorType: string;
  message: string;
  stack: string | null;
  location: string;
  context: Record<string, unknown>;
}

function reportOf(err: unknown, req: Request, res: Response): UnhandledErrorReport {
  const actor = actorOfResponse(res);
  const routePath: unknown = req.route?.path;
  const template = typeof routePath === 'string' ? routePath : '(unmatched)';
  const error = err instanceof Error ? err : new Error(String(err));
  return {
    source: 'api',
    organizationId: actor?.organizationId ?? null,
    userId: actor?.kind === 'user' ? actor.userId : null,
    apiKeyId: actor?.kind === 'api_key' ? actor.apiKeyId : null,
    errorType: error.name || 'Error',
    message: error.message || 'Unknown error',
    stack: error.stack ?? null,
    location: `${req.method} ${template}`,
    context: { requestId: requestIdOf(res), method: req.method, route: template, statusCode: 500 },
  };
}

/**
 * Renders every error as the JSON envelope. Expected errors (AppError, bad input) are logged at
 * info; anything else is a 500 with only a request id, logged with its stack, never echoed, and
 * handed to `onUnhandled` (Error-IQ), which must return at once.
 */
export function createErrorHandler(onUnhandled?: (report: UnhandledErrorReport) => void): ErrorRequestHandler {
  return (err: unknown, req, res, next) => {
    handle(err, req, res, next, onUnhandled);
  };
}

/** The handler without error capture. */
export const errorHandler: ErrorRequestHandler = createErrorHandler();

function handle(
  err: unknown,
  req: Request,
  res: Response,
  _next: NextFunction,
  onUnhandled: ((report: UnhandledErrorReport) => void) | undefined,
): void {
  const log = requestLog(res);
  if (res.headersSent) {
    log.error({ err }, 'error after response started');
    res.destroy();
    return;
  }
  if (err instanceof AppError) {
    if (err instanceof RateLimitedError) res.setHeader('Retry-After', String(err.retryAfterSec));
    log.info({ code: err.code, status: err.status }, err.message);
    sendError(res, err.status, err.code, err.message, err.details);
    return;
  }
  const libraryError = (err ?? {}) as HttpLibraryError;
  switch (libraryError.type) {
    case 'entity.parse.failed':
      sendError(res, 400, 'invalid_json', 'Request body is not valid JSON');
      return;
    case 'entity.too.large':
      sendError(res, 413, 'payload_too_large', 'Request body is too large');
      return;
    case 'encoding.unsupported':
    case 'charset.unsupported':
      sendError(res, 415, 'unsupported_media_type', 'Unsupported body encoding or charset');
      return;
    case 'request.aborted':
      res.destroy();
      return;
    default:
      break;
  }
  // The router could not decode a path parameter (`/api/workflows/%zz`): the client's mistake.
  if (err instanceof URIError) {
    sendError(res, 400, 'validation_failed', 'Malformed percent-encoding in the URL');
    return;
  }
  if (libraryError.expose && libraryError.status && libraryError.status >= 400 && libraryError.status < 500) {
    if (libraryError.status === 404) sendError(res, 404, 'not_found', 'Not found');
    else sendError(res, 400, 'validation_failed', 'Bad request');
    return;
  }
  if (isDatabaseDown(err)) {
    log.warn({ err }, 'database unavailable');
    res.setHeader('Retry-After', '5');
    sendError(res, 503, 'not_ready', 'Service temporarily unavailable, please retry');
    return;
  }
  log.error({ err }, 'unhandled error');
  if (onUnhandled) {
    try {
      onUnhandled(reportOf(err, req, res));
    } catch (captureErr) {
      log.warn({ err: captureErr }, 'could not capture an unhandled error');
    }
  }
  sendError(res, 500, 'internal_error', 'Internal server error');
}
