import { createHash, randomBytes } from 'node:crypto';

/** A random, URL-safe secret with `bytes` of entropy (refresh tokens, links, API keys). */
export function randomToken(bytes = 32, prefix = ''): string {
  return `${prefix}${randomBytes(bytes).toString('base64url')}`;
}

/** SHA-256 hex: how secret tokens are stored and looked up (high-entropy input, so no salt needed). */
export function sha256(value: string): string {
  return createHash('sha256').update(value).digest('hex');
}
