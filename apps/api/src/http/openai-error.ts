/** The OpenAI error body: `{ error: { message, type, param, code } }`. */
export function openAiErrorBody(status: number, code: string, message: string, param: string | null = null) {
  const type =
    status === 401
      ? 'authentication_error'
      : status === 403
        ? 'permission_error'
        : code === 'budget_exceeded' || code === 'plan_limit_reached'
          ? 'insufficient_quota'
          : status === 429
            ? 'rate_limit_error'
            : status >= 500
              ? 'api_error'
              : 'invalid_request_error';
  return { error: { message, type, param, code } };
}
