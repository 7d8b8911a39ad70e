import type { AuthResponse, UserDto } from '@auterity/workflow-contracts';

/**
 * The signed-in session, in memory only: the access token never touches localStorage (XSS could
 * read it there). The refresh token lives in an httpOnly cookie the page cannot read; a reload
 * restores the session through POST /api/auth/refresh.
 */
export type SessionState =
  | { status: 'loading' }
  | { status: 'signed-out'; reason?: 'expired' | 'signed-out' }
  | { status: 'signed-in'; token: string; user: UserDto };

let state: SessionState = { status: 'loading' };
let refreshTimer: ReturnType<typeof setTimeout> | undefined;
const listeners = new Set<() => void>();

function set(next: SessionState): void {
  state = next;
  for (const listener of listeners) listener();
}

export const sessionStore = {
  get: (): SessionState => state,
  subscribe(listener: () => void): () => void {
    listeners.add(listener);
    return () => listeners.delete(listener);
  },
};

export function accessToken(): string | undefined {
  return state.status === 'signed-in' ? state.token : undefined;
}

/** Stores a fresh sign-in and schedules the next silent refresh a minute before expiry. */
export function startSession(auth: AuthResponse): void {
  clearTimeout(refreshTimer);
  refreshTimer = setTimeout(() => void refreshSession(), Math.max(10, auth.expiresInSec - 60) * 1000);
  set({ status: 'signed-in', token: auth.token, user: auth.user });
}

export function endSession(reason: 'expired' | 'signed-out'): void {
  clearTimeout(refreshTimer);
  set({ status: 'signed-out', reason });
}

let inFlight: Promise<boolean> | undefined;

/**
 * Exchanges the refresh cookie for a new access token (one request at a time). A failure after
 * having been signed in means the session expired; at startup it just means "not signed in".
 */
export function refreshSession(): Promise<boolean> {
  inFlight ??= (async () => {
    const wasSignedIn = state.status === 'signed-in';
    try {
      const response = await fetch('/api/auth/refresh', {
        method: 'POST',
        credentials: 'same-origin',
        headers: { accept: 'application/json' },
      });
      if (!response.ok) throw new Error(String(response.status));
      startSession((await response.json()) as AuthResponse);
      return true;
    } catch {
      if (wasSignedIn) endSession('expired');
      else set({ status: 'signed-out' });
      return false;
    } finally {
      inFlight = undefined;
    }
  })();
  return inFlight;
}

/** Updates the user shown (e.g. after confirming the email) without touching the token. */
export function updateUser(user: UserDto): void {
  if (state.status === 'signed-in') set({ ...state, user });
}
