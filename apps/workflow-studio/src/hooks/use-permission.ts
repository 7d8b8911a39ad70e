import { useSyncExternalStore } from 'react';
import type { Permission } from '@auterity/workflow-contracts';
import { sessionStore } from '../lib/session';

/**
 * Whether the signed-in user holds `permission`, from the permission list the API sent with the
 * session (the UI never re-derives it from the role). The API still checks every call.
 */
export function usePermission(permission: Permission): boolean {
  const session = useSyncExternalStore(sessionStore.subscribe, sessionStore.get);
  return session.status === 'signed-in' && session.user.permissions.includes(permission);
}
