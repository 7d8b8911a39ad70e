import dns from 'node:dns';
import http from 'node:http';
import https from 'node:https';
import net, { type LookupFunction } from 'node:net';
import ipaddr from 'ipaddr.js';

/** One outbound HTTP call made on a user's behalf (HTTP-request node, AI base URLs, imports). */
export interface OutboundRequest {
  method: string;
  url: string;
  headers?: Record<string, string>;
  body?: string;
  /** Budget for the whole call, redirects included; defaults to the client's `defaultTimeoutMs`. */
  timeoutMs?: number;
  signal?: AbortSignal;
  /** Largest response body accepted, in bytes (default 10 MB). */
  maxResponseBytes?: number;
  /** Redirect hops followed before failing with `too_many_redirects` (default 5). */
  maxRedirects?: number;
  /** `false` answers a 3xx response as it is instead of following it (default true). */
  followRedirects?: boolean;
  /**
   * More headers that carry credentials (e.g. a credential's `X-Api-Key`): like Authorization,
   * Cookie and Proxy-Authorization they are dropped when a redirect leaves the origin.
   */
  sensitiveHeaders?: readonly string[];
}

export interface OutboundResponse {
  status: number;
  /** Lower-case names; repeated headers joined with `, `. */
  headers: Record<string, string>;
  /** The body decoded as UTF-8. */
  body: string;
  /** Final URL after redirects. */
  url: string;
}

export type OutboundErrorCode =
  'ssrf_blocked' | 'invalid_url' | 'timeout' | 'aborted' | 'response_too_large' | 'too_many_redirects' | 'network_error';

