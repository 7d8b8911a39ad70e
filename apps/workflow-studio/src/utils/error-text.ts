import { ApiError } from '../lib/api-client';

/** A message safe to show in an alert, with the request id support needs to find the server log. */
export function errorText(error: unknown): string {
  if (!(error instanceof ApiError)) return 'Something went wrong. Please try again.';
  if (error.code === 'forbidden') return 'Your role does not allow this action. Ask an owner or admin.';
  if (error.code === 'rate_limited') return 'Too many requests. Wait a moment and try again.';
  return error.requestId ? `${error.message} (reference ${error.requestId})` : error.message;
}

/** Field messages keyed by path (`name`, `data.apiKey`) from a failed API call; empty for other errors. */
export function serverFieldErrors(error: unknown): Record<string, string> {
  return error instanceof ApiError ? error.fieldErrors() : {};
}

/** Field messages keyed by path from a contract schema's issues, first message per field. */
export function issueFieldErrors(issues: readonly { path: readonly PropertyKey[]; message: string }[]): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const issue of issues) {
    const key = issue.path.map(String).join('.');
    if (key && !fields[key]) fields[key] = issue.message;
  }
  return fields;
}
