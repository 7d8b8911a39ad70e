import { useEffect, useState } from 'react';
import { NavLink, Outlet, useNavigate } from 'react-router';
import { Badge, Button, Select } from '@auterity/design-system';
import type { Permission } from '@auterity/workflow-contracts';
import { useLogout } from '../features/auth/api/login';
import { UpgradePrompt } from '../features/billing/components/upgrade-prompt';
import { planLimitOf } from '../features/billing/utils/billing-format';
import { subscribePlanLimit, type ApiError } from '../lib/api-client';
import { useSession } from '../features/auth/hooks/use-session';
import { usePermission } from '../hooks/use-permission';
import { usePlatformAdmin } from '../hooks/use-platform-admin';
import { applyThemePreference, readThemePreference, type ThemePreference } from '../lib/theme';
import { NAV_ICONS } from './nav-icons';

interface NavItem {
  to: string;
  label: string;
  icon: keyof typeof NAV_ICONS;
  /** Hidden for users without it (the API would refuse them anyway). */
  permission?: Permission;
  /** Shown only to platform administrators (the API checks every call anyway). */
  platformAdminOnly?: boolean;
  testId?: string;
}

const NAV_ITEMS: readonly NavItem[] = [
  { to: '/dashboard', label: 'Dashboard', icon: 'dashboard' },
  { to: '/workflows', label: 'Workflows', icon: 'workflows', testId: 'workflows-nav' },
  { to: '/executions', label: 'Executions', icon: 'executions', testId: 'executions-nav' },
  { to: '/analytics', label: 'Analytics', icon: 'analytics', testId: 'analytics-nav' },
  { to: '/errors', label: 'Errors', icon: 'errors', testId: 'errors-nav' },
  { to: '/ai', label: 'AI', icon: 'ai', testId: 'ai-nav' },
  { to: '/credentials', label: 'Credentials', icon: 'credentials' },
  { to: '/api-keys', label: 'API keys', icon: 'apiKeys', permission: 'api_keys:manage' },
  { to: '/audit-log', label: 'Audit log', icon: 'auditLog', permission: 'audit:read' },
  { to: '/settings/members', label: 'Members', icon: 'members', permission: 'members:read', testId: 'members-nav' },
  { to: '/settings/organization', label: 'Organization', icon: 'organization' },
  { to: '/settings/billing', label: 'Plans and billing', icon: 'billing', testId: 'billing-nav' },
  { to: '/admin', label: 'Platform admin', icon: 'admin', platformAdminOnly: true, testId: 'admin-nav' },
];

const THEME_OPTIONS = [
  { value: 'system', label: 'System theme' },
  { value: 'light', label: 'Light theme' },
  { value: 'dark', label: 'Dark theme' },
];

function isThemePreference(value: string): value is ThemePreference {
  return THEME_OPTIONS.some((option) => option.value === value);
}

function NavEntry({ item }: { item: NavItem }) {
  const isAllowed = usePermission(item.permission ?? 'workflows:read');
  const isPlatformAdmin = usePlatformAdmin();
  if (item.permission && !isAllowed) return null;
  if (item.platformAdminOnly && !isPlatformAdmin) return null;
  return (
    <li>
      <NavLink to={item.to} className="app-nav__link" data-testid={item.testId}>
        {NAV_ICONS[item.icon]}
        <span>{item.label}</span>
      </NavLink>
    </li>
  );
}

/** The signed-in frame: navigation, who is signed in, theme and sign-out around the current page. */
export function AppShell() {
  const session = useSession();
  const navigate = useNavigate();
  const logout = useLogout();
  const [theme, setTheme] = useState<ThemePreference>(readThemePreference);
  // Any call refused by a plan limit (402 plan_limit_reached) offers the upgrade, wherever it happened.
  const [planLimit, setPlanLimit] = useState<ApiError | null>(null);
  useEffect(() => subscribePlanLimit(setPlanLimit), []);
  if (session.status !== 'signed-in') return null;
  const { user } = session;
  const name = [user.firstName, user.lastName].filter(Boolean).join(' ') || user.email;

  return (
    <div className="app-shell">
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <aside className="app-shell__sidebar">
        <div className="app-shell__brand">
          <img src="/favicon.svg" alt="" width="28" height="28" />
          <span>Auterity</span>
        </div>
        <nav aria-label="Main" className="app-nav">
          <ul>
            {NAV_ITEMS.map((item) => (
              <NavEntry key={item.to} item={item} />
            ))}
          </ul>
        </nav>
        <div className="app-shell__footer">
          <Select
            label="Color theme"
            isLabelHidden
            value={theme}
            options={THEME_OPTIONS}
            onChange={(event) => {
              if (!isThemePreference(event.target.value)) return;
              setTheme(event.target.value);
              applyThemePreference(event.target.value);
            }}
          />
          <div className="app-user">
            <span className="app-user__avatar" aria-hidden="true">
              {name.slice(0, 1).toUpperCase()}
            </span>
            <span className="app-user__identity">
              <strong data-testid="user-name">{name}</strong>
              <span className="app-user__meta" data-testid="user-email">
                {user.email}
              </span>
            </span>
            <Badge tone="info">{user.role}</Badge>
          </div>
          <Button
            variant="secondary"
            data-testid="logout-button"
            loading={logout.isPending}
            onClick={() => logout.mutate(undefined, { onSettled: () => void navigate('/login', { replace: true }) })}
          >
            Sign out
          </Button>
        </div>
      </aside>
      <main id="main" className="app-shell__main" tabIndex={-1}>
        <Outlet />
      </main>
      {planLimit ? <UpgradePrompt open onClose={() => setPlanLimit(null)} limit={planLimitOf(planLimit)} /> : null}
    </div>
  );
}
