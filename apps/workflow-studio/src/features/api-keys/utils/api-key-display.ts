import type { ApiKeyDto, Permission } from '@auterity/workflow-contracts';

export type ApiKeyStatus = 'active' | 'expired' | 'revoked';

/** Revoked wins over expired: a revoked key stays revoked whatever its expiry. */
export function apiKeyStatus(key: ApiKeyDto, now: Date = new Date()): ApiKeyStatus {
  if (key.revokedAt) return 'revoked';
  if (key.expiresAt && new Date(key.expiresAt).getTime() <= now.getTime()) return 'expired';
  return 'active';
}

/** What each scope lets a key do, shown next to its checkbox. */
export const SCOPE_DESCRIPTIONS: Record<Permission, string> = {
  'workflows:read': 'List and read workflows',
  'workflows:write': 'Create and edit workflows',
  'workflows:execute': 'Run workflows',
  'ai:invoke': 'Call AI models through the gateway',
  'credentials:manage': 'Create and change credentials',
  'members:read': 'List organization members',
  'members:manage': 'Invite and manage members',
  'api_keys:manage': 'Create and revoke API keys',
  'billing:manage': 'Manage plan and billing',
  'providers:manage': 'Configure AI providers',
  'audit:read': 'Read the audit log',
};
