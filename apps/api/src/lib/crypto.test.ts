import { randomBytes, randomUUID } from 'node:crypto';
import { createEncryptor, DecryptionError } from './crypto';

const owner = { organizationId: randomUUID(), recordId: randomUUID() };

describe('encryptor (AES-256-GCM)', () => {
  const k1 = randomBytes(32);
  const k2 = randomBytes(32);
  const enc = createEncryptor(new Map([['k1', k1]]), 'k1');

  it('round-trips and records the key id in a versioned envelope', () => {
    const envelope = enc.encrypt('sk-canary-123', owner);

    expect(envelope).toMatch(/^v1\.k1\.[\w-]{16}\.[\w-]{22}\.[\w-]+$/);
    expect(envelope).not.toContain('sk-canary');
    expect(enc.decrypt(envelope, owner)).toBe('sk-canary-123');
    expect(enc.keyIdOf(envelope)).toBe('k1');
  });

  it('uses a fresh IV for every message (10,000 distinct)', () => {
    const ivs = new Set(Array.from({ length: 10_000 }, () => enc.encrypt('x', owner).split('.')[2]));

    expect(ivs.size).toBe(10_000);
  });

  it('refuses a ciphertext moved to another record or organization', () => {
    const envelope = enc.encrypt('secret', owner);

    expect(() => enc.decrypt(envelope, { ...owner, recordId: randomUUID() })).toThrow(DecryptionError);
    expect(() => enc.decrypt(envelope, { ...owner, organizationId: randomUUID() })).toThrow(DecryptionError);
  });

  it.each([2, 3, 4])('refuses a flipped bit in part %i', (part) => {
    const parts = enc.encrypt('secret value', owner).split('.');
    const bytes = Buffer.from(parts[part] ?? '', 'base64url');
    bytes[0] = (bytes[0] ?? 0) ^ 1;
    parts[part] = bytes.toString('base64url');

    expect(() => enc.decrypt(parts.join('.'), owner)).toThrow(DecryptionError);
  });

  it('refuses malformed envelopes and unknown keys', () => {
    expect(() => enc.decrypt('not-an-envelope', owner)).toThrow('Malformed ciphertext');
    expect(() => enc.decrypt('v1.k9.a.b.c', owner)).toThrow('"k9" is not configured');
    expect(() => enc.decrypt('v1.k1.AAAA.BBBB.CCCC', owner)).toThrow('Malformed ciphertext');
    expect(() => enc.keyIdOf('v2.x')).toThrow(DecryptionError);
  });

  it('decrypts old keys while a new key is active', () => {
    const old = enc.encrypt('before rotation', owner);
    const rotated = createEncryptor(
      new Map([
        ['k1', k1],
        ['k2', k2],
      ]),
      'k2',
    );

    expect(rotated.decrypt(old, owner)).toBe('before rotation');
    expect(rotated.keyIdOf(rotated.encrypt('after', owner))).toBe('k2');
  });

  it('refuses bad key configuration', () => {
    expect(() => createEncryptor(new Map([['k1', Buffer.alloc(16)]]), 'k1')).toThrow('must be 32 bytes');
    expect(() => createEncryptor(new Map([['K 1', k1]]), 'K 1')).toThrow('lowercase');
    expect(() => createEncryptor(new Map([['k1', k1]]), 'k2')).toThrow('not configured');
  });
});
