import { z } from 'zod';

/** Everything an actor may be allowed to do inside an organization. */
export const PERMISSIONS = [
  'workflows:read',
  'workflows:write',
  'workflows:execute',
  'ai:invoke',
  'credentials:manage',
  'members:read',
  'members:manage',
  'api_keys:manage',
  'billing:manage',
  'providers:manage',
  'audit:read',
] as const;
export const PermissionSchema = z.enum(PERMISSIONS);
export type Permission = z.infer<typeof PermissionSchema>;

/** Organization roles, from most to least privileged. */
export const ROLES = ['owner', 'admin', 'editor', 'viewer'] as const;
export const RoleSchema = z.enum(ROLES);
export type Role = z.infer<typeof RoleSchema>;

/** Roles an invite or a role change may grant (ownership is never handed out by invite). */
export const AssignableRoleSchema = z.enum(['admin', 'editor', 'viewer']);

/** The permission set of each role. Owners and admins pass every organization-level check. */
export const ROLE_PERMISSIONS: Readonly<Record<Role, readonly Permission[]>> = {
  owner: PERMISSIONS,
  admin: PERMISSIONS,
  editor: ['workflows:read', 'workflows:write', 'workflows:execute', 'ai:invoke', 'credentials:manage', 'members:read'],
  viewer: ['workflows:read', 'members:read'],
};

/** Rank used to refuse granting a role above one's own: higher is more privileged. */
export const ROLE_RANK: Readonly<Record<Role, number>> = { owner: 3, admin: 2, editor: 1, viewer: 0 };
