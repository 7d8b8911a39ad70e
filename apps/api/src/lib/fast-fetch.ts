import { Readable } from 'node:stream';
import type { Agent } from 'undici';
import { lazy } from './lazy-require';

/** Loaded on the first call (a process that calls no AI provider never needs it). */
const undici = lazy<typeof import('undici')>('undici');

/**
 * A `fetch` for trusted endpoints (AI providers' public APIs, the operator's servers) on undici's
 * `request` with a keep-alive pool: the WHATWG fetch layer cost about 0.6 ms of CPU per call here,
 * more than the rest of a gateway call. JSON answers are read whole; event streams stay streams.
 * Bodies other than text go through the global fetch. Never for user-chosen URLs (see
 * http-client.ts: those go through the SSRF guard).
 */
export function createFastFetch(options: { connectionsPerOrigin?: number } = {}): typeof globalThis.fetch {
  let agent: Agent | undefined;
  return async (input, init) => {
    const body = init?.body;
    if (input instanceof Request || (body !== undefined && body !== null && typeof body !== 'string')) {
      return globalThis.fetch(input, init);
    }
    const url = input instanceof URL ? input.href : input;
    const headers: Record<string, string> = {};
    new Headers(init?.headers).forEach((value, name) => {
      headers[name] = value;
    });
    const { Agent, request } = undici();
    agent ??= new Agent({ keepAliveTimeout: 30_000, connections: options.connectionsPerOrigin ?? 128 });
    const res = await request(url, {
      method: (init?.method ?? 'GET') as 'GET',
      headers,
      ...(typeof body === 'string' ? { body } : {}),
      ...(init?.signal ? { signal: init.signal } : {}),
      dispatcher: agent,
    });
    const responseHeaders = new Headers();
    for (const [name, value] of Object.entries(res.headers)) {
      if (value === undefined) continue;
      for (const v of Array.isArray(value) ? value : [value]) responseHeaders.append(name, v);
    }
    if (res.statusCode === 204 || res.statusCode === 304 || init?.method === 'HEAD') {
      await res.body.dump();
      return new Response(null, { status: res.statusCode, headers: responseHeaders });
    }
    const streaming = (responseHeaders.get('content-type') ?? '').includes('text/event-stream');
    const payload = streaming ? (Readable.toWeb(res.body) as ReadableStream<Uint8Array>) : await res.body.text();
    return new Response(payload, { status: res.statusCode, headers: responseHeaders });
  };
}
