import { ApiErrorSchema, type ErrorCode } from '@auterity/workflow-contracts';
import { accessToken, refreshSession } from './session';

/** A failed API call, carrying the server's stable error code; UI code switches on `code`. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: ErrorCode | 'network_error' | 'unexpected_response',
    message: string,
    readonly requestId?: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = 'ApiError';
  }

  /** Field messages from a `validation_failed` answer, keyed by field name (`body.password` → `password`). */
  fieldErrors(): Record<string, string> {
    const issues = (this.details as { issues?: { path: string; message: string }[] } | undefined)?.issues ?? [];
    const fields: Record<string, string> = {};
    for (const issue of issues) {
      const field = issue.path.split('.').slice(1).join('.');
      if (field && !fields[field]) fields[field] = issue.message;
    }
    return fields;
  }
}

async function send(method: string, path: string, body: unknown): Promise<Response> {
  const token = accessToken();
  const headers: Record<string, string> = { accept: 'application/json' };
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (token) headers.authorization = `Bearer ${token}`;
  try {
    return await fetch(path, {
      method,
      credentials: 'same-origin',
      headers,
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
  } catch {
    throw new ApiError(0, 'network_error', 'Cannot reach the server. Check your connection and try again.');
  }
}

/**
 * Calls the API with JSON in and out, with the session's access token. A 401 on a signed-in call
 * refreshes the session once and retries; other failures become an ApiError from the envelope.
 */
export async function apiRequest<T>(method: string, path: string, body?: unknown): Promise<T> {
  let response = await send(method, path, body);
  if (response.status === 401 && accessToken() && !path.startsWith('/api/auth/')) {
    if (await refreshSession()) response = await send(method, path, body);
  }
  if (response.status === 204) return undefined as T;
  const payload: unknown = await response.json().catch(() => undefined);
  if (response.ok) return payload as T;
  const envelope = ApiErrorSchema.safeParse(payload);
  if (envelope.success) {
    throw new ApiError(response.status, envelope.data.code, envelope.data.error, envelope.data.requestId, envelope.data.details);
  }
  throw new ApiError(response.status, 'unexpected_response', `Unexpected response from the server (${response.status})`);
}
