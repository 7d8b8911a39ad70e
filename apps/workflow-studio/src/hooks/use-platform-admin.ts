import { useSyncExternalStore } from 'react';
import { sessionStore } from '../lib/session';

/**
 * Whether the signed-in user administers the whole platform (catalog prices, provider switches), as
 * the API said with the session. The API still checks every admin call.
 */
export function usePlatformAdmin(): boolean {
  const session = useSyncExternalStore(sessionStore.subscribe, sessionStore.get);
  return session.status === 'signed-in' && session.user.isPlatformAdmin;
}
