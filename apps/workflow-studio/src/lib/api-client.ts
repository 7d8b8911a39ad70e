import { ApiErrorSchema, type ErrorCode } from '@auterity/workflow-contracts';

/** A failed API call, carrying the server's stable error code; UI code switches on `code`. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: ErrorCode | 'network_error' | 'unexpected_response',
    message: string,
    readonly requestId?: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

/** Calls the API with JSON in and out; non-2xx answers become an ApiError from the error envelope. */
export async function apiRequest<T>(method: string, path: string, body?: unknown): Promise<T> {
  let response: Response;
  try {
    response = await fetch(path, {
      method,
      credentials: 'same-origin',
      headers:
        body === undefined ? { accept: 'application/json' } : { accept: 'application/json', 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
  } catch {
    throw new ApiError(0, 'network_error', 'Cannot reach the server. Check your connection and try again.');
  }
  const payload: unknown = await response.json().catch(() => undefined);
  if (response.ok) return payload as T;
  const envelope = ApiErrorSchema.safeParse(payload);
  if (envelope.success) {
    throw new ApiError(response.status, envelope.data.code, envelope.data.error, envelope.data.requestId);
  }
  throw new ApiError(response.status, 'unexpected_response', `Unexpected response from the server (${response.status})`);
}
