import { randomUUID } from 'node:crypto';
import { createAccessTokenSigner } from './access-token';

const signer = createAccessTokenSigner({
  secret: 'a-test-secret-that-is-long-enough-0123456789',
  ttlSec: 60,
  issuer: 'iss',
  audience: 'aud',
});
const claims = {
  userId: randomUUID(),
  organizationId: randomUUID(),
  email: 'ada@example.com',
  role: 'editor' as const,
  permissions: ['workflows:read' as const],
  sessionId: randomUUID(),
};

describe('access token signer', () => {
  afterEach(() => jest.restoreAllMocks());

  it('verifies its own tokens, the same claims again from memory', () => {
    const token = signer.sign(claims);

    const first = signer.verify(token);
    const second = signer.verify(token);

    expect(first).toMatchObject({ userId: claims.userId, sid: claims.sessionId, role: 'editor' });
    expect(second).toBe(first);
  });

  it('refuses a remembered token once it has expired', () => {
    const token = signer.sign(claims);
    expect(signer.verify(token)).not.toBeNull();

    const now = Date.now();
    jest.spyOn(Date, 'now').mockReturnValue(now + 61_000);

    expect(signer.verify(token)).toBeNull();
  });

  it('never remembers a token that failed: a tampered one stays refused', () => {
    const token = signer.sign(claims);
    const tampered = `${token.slice(0, -2)}${token.endsWith('AA') ? 'BB' : 'AA'}`;

    expect(signer.verify(tampered)).toBeNull();
    expect(signer.verify(tampered)).toBeNull();
  });
});
