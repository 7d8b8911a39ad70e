import { fingerprintOf, normalizeMessage, scrubContext, scrubText } from './fingerprint';
import { explainByRules } from './explain-rules';
import { parseModelExplanation } from './error-iq.service';

describe('normalizeMessage', () => {
  it.each([
    ['Workflow 3fa85f64-5717-4562-b3fc-2c963f66afa6 not found', 'Workflow <id> not found'],
    ['Request to https://api.example.com/v1/items?id=7 failed with status 502', 'Request to <url> failed with status <n>'],
    ['Field "email" is invalid for user ada@example.com', 'Field <value> is invalid for user <email>'],
    ["Cannot read properties of undefined (reading 'name')", 'Cannot read properties of undefined (reading <value>)'],
    ['Timed out after 30000 ms at 2026-01-05T10:00:00Z', 'Timed out after <n> ms at <time>'],
    ['Object 5f2b9c0e1a7d not found', 'Object <id> not found'],
    ['  many   spaces  ', 'many spaces'],
    ['Blocked request to 127.0.0.1:9: port 9 is not allowed', 'Blocked request to <host>: port <n> is not allowed'],
  ])('%s', (message, title) => {
    expect(normalizeMessage(message)).toBe(title);
  });

  it('keeps words that only look like hex', () => {
    expect(normalizeMessage('deadbeef cafe')).toBe('deadbeef cafe');
  });

  it('shortens very long messages', () => {
    expect(normalizeMessage('word '.repeat(400)).length).toBeLessThanOrEqual(501);
  });
});

describe('fingerprintOf', () => {
  it('is the same for the same failure with different data and differs by type, message or place', () => {
    const a = fingerprintOf('http_error', normalizeMessage('HTTP 502 from https://x.test/a/1'), 'http.request');
    const b = fingerprintOf('http_error', normalizeMessage('HTTP 503 from https://x.test/b/2'), 'http.request');

    expect(a).toBe(b);
    expect(a).toMatch(/^[0-9a-f]{64}$/);
    expect(fingerprintOf('timeout', normalizeMessage('HTTP 502 from https://x.test/a/1'), 'http.request')).not.toBe(a);
    expect(fingerprintOf('http_error', normalizeMessage('HTTP 502 from https://x.test/a/1'), 'ai.generate')).not.toBe(a);
    expect(fingerprintOf('http_error', normalizeMessage('Refused by https://x.test'), 'http.request')).not.toBe(a);
  });
});

describe('scrubbing', () => {
  it('removes tokens and keys from text', () => {
    const text = scrubText(
      'Bearer abc.def.ghi sk-proj-1234567890abcdef ak_0123456789abcdefghij https://u:pw@host/x?api_key=s3cr3t&x=1 eyJhbGciOi.eyJzdWIiOi.c2lnbmF0dXJl',
    );

    expect(text).not.toMatch(/abc\.def|sk-proj|ak_0123|pw@|s3cr3t|eyJhbGciOi/);
    expect(text).toContain('x=1');
  });

  it('redacts secret-named keys at any depth, bounds depth and drops functions', () => {
    const scrubbed = scrubContext({
      password: 'x',
      nested: { apiKey: 'y', list: [{ token: 'z' }, 'sk-abcdefghijklmnop'], deep: { a: { b: { c: 1 } } } },
      fn: () => 1,
      n: 1,
      ok: true,
      nothing: null,
    });

    expect(scrubbed).toEqual({
      password: '[redacted]',
      nested: { apiKey: '[redacted]', list: [{ token: '[redacted]' }, '[redacted]'], deep: { a: { b: '[truncated]' } } },
      fn: undefined,
      n: 1,
      ok: true,
      nothing: null,
    });
  });
});

describe('explainByRules', () => {
  const explain = (title: string, statusCode?: number) =>
    explainByRules({
      errorType: 'Error',
      title,
      location: 'http.request',
      samples: [{ message: title, context: statusCode ? { statusCode } : {} }],
    }).diagnosis;

  it.each([
    ['Provider refused: 401 Unauthorized', undefined, /credentials/],
    ['whatever', 403, /credentials/],
    ['too many requests', undefined, /rate limit/],
    ['AI budget exhausted for this month', undefined, /budget/],
    ['Destination refused: ssrf_blocked internal address', undefined, /internal address/],
    ['The request timed out', undefined, /time limit/],
    ['Invalid expression: $foo(', undefined, /expression/],
    ['Bad gateway', undefined, /upstream service failed/],
    ['something odd', undefined, /No known cause/],
  ])('%s', (title, status, expected) => {
    expect(explain(title, status)).toMatch(expected);
  });
});

describe('parseModelExplanation', () => {
  it('splits the paragraph from the fix lines', () => {
    expect(parseModelExplanation('Diagnosis: the key is wrong.\n\n- Replace the key\n2. Retry')).toEqual({
      diagnosis: 'the key is wrong.',
      fixes: ['Replace the key', 'Retry'],
    });
  });
});
