import pino, { type Logger } from 'pino';

export type { Logger };

/** Paths whose values never reach a log line, wherever a caller puts them. */
const REDACT_PATHS = [
  'password',
  '*.password',
  'token',
  '*.token',
  'refreshToken',
  '*.refreshToken',
  'apiKey',
  '*.apiKey',
  'secret',
  '*.secret',
  'authorization',
  '*.authorization',
  'cookie',
  '*.cookie',
  'headers.authorization',
  'headers.cookie',
  'headers["x-api-key"]',
  '*.headers.authorization',
  '*.headers.cookie',
  '*.headers["x-api-key"]',
];

export interface LoggerOptions {
  level: string;
  /** Async writes are faster; flush them with `logger.flush()` before exit. */
  sync?: boolean;
  destination?: pino.DestinationStream;
}

/** Structured JSON logs with secrets redacted. */
export function createLogger(options: LoggerOptions): Logger {
  const destination = options.destination ?? pino.destination({ dest: 1, sync: options.sync ?? false });
  return pino(
    {
      level: options.level,
      base: { service: 'auterity-api' },
      redact: { paths: REDACT_PATHS, censor: '[redacted]' },
      serializers: { err: serializeError },
      timestamp: pino.stdTimeFunctions.isoTime,
    },
    destination,
  );
}

/**
 * Keeps what identifies the error (name, message, code) and drops what may carry data, SQL or code
 * locations: pg and PGlite errors hold the statement and its parameters in `query`/`params`/`detail`,
 * and stack traces stay out of logs (Error-IQ keeps a failure's stack in `error_logs`, server-side).
 */
export function serializeError(err: unknown): Record<string, unknown> {
  if (!(err instanceof Error)) {
    const message = (err as { message?: unknown } | null)?.message;
    return { message: typeof message === 'string' ? message : String(err) };
  }
  const code = (err as { code?: unknown }).code;
  return {
    type: err.name,
    message: err.message,
    ...(typeof code === 'string' ? { code } : {}),
  };
}
