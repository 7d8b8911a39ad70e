import { createHash } from 'node:crypto';

const MESSAGE_MAX = 2000;
const TITLE_MAX = 500;
const CONTEXT_DEPTH = 4;
const CONTEXT_STRING_MAX = 1000;
const CONTEXT_KEYS_MAX = 50;

/** Keys whose values are credentials wherever they appear. */
const SECRET_KEY = /pass(word)?|secret|token|api[-_]?key|authorization|cookie|credential|private|signature|session/i;

/** Values that look like credentials: bearer tokens, provider keys, our API keys, JWTs. */
const SECRET_VALUES: readonly [RegExp, string][] = [
  [/\bBearer\s+[A-Za-z0-9._~+/=-]+/gi, 'Bearer [redacted]'],
  [/\b(sk|pk|rk|ak|xox[abpr])[-_][A-Za-z0-9_-]{8,}/g, '[redacted]'],
  [/\beyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}/g, '[redacted]'],
  // user:password@ in URLs, and query parameters that carry keys.
  [/(\/\/)[^/\s:@]+:[^/\s@]+@/g, '$1[redacted]@'],
  [/([?&](?:[a-z_]*key|token|secret|sig|signature|password|code)=)[^&\s"']+/gi, '$1[redacted]'],
];

/** Removes credentials from free text (messages, stack traces). */
export function scrubText(text: string, max = MESSAGE_MAX): string {
  let out = text.length > max ? `${text.slice(0, max)}…` : text;
  for (const [pattern, replacement] of SECRET_VALUES) out = out.replace(pattern, replacement);
  return out;
}

/**
 * A copy of `value` safe to store and show: keys that name credentials are redacted, strings are
 * scrubbed and shortened, depth and key counts are bounded.
 */
export function scrubContext(value: unknown, depth = 0): unknown {
  if (value === null || typeof value === 'number' || typeof value === 'boolean') return value;
  if (typeof value === 'string') return scrubText(value, CONTEXT_STRING_MAX);
  if (depth >= CONTEXT_DEPTH) return '[truncated]';
  if (Array.isArray(value)) return value.slice(0, CONTEXT_KEYS_MAX).map((v) => scrubContext(v, depth + 1));
  if (typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [key, v] of Object.entries(value).slice(0, CONTEXT_KEYS_MAX)) {
      out[key] = SECRET_KEY.test(key) ? '[redacted]' : scrubContext(v, depth + 1);
    }
    return out;
  }
  return undefined;
}

/** Replacements that turn a message into its group's title, most specific first. */
const VARIABLE_PARTS: readonly [RegExp, string | ((match: string) => string)][] = [
  [/\bhttps?:\/\/[^\s"'<>)]+/gi, '<url>'],
  [/\b[\w.+-]+@[\w-]+\.[\w.-]+\b/g, '<email>'],
  [/\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b/gi, '<id>'],
  [/\b\d{4}-\d{2}-\d{2}[T ][\d:.]+(Z|[+-]\d{2}:?\d{2})?/g, '<time>'],
  [/\b\d{1,3}(\.\d{1,3}){3}(:\d+)?\b/g, '<host>'],
  [/"[^"]*"|'[^']*'|`[^`]*`/g, '<value>'],
  // Long hex strings with a digit (hashes, object ids); plain words stay.
  [/\b(0x)?[0-9a-f]{6,}\b/gi, (match) => (/\d/.test(match) ? '<id>' : match)],
  [/\b\d+(\.\d+)?\b/g, '<n>'],
];

/**
 * The message with its variable parts (URLs, emails, ids, times, quoted values, numbers, long hex)
 * replaced by placeholders, so the same failure with different data reads the same.
 */
export function normalizeMessage(message: string): string {
  let out = scrubText(message);
  for (const [pattern, replacement] of VARIABLE_PARTS) {
    out = typeof replacement === 'string' ? out.replace(pattern, replacement) : out.replace(pattern, replacement);
  }
  out = out.replace(/\s+/g, ' ').trim();
  return out.length > TITLE_MAX ? `${out.slice(0, TITLE_MAX)}…` : out;
}

/** The group key: error type + normalized message + where it happened. */
export function fingerprintOf(errorType: string, title: string, location: string): string {
  return createHash('sha256').update(`${errorType}\n${title}\n${location}`).digest('hex');
}