/** Why an outbound call failed; `message` is safe to show users (it never names internal state). */
export class OutboundRequestError extends Error {
  override name = 'OutboundRequestError';
  constructor(
    readonly code: OutboundErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export interface GuardedHttpClient {
  /**
   * Sends the request and reads the whole response.
   * @throws OutboundRequestError for every failure (blocked destination, bad URL, timeout, abort,
   * size cap, redirect loop, network error); HTTP error statuses are responses, not errors.
   */
  request(req: OutboundRequest): Promise<OutboundResponse>;
}

export interface GuardedHttpClientOptions {
  /**
   * Hosts reachable whatever they resolve to: `name`, `name:port`, `*.suffix`, `10.0.0.5:8080`,
   * `[fd00::1]:443`. Without a port every port of that host is allowed.
   */
  allowHosts?: readonly string[];
  /** Address ranges reachable although private or special (`10.1.0.0/16`, `fd00::/8`). */
  allowCidrs?: readonly string[];
  /** Whole-call budget when a request names none (default 30 s). */
  defaultTimeoutMs?: number;
  /** Name resolution, `dns.lookup`-compatible; tests inject a fixed resolver. */
  lookup?: LookupFunction;
}

const DEFAULT_TIMEOUT_MS = 30_000;
const DEFAULT_MAX_RESPONSE_BYTES = 10 * 1024 * 1024;
const DEFAULT_MAX_REDIRECTS = 5;
const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);
/** Headers that only make sense for the origin they were written for. */
const ORIGIN_BOUND_HEADERS = ['authorization', 'cookie', 'proxy-authorization'];
/** Framing headers are ours to set: a caller-chosen value could split or smuggle requests. */
const FRAMING_HEADERS = new Set(['host', 'content-length', 'transfer-encoding', 'connection', 'upgrade', 'te']);

/**
 * Ports of other protocols (SMTP, IRC, SSH…) that browsers refuse to fetch from (the Fetch
 * standard's "bad ports"); refused here too unless the host is allow-listed with that port.
 */
const BAD_PORTS = new Set([
  1, 7, 9, 11, 13, 15, 17, 19, 20, 21, 22, 23, 25, 37, 42, 43, 53, 69, 77, 79, 87, 95, 101, 102, 103, 104, 109, 110, 111, 113,
  115, 117, 119, 123, 135, 137, 139, 143, 161, 179, 389, 427, 465, 512, 513, 514, 515, 526, 530, 531, 532, 540, 548, 554, 556,
  563, 587, 601, 636, 989, 990, 993, 995, 1719, 1720, 1723, 2049, 3659, 4045, 4190, 5060, 5061, 6000, 6566, 6665, 6666, 6667,
  6668, 6669, 6697, 10080,
]);

/** How each non-public range is named in a refusal. */
const RANGE_LABELS: Record<string, string> = {
  loopback: 'loopback addresses',
  private: 'private network addresses',
  uniqueLocal: 'private network addresses',
  linkLocal: 'link-local addresses',
  carrierGradeNat: 'carrier-grade NAT addresses',
  multicast: 'multicast addresses',
  unspecified: 'unspecified addresses',
  broadcast: 'broadcast addresses',
  reserved: 'reserved addresses',
};

interface HostRule {
  /** Exact host, or the suffix after `*.` when `wildcard`. */
  host: string;
  wildcard: boolean;
  port?: number;
}

type Cidr = [ipaddr.IPv4 | ipaddr.IPv6, number];

function normalizeHost(host: string): string {
  const lower = host.toLowerCase().replace(/\.$/, '');
  return lower.startsWith('[') && lower.endsWith(']') ? lower.slice(1, -1) : lower;
}

function parsePort(raw: string, entry: string): number {
  const port = Number(raw);
  if (!/^\d+$/.test(raw) || port < 1 || port > 65_535) throw new Error(`allowHosts entry "${entry}" has an invalid port`);
  return port;
}

/** Parses one allow-list host entry (see {@link GuardedHttpClientOptions.allowHosts}). */
export function parseHostRule(entry: string): HostRule {
  const trimmed = entry.trim();
  let host = trimmed;
  let port: number | undefined;
  const bracketed = /^\[([^\]]+)\](?::(.*))?$/.exec(trimmed);
  if (bracketed) {
    host = bracketed[1] ?? '';
    if (bracketed[2] !== undefined) port = parsePort(bracketed[2], entry);
  } else if (trimmed.split(':').length === 2) {
    const [name = '', rawPort = ''] = trimmed.split(':');
    host = name;
    port = parsePort(rawPort, entry);
  }
  const normalized = normalizeHost(host);
  const wildcard = normalized.startsWith('*.');
  const name = wildcard ? normalized.slice(2) : normalized;
  if (!name || (!net.isIP(name) && !/^[a-z0-9_-]+(\.[a-z0-9_-]+)*$/.test(name)))
    throw new Error(`allowHosts entry "${entry}" is not a host name, host:port or *.domain`);
  return { host: name, wildcard, ...(port === undefined ? {} : { port }) };
}

/** Parses one allow-list range such as `10.0.0.0/8`; a bare address counts as a single host. */
export function parseCidr(entry: string): Cidr {
  const trimmed = entry.trim();
  if (ipaddr.isValidCIDR(trimmed)) return ipaddr.parseCIDR(trimmed);
  if (ipaddr.isValid(trimmed) && net.isIP(trimmed)) {
    const address = ipaddr.parse(trimmed);
    return [address, address.kind() === 'ipv4' ? 32 : 128];
  }
  throw new Error(`allowCidrs entry "${entry}" is not an address range such as 10.0.0.0/8`);
}

function effectivePort(url: URL): number {
  if (url.port) return Number(url.port);
  return url.protocol === 'https:' ? 443 : 80;
}

/** IPv4-compatible IPv6 (`::a.b.c.d`, deprecated) carries an IPv4 address like mapped ones do. */
const IPV4_COMPATIBLE = ipaddr.parseCIDR('::/96');

function inCidr(address: ipaddr.IPv4 | ipaddr.IPv6, [range, bits]: Cidr): boolean {
  if (address instanceof ipaddr.IPv4) {
    if (range instanceof ipaddr.IPv4) return address.match(range, bits);
    // An IPv6 range written with IPv4-mapped addresses covers the same IPv4 addresses.
    return address.toIPv4MappedAddress().match(range, bits);
  }
  return range instanceof ipaddr.IPv6 && address.match(range, bits);
}

