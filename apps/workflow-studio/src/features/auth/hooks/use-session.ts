import { useSyncExternalStore } from 'react';
import { sessionStore, type SessionState } from '../../../lib/session';

/** The current session; re-renders on sign-in, refresh and sign-out. */
export function useSession(): SessionState {
  return useSyncExternalStore(sessionStore.subscribe, sessionStore.get);
}
