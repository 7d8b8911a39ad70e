import type { AuditEventDto } from '@auterity/workflow-contracts';

/** Human labels of the actions the API records; unknown actions are shown by their code. */
export const AUDIT_ACTION_LABELS: Readonly<Record<string, string>> = {
  'auth.registered': 'Account registered',
  'auth.login': 'Signed in',
  'auth.login_failed': 'Sign-in failed',
  'auth.logout': 'Signed out',
  'auth.password_reset': 'Password reset',
  'credential.created': 'Credential created',
  'credential.renamed': 'Credential renamed',
  'credential.replaced': 'Credential secret replaced',
  'credential.deleted': 'Credential deleted',
  'api_key.created': 'API key created',
  'api_key.revoked': 'API key revoked',
  'member.invited': 'Member invited',
  'member.invite_accepted': 'Invite accepted',
  'member.invite_revoked': 'Invite revoked',
  'member.role_changed': 'Role changed',
  'member.deactivated': 'Member deactivated',
  'member.activated': 'Member reactivated',
  'member.removed': 'Member removed',
  'ai.budget.updated': 'AI budget changed',
  'ai.model.updated': 'AI model edited',
  'ai.provider.updated': 'AI provider switched',
};

export const AUDIT_ACTION_OPTIONS = [
  { value: '', label: 'All actions' },
  ...Object.entries(AUDIT_ACTION_LABELS).map(([value, label]) => ({ value, label })),
];

export type AuditTone = 'neutral' | 'info' | 'success' | 'warning' | 'danger';

/** Failures and removals stand out; creations read as good news. */
export function auditActionTone(action: string): AuditTone {
  if (action.endsWith('_failed')) return 'warning';
  if (/\.(deleted|revoked|removed|deactivated)$/.test(action)) return 'danger';
  if (/\.(created|registered|invited)$/.test(action)) return 'success';
  return 'neutral';
}

const TARGET_LABELS: Readonly<Record<string, string>> = {
  credential: 'Credential',
  api_key: 'API key',
  user: 'User',
  member: 'Member',
  invite: 'Invite',
  organization: 'Organization',
  workflow: 'Workflow',
  ai_model: 'AI model',
  ai_provider: 'AI provider',
};

/** The target's type and its recorded name, or a short id when the event recorded no name. */
export function auditTarget(event: AuditEventDto): { type: string; name?: string; shortId?: string } | null {
  if (!event.targetType) return null;
  const type = TARGET_LABELS[event.targetType] ?? event.targetType;
  const name = event.metadata.name;
  if (typeof name === 'string' && name) return { type, name };
  return event.targetId ? { type, shortId: event.targetId.slice(0, 8) } : { type };
}
