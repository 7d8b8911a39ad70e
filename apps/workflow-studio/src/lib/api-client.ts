import { ApiErrorSchema, FieldIssueSchema, type ErrorCode, type FieldIssue } from '@auterity/workflow-contracts';
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

  /**
   * Field messages from a `validation_failed` answer, keyed by field path without its part
   * (`body.password` → `password`, `body.data.apiKey` → `data.apiKey`).
   */
  fieldErrors(): Record<string, string> {
    const fields: Record<string, string> = {};
    for (const issue of fieldIssuesOf(this.details)) {
      const field = issue.path.split('.').slice(1).join('.');
      if (field && !fields[field]) fields[field] = issue.message;
    }
    return fields;
  }
}

const FieldIssueListSchema = FieldIssueSchema.array();

const planLimitListeners = new Set<(error: ApiError) => void>();

/**
 * Calls `listener` with every `plan_limit_reached` refusal (402) of any API call, so the app can
 * offer the upgrade wherever a plan limit stops the user. Returns the unsubscribe function.
 */
export function subscribePlanLimit(listener: (error: ApiError) => void): () => void {
  planLimitListeners.add(listener);
  return () => planLimitListeners.delete(listener);
}

/** The field issues of an error's `details`, sent either as `{ issues: [...] }` or as the list itself. */
function fieldIssuesOf(details: unknown): FieldIssue[] {
  const nested = typeof details === 'object' && details !== null && 'issues' in details ? details.issues : details;
  const parsed = FieldIssueListSchema.safeParse(nested);
  return parsed.success ? parsed.data : [];
}

/** Anything that checks an unknown payload, such as a contract's zod DTO schema. */
export interface ResponseSchema<T> {
  safeParse(data: unknown): { success: true; data: T } | { success: false };
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
    const error = new ApiError(
      response.status,
      envelope.data.code,
      envelope.data.error,
      envelope.data.requestId,
      envelope.data.details,
    );
    if (error.code === 'plan_limit_reached') for (const listener of planLimitListeners) listener(error);
    throw error;
  }
  throw new ApiError(response.status, 'unexpected_response', `Unexpected response from the server (${response.status})`);
}

/**
 * Calls the API like {@link apiRequest} and checks the answer against the contract's DTO schema, so
 * the UI never renders a payload whose shape it did not expect.
 */
export async function apiRequestParsed<T>(schema: ResponseSchema<T>, method: string, path: string, body?: unknown): Promise<T> {
  const payload = await apiRequest<unknown>(method, path, body);
  const parsed = schema.safeParse(payload);
  if (!parsed.success) throw new ApiError(200, 'unexpected_response', 'Unexpected response from the server.');
  return parsed.data;
}

/** One page of a list endpoint (ARCHITECTURE.md: `{ items, nextCursor }`). */
export interface ListPage<T> {
  items: T[];
  nextCursor: string | null;
}

/** GETs a list endpoint and checks every item against the contract's DTO schema. */
export async function apiListRequest<T>(itemSchema: ResponseSchema<T>, path: string): Promise<ListPage<T>> {
  const payload = await apiRequest<unknown>('GET', path);
  const unexpected = () => new ApiError(200, 'unexpected_response', 'Unexpected response from the server.');
  if (typeof payload !== 'object' || payload === null || !('items' in payload) || !Array.isArray(payload.items)) {
    throw unexpected();
  }
  const items: T[] = [];
  for (const raw of payload.items) {
    const parsed = itemSchema.safeParse(raw);
    if (!parsed.success) throw unexpected();
    items.push(parsed.data);
  }
  const nextCursor = 'nextCursor' in payload && typeof payload.nextCursor === 'string' ? payload.nextCursor : null;
  return { items, nextCursor };
}
