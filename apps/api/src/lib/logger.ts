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
 * Keeps what helps debugging (name, message, code, stack) and drops what may carry data or SQL:
 * pg and PGlite errors hold the statement and its parameters in `query`/`params`/`detail`.
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
    ...(err.stack ? { stack: err.stack } : {}),
  };
}
