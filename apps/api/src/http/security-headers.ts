import type { IncomingMessage, ServerResponse } from 'node:http';
import type { RequestHandler } from 'express';
import helmet, { type HelmetOptions } from 'helmet';

/**
 * helmet's headers, worked out once: with options that do not depend on the request (no CSP
 * nonces), helmet sets the same headers on every response, so it runs once at start-up against a
 * recording response and each request gets the recorded list in one pass (helmet itself is a chain
 * of a dozen middlewares, measurable on the hot path). helmet stays the source of truth for names
 * and values; `http.test.ts` checks the headers on real responses.
 */
export function securityHeaders(options: HelmetOptions): RequestHandler {
  const set = new Map<string, string>();
  const removed = new Set<string>();
  const recorder = {
    setHeader(name: string, value: string | number | readonly string[]) {
      set.set(name, String(value));
      removed.delete(name.toLowerCase());
    },
    removeHeader(name: string) {
      set.delete(name);
      removed.add(name.toLowerCase());
    },
    getHeader: (name: string) => set.get(name),
  };
  let failure: unknown;
  helmet(options)({} as IncomingMessage, recorder as unknown as ServerResponse, (err?: unknown) => {
    failure = err;
  });
  if (failure) throw failure instanceof Error ? failure : new Error('helmet failed to build its headers');
  const headers = [...set];
  const removals = [...removed];

  return (_req, res, next) => {
    for (const [name, value] of headers) res.setHeader(name, value);
    for (const name of removals) res.removeHeader(name);
    next();
  };
}
