import { z } from 'zod';

/**
 * Stable, machine-readable error codes. Clients switch on these, never on the message text,
 * so codes are only ever added, never renamed.
 */
export const ERROR_CODES = [
  'validation_failed',
  'invalid_json',
  'unsupported_media_type',
  'payload_too_large',
  'route_not_found',
  'not_found',
  'method_not_allowed',
  'unauthenticated',
  'invalid_token',
  'invalid_credentials',
  'forbidden',
  'conflict',
  'quota_exceeded',
  'rate_limited',
  'not_ready',
  'internal_error',
  'workflow_invalid',
  'execution_finished',
  'budget_exceeded',
  'model_not_found',
  'model_unavailable',
  'no_model_available',
  'unsupported_request',
  'ai_provider_failed',
  'plan_limit_reached',
  'organization_suspended',
] as const;

/** One of {@link ERROR_CODES}. */
export const ErrorCodeSchema = z.enum(ERROR_CODES);
export type ErrorCode = z.infer<typeof ErrorCodeSchema>;

/** One field-level problem reported with `validation_failed`. */
export const FieldIssueSchema = z
  .object({
    /** Where the problem is: `body.email`, `query.limit`, `params.id`. */
    path: z.string(),
    /** A human message safe to show next to the field. */
    message: z.string(),
  })
  .meta({ id: 'FieldIssue' });
export type FieldIssue = z.infer<typeof FieldIssueSchema>;

/**
 * The single shape of every error response (ARCHITECTURE.md). `error` is the human message,
 * `requestId` matches the `X-Request-Id` header and the server logs.
 */
export const ApiErrorSchema = z
  .object({
    error: z.string().meta({ description: 'Human-readable message, safe to show to users' }),
    code: ErrorCodeSchema,
    details: z.unknown().optional().meta({ description: 'Optional structured details, e.g. field issues' }),
    requestId: z.string(),
  })
  .meta({ id: 'ApiError', description: 'Error envelope returned by every failing request' });
export type ApiErrorBody = z.infer<typeof ApiErrorSchema>;
