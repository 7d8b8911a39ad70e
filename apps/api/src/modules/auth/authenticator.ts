import type { Actor, Authenticator } from '../../http/actor';
import { UnauthenticatedError } from '../../http/errors';
import type { AccessTokenSigner } from './access-token';
import type { RevocationStore } from './revocation';

export const API_KEY_PREFIX = 'ak_';

/**
 * Access tokens (JWT) for people, `ak_…` keys (Bearer or X-API-Key) for integrators. A token of
 * a revoked session is refused even before it expires.
 */
export function createAuthenticator(deps: {
  signer: AccessTokenSigner;
  revocations: RevocationStore;
  authenticateApiKey(key: string): Promise<Actor | null>;
}): Authenticator {
  return async ({ bearer, apiKey }) => {
    const key = apiKey ?? (bearer?.startsWith(API_KEY_PREFIX) ? bearer : undefined);
    if (key) {
      const actor = await deps.authenticateApiKey(key);
      if (!actor) throw new UnauthenticatedError('Invalid or expired token', 'invalid_token');
      return actor;
    }
    if (!bearer) throw new UnauthenticatedError('Access token required');
    const claims = deps.signer.verify(bearer);
    if (!claims || (await deps.revocations.isRevoked(claims.sid))) {
      throw new UnauthenticatedError('Invalid or expired token', 'invalid_token');
    }
    return {
      kind: 'user',
      userId: claims.userId,
      organizationId: claims.organizationId,
      email: claims.email,
      role: claims.role,
      permissions: claims.permissions,
      sessionId: claims.sid,
    };
  };
}
