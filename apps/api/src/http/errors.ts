import type { ErrorCode, FieldIssue } from '@auterity/workflow-contracts';

/** An expected failure whose message is safe to show users; rendered with the error envelope. */
export class AppError extends Error {
  override name = 'AppError';
  constructor(
    readonly status: number,
    readonly code: ErrorCode,
    message: string,
    readonly details?: unknown,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export class ValidationError extends AppError {
  constructor(message: string, issues: FieldIssue[]) {
    super(400, 'validation_failed', message, { issues });
  }
}

export class UnauthenticatedError extends AppError {
  constructor(message = 'Access token required', code: ErrorCode = 'unauthenticated') {
    super(401, code, message);
  }
}

export class ForbiddenError extends AppError {
  constructor(message = 'Insufficient permissions') {
    super(403, 'forbidden', message);
  }
}

export class NotFoundError extends AppError {
  constructor(resource: string) {
    super(404, 'not_found', `${resource.charAt(0).toUpperCase()}${resource.slice(1)} not found`);
  }
}

export class ConflictError extends AppError {
  constructor(message: string) {
    super(409, 'conflict', message);
  }
}

export class RateLimitedError extends AppError {
  constructor(readonly retryAfterSec: number) {
    super(429, 'rate_limited', 'Too many requests', { retryAfterSec });
  }
}

export class ServiceUnavailableError extends AppError {
  constructor(message: string, details?: unknown) {
    super(503, 'not_ready', message, details);
  }
}