/**
 * Why `ip` may not be connected to, or null when it may: only public unicast addresses pass
 * (IPv4-mapped IPv6 is judged as the IPv4 address it carries), unless an allowed range covers it.
 */
export function refusalReason(ip: string, allowCidrs: readonly Cidr[] = []): string | null {
  if (!ipaddr.isValid(ip)) return 'not an IP address';
  const address = ipaddr.process(ip);
  if (allowCidrs.some((cidr) => inCidr(address, cidr))) return null;
  const range = address.range();
  if (range !== 'unicast') return RANGE_LABELS[range] ?? 'special-purpose addresses';
  return inCidr(address, IPV4_COMPATIBLE) ? 'reserved addresses' : null;
}

function blocked(host: string, ip: string, reason: string): OutboundRequestError {
  const target = host === ip ? ip : `${host} (${ip})`;
  return new OutboundRequestError('ssrf_blocked', `Blocked request to ${target}: ${reason} are not allowed`);
}

function lookupAddresses(lookup: LookupFunction, hostname: string, options: dns.LookupOptions): Promise<dns.LookupAddress[]> {
  return new Promise((resolve, reject) => {
    lookup(hostname, { ...options, all: true }, (err, addresses, family) => {
      if (err) reject(err);
      else if (Array.isArray(addresses)) resolve(addresses);
      else resolve([{ address: addresses, family: family ?? net.isIP(addresses) }]);
    });
  });
}

/**
 * A `lookup` for the connecting socket: it resolves, refuses the connection if any resolved
 * address is not allowed, and hands exactly the checked addresses to the socket, so the address
 * that was checked is the one connected to.
 */
function guardedLookup(resolve: LookupFunction, allowCidrs: readonly Cidr[]): LookupFunction {
  return (hostname, options, callback) => {
    lookupAddresses(resolve, hostname, options).then(
      (addresses) => {
        for (const { address } of addresses) {
          const reason = refusalReason(address, allowCidrs);
          if (reason) {
            callback(blocked(hostname, address, reason), '', 0);
            return;
          }
        }
        const first = addresses[0];
        if (!first) callback(Object.assign(new Error(`${hostname} has no address`), { code: 'ENOTFOUND' }), '', 0);
        else if (options.all) callback(null, addresses);
        else callback(null, first.address, first.family);
      },
      (err: NodeJS.ErrnoException) => callback(err, '', 0),
    );
  };
}

function describeNetworkError(url: URL, err: unknown): OutboundRequestError {
  const code = (err as { code?: unknown }).code;
  const labels: Record<string, string> = {
    ECONNREFUSED: 'connection refused',
    ECONNRESET: 'connection reset',
    ENOTFOUND: 'host not found',
    EAI_AGAIN: 'host name lookup failed',
    ETIMEDOUT: 'connection timed out',
    EHOSTUNREACH: 'host unreachable',
    ENETUNREACH: 'network unreachable',
  };
  const detail = typeof code === 'string' ? (labels[code] ?? code) : 'connection failed';
  return new OutboundRequestError('network_error', `Request to ${url.host} failed: ${detail}`, { cause: err });
}

interface Hop {
  url: URL;
  method: string;
  headers: Record<string, string>;
  body: string | undefined;
  /** Lower-case names of the headers dropped when a redirect leaves the origin. */
  originBound: readonly string[];
}

interface HopResult {
  status: number;
  headers: Record<string, string>;
  body: string;
}

