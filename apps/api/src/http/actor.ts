import type { Permission, Role } from '@auterity/workflow-contracts';

/** Who is calling: a signed-in person or an integrator's API key, always inside one organization. */
export type Actor =
  | {
      kind: 'user';
      userId: string;
      organizationId: string;
      email: string;
      role: Role;
      permissions: readonly Permission[];
      sessionId: string;
    }
  | {
      kind: 'api_key';
      apiKeyId: string;
      organizationId: string;
      /** The key's scopes. */
      permissions: readonly Permission[];
      /** The person who created the key, if still a member. */
      userId: string | null;
    };

/** Turns an Authorization / X-API-Key credential into an actor, or throws UnauthenticatedError. */
export type Authenticator = (credentials: { bearer?: string; apiKey?: string }) => Promise<Actor>;

export function hasPermission(actor: Actor, permission: Permission): boolean {
  if (actor.kind === 'user' && (actor.role === 'owner' || actor.role === 'admin')) return true;
  return actor.permissions.includes(permission);
}