function flattenHeaders(raw: http.IncomingHttpHeaders): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(raw)) {
    if (value !== undefined) out[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return out;
}

/** The next request of a redirect chain, or an error for a Location we will not follow. */
function nextHop(hop: Hop, status: number, location: string): Hop {
  let url: URL;
  try {
    url = new URL(location, hop.url);
  } catch (cause) {
    throw new OutboundRequestError('invalid_url', 'The server redirected to an invalid URL', { cause });
  }
  const headers = { ...hop.headers };
  let { method, body } = hop;
  // Browsers turn these into GETs; 307/308 keep the method and body.
  if ((status === 303 && method !== 'HEAD') || ((status === 301 || status === 302) && method === 'POST')) {
    method = 'GET';
    body = undefined;
    for (const name of Object.keys(headers)) if (name.toLowerCase() === 'content-type') delete headers[name];
  }
  if (url.origin !== hop.url.origin) {
    for (const name of Object.keys(headers)) if (hop.originBound.includes(name.toLowerCase())) delete headers[name];
  }
  return { url, method, headers, body, originBound: hop.originBound };
}

/**
 * An HTTP client for user-chosen URLs. Only http and https; destinations that are loopback,
 * private, link-local (cloud metadata), CGNAT, multicast, unspecified, broadcast or reserved,
 * in IPv4 or IPv6 (including IPv4-mapped forms), are refused before any connection is made,
 * on the address actually connected to and again on every redirect hop. The whole call is
 * bounded in time and size and can be aborted.
 */
export function createGuardedHttpClient(options: GuardedHttpClientOptions = {}): GuardedHttpClient {
  const hostRules = (options.allowHosts ?? []).map(parseHostRule);
  const allowCidrs = (options.allowCidrs ?? []).map(parseCidr);
  const defaultTimeoutMs = options.defaultTimeoutMs ?? DEFAULT_TIMEOUT_MS;
  const resolve: LookupFunction = options.lookup ?? ((hostname, opts, callback) => dns.lookup(hostname, opts, callback));
  const checkedLookup = guardedLookup(resolve, allowCidrs);

  function hostAllowed(url: URL): boolean {
    const host = normalizeHost(url.hostname);
    const port = effectivePort(url);
    return hostRules.some(
      (rule) =>
        (rule.port === undefined || rule.port === port) && (rule.wildcard ? host.endsWith(`.${rule.host}`) : host === rule.host),
    );
  }

  /** Checks what can be checked before connecting; names are checked again when they resolve. */
  function preflight(url: URL): { allowedHost: boolean } {
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
      throw new OutboundRequestError('invalid_url', `Only http and https URLs are allowed, not ${url.protocol}`);
    }
    if (url.hostname === '') throw new OutboundRequestError('invalid_url', 'The URL has no host');
    if (hostAllowed(url)) return { allowedHost: true };
    const host = normalizeHost(url.hostname);
    const port = effectivePort(url);
    if (BAD_PORTS.has(port)) {
      throw new OutboundRequestError('ssrf_blocked', `Blocked request to ${host}:${port}: port ${port} is not allowed`);
    }
    // Literal addresses are connected to without a lookup, so they are judged here.
    if (net.isIP(host)) {
      const reason = refusalReason(host, allowCidrs);
      if (reason) throw blocked(host, host, reason);
    }
    return { allowedHost: false };
  }

  function sendHop(hop: Hop, signal: AbortSignal, maxBytes: number, follow: boolean): Promise<HopResult> {
    const { allowedHost } = preflight(hop.url);
    return new Promise<HopResult>((resolveHop, rejectHop) => {
      let settled = false;
      const settle = (fn: () => void) => {
        if (settled) return;
        settled = true;
        signal.removeEventListener('abort', onAbort);
        fn();
      };
      const fail = (err: unknown) =>
        settle(() => {
          if (signal.aborted) rejectHop(signal.reason);
          else if (err instanceof OutboundRequestError) rejectHop(err);
          else rejectHop(describeNetworkError(hop.url, err));
        });

      const headers: Record<string, string> = {};
      for (const [name, value] of Object.entries(hop.headers)) {
        if (!FRAMING_HEADERS.has(name.toLowerCase())) headers[name] = value;
      }
      if (!Object.keys(headers).some((n) => n.toLowerCase() === 'user-agent')) headers['user-agent'] = 'Auterity';
      if (hop.body !== undefined) headers['content-length'] = String(Buffer.byteLength(hop.body));

      let req: http.ClientRequest;
      try {
        const transport = hop.url.protocol === 'https:' ? https : http;
        req = transport.request(hop.url, {
          method: hop.method,
          headers,
          // One connection per request: a pooled socket would skip the lookup check.
          agent: false,
          lookup: allowedHost ? resolve : checkedLookup,
        });
      } catch (cause) {
        // Node validates the method and header names and values synchronously.
        throw new OutboundRequestError('invalid_url', 'The request has an invalid method or header', { cause });
      }
      const onAbort = () => req.destroy(signal.reason);
      signal.addEventListener('abort', onAbort, { once: true });

      req.on('error', fail);
      req.on('response', (res) => {
        const status = res.statusCode ?? 0;
        const resHeaders = flattenHeaders(res.headers);
        if (follow && REDIRECT_STATUSES.has(status) && resHeaders.location) {
          // The body of a redirect is never read.
          settle(() => resolveHop({ status, headers: resHeaders, body: '' }));
          res.destroy();
          return;
        }
        const declared = Number(resHeaders['content-length']);
        if (Number.isFinite(declared) && declared > maxBytes) {
          fail(tooLarge(maxBytes));
          res.destroy();
          return;
        }
        const chunks: Buffer[] = [];
        let received = 0;
        res.on('data', (chunk: Buffer) => {
          received += chunk.length;
          if (received > maxBytes) {
            fail(tooLarge(maxBytes));
            res.destroy();
            return;
          }
          chunks.push(chunk);
        });
        res.on('end', () =>
          settle(() => resolveHop({ status, headers: resHeaders, body: Buffer.concat(chunks).toString('utf8') })),
        );
        res.on('error', fail);
        res.on('close', () => {
          if (!res.complete) fail(Object.assign(new Error('response ended early'), { code: 'ECONNRESET' }));
        });
      });
      req.end(hop.body);
    });
  }

  return {
    async request(input) {
      let url: URL;
      try {
        url = new URL(input.url);
      } catch (cause) {
        throw new OutboundRequestError('invalid_url', 'The URL is not valid', { cause });
      }
      const timeoutMs = input.timeoutMs ?? defaultTimeoutMs;
      const maxBytes = input.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES;
      const maxRedirects = input.maxRedirects ?? DEFAULT_MAX_REDIRECTS;
      const follow = input.followRedirects !== false;
      if (input.signal?.aborted) throw new OutboundRequestError('aborted', 'The request was cancelled');

      const controller = new AbortController();
      const timer = setTimeout(
        () => controller.abort(new OutboundRequestError('timeout', `The request timed out after ${timeoutMs} ms`)),
        timeoutMs,
      );
      const onCallerAbort = () => controller.abort(new OutboundRequestError('aborted', 'The request was cancelled'));
      input.signal?.addEventListener('abort', onCallerAbort, { once: true });
      try {
        let hop: Hop = {
          url,
          method: input.method.toUpperCase(),
          headers: { ...input.headers },
          body: input.body,
          originBound: [...ORIGIN_BOUND_HEADERS, ...(input.sensitiveHeaders ?? []).map((h) => h.toLowerCase())],
        };
        for (let redirects = 0; ; redirects += 1) {
          const result = await sendHop(hop, controller.signal, maxBytes, follow);
          const location = result.headers.location;
          if (!follow || !REDIRECT_STATUSES.has(result.status) || !location) {
            return { status: result.status, headers: result.headers, body: result.body, url: hop.url.href };
          }
          if (redirects >= maxRedirects) {
            throw new OutboundRequestError('too_many_redirects', `Stopped after ${maxRedirects} redirects`);
          }
          hop = nextHop(hop, result.status, location);
        }
      } finally {
        clearTimeout(timer);
        input.signal?.removeEventListener('abort', onCallerAbort);
      }
    },
  };
}

function tooLarge(maxBytes: number): OutboundRequestError {
  return new OutboundRequestError('response_too_large', `The response is larger than ${maxBytes} bytes`);
}
