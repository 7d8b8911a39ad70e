import { useState, type FormEvent } from 'react';
import { Alert, Badge, Button, Card, Modal, Select, Spinner, Table, TextField } from '@auterity/design-system';
import {
  ADMIN_REASON_MAX,
  PLAN_IDS,
  SUBSCRIPTION_STATUSES,
  type AdminOrganizationDto,
  type AdminUserDto,
  type PlanId,
  type SubscriptionStatus,
  type UsageMetric,
} from '@auterity/workflow-contracts';
import { useDebouncedValue } from '../../../hooks/use-debounced-value';
import { errorText } from '../../../utils/error-text';
import { formatDate } from '../../../utils/format-date';
import {
  useAdminAction,
  useAdminOrganizations,
  useAdminUsers,
  type AdminAction,
  type AdminOrganizationFilters,
} from '../api/admin-organizations';
import '../admin.css';

const PLAN_NAMES: Record<PlanId, string> = {
  free: 'Free',
  starter: 'Starter',
  professional: 'Professional',
  enterprise: 'Enterprise',
};
const STATUS_TONES: Record<SubscriptionStatus, 'success' | 'info' | 'warning' | 'danger'> = {
  active: 'success',
  trialing: 'info',
  past_due: 'warning',
  suspended: 'danger',
  cancelled: 'warning',
};
const count = new Intl.NumberFormat('en-US', { maximumFractionDigits: 2 });

function meterText(org: AdminOrganizationDto, metric: UsageMetric): string {
  const meter = org.meters.find((m) => m.metric === metric);
  if (!meter) return '—';
  const used = metric === 'ai_cost_usd' ? `$${count.format(meter.used)}` : count.format(meter.used);
  if (meter.limit === null) return used;
  return `${used} / ${metric === 'ai_cost_usd' ? `$${count.format(meter.limit)}` : count.format(meter.limit)}`;
}

function isPlanId(value: string): value is PlanId {
  return (PLAN_IDS as readonly string[]).includes(value);
}

function isStatus(value: string): value is SubscriptionStatus {
  return (SUBSCRIPTION_STATUSES as readonly string[]).includes(value);
}

/** Plan, trial and suspension of one organization; each action is applied (and audited) by the API. */
function ManageOrganizationDialog({ organization, onClose }: { organization: AdminOrganizationDto; onClose: () => void }) {
  const action = useAdminAction();
  const [planId, setPlanId] = useState<PlanId>(organization.subscription.planId);
  const [effective, setEffective] = useState<'' | 'now' | 'period_end'>('');
  const [days, setDays] = useState('14');
  const [reason, setReason] = useState('');
  const [done, setDone] = useState<string | null>(null);
  const current = action.data ?? organization;
  const isSuspended = current.subscription.status === 'suspended';

  const run = (next: AdminAction, message: string) =>
    action.mutate({ organizationId: organization.id, action: next }, { onSuccess: () => setDone(message) });
  const submit = (handler: () => void) => (event: FormEvent) => {
    event.preventDefault();
    handler();
  };

  return (
    <Modal
      open
      onClose={onClose}
      title={`Manage ${organization.name}`}
      description={`${PLAN_NAMES[current.subscription.planId]} · ${current.subscription.status.replace('_', ' ')}`}
      footer={<Button onClick={onClose}>Done</Button>}
    >
      <div className="admin-manage" data-testid="admin-manage-dialog">
        {action.isError ? <Alert tone="error">{errorText(action.error)}</Alert> : null}
        {done ? <Alert tone="success">{done}</Alert> : null}
        <form
          className="admin-manage__section"
          onSubmit={submit(() => run({ kind: 'plan', planId, ...(effective ? { effective } : {}) }, 'Plan updated.'))}
        >
          <h3 className="admin-manage__title">Plan</h3>
          <Select
            label="Plan"
            value={planId}
            options={PLAN_IDS.map((id) => ({ value: id, label: PLAN_NAMES[id] }))}
            onChange={(event) => isPlanId(event.target.value) && setPlanId(event.target.value)}
            data-testid="admin-plan-select"
          />
          <Select
            label="Takes effect"
            value={effective}
            options={[
              { value: '', label: 'Upgrades now, downgrades at period end' },
              { value: 'now', label: 'Now' },
              { value: 'period_end', label: 'At the end of the period' },
            ]}
            onChange={(event) => {
              const value = event.target.value;
              setEffective(value === 'now' || value === 'period_end' ? value : '');
            }}
          />
          <Button type="submit" loading={action.isPending} data-testid="admin-change-plan">
            Change plan
          </Button>
          {current.subscription.pendingPlanId ? (
            <p className="muted small">Moves to {PLAN_NAMES[current.subscription.pendingPlanId]} at the end of the period.</p>
          ) : null}
        </form>
        <form
          className="admin-manage__section"
          onSubmit={submit(() => run({ kind: 'trial', days: Number(days) }, 'Trial extended.'))}
        >
          <h3 className="admin-manage__title">Trial</h3>
          <TextField
            label="Days to add"
            type="number"
            min={1}
            max={365}
            value={days}
            onChange={(event) => setDays(event.target.value)}
            data-testid="admin-trial-days"
          />
          <Button type="submit" variant="secondary" loading={action.isPending} data-testid="admin-extend-trial">
            {current.subscription.status === 'trialing' ? 'Extend trial' : 'Start trial'}
          </Button>
          {current.subscription.trialEnd ? (
            <p className="muted small">Trial ends {formatDate(current.subscription.trialEnd)}.</p>
          ) : null}
        </form>
        {isSuspended ? (
          <div className="admin-manage__section">
            <h3 className="admin-manage__title">Suspension</h3>
            <p className="small">Suspended: {current.suspendedReason ?? 'no reason given'}</p>
            <Button
              variant="secondary"
              loading={action.isPending}
              onClick={() => run({ kind: 'reactivate' }, 'Organization reactivated.')}
              data-testid="admin-reactivate"
            >
              Reactivate
            </Button>
          </div>
        ) : (
          <form
            className="admin-manage__section"
            onSubmit={submit(() => reason.trim() && run({ kind: 'suspend', reason: reason.trim() }, 'Organization suspended.'))}
          >
            <h3 className="admin-manage__title">Suspension</h3>
            <TextField
              label="Reason (shown to the organization)"
              value={reason}
              maxLength={ADMIN_REASON_MAX}
              onChange={(event) => setReason(event.target.value)}
              data-testid="admin-suspend-reason"
            />
            <Button
              type="submit"
              variant="danger"
              loading={action.isPending}
              disabled={!reason.trim()}
              data-testid="admin-suspend"
            >
              Suspend organization
            </Button>
            <p className="muted small">Every API call of its members, keys and webhooks is refused; its data is kept.</p>
          </form>
        )}
      </div>
    </Modal>
  );
}

function OrganizationsCard() {
  const [searchText, setSearchText] = useState('');
  const search = useDebouncedValue(searchText.trim(), 300);
  const [planId, setPlanId] = useState<PlanId | ''>('');
  const [status, setStatus] = useState<SubscriptionStatus | ''>('');
  const [managing, setManaging] = useState<AdminOrganizationDto | null>(null);
  const filters: AdminOrganizationFilters = {
    ...(search ? { search } : {}),
    ...(planId ? { planId } : {}),
    ...(status ? { status } : {}),
  };
  const organizations = useAdminOrganizations(filters);
  return (
    <Card label="Organizations">
      <h2 className="card-title">Organizations</h2>
      <div className="admin-filters" role="search">
        <TextField
          label="Search organizations"
          type="search"
          placeholder="Name or id"
          value={searchText}
          onChange={(event) => setSearchText(event.target.value)}
          data-testid="admin-org-search"
        />
        <Select
          label="Plan"
          value={planId}
          options={[{ value: '', label: 'Any plan' }, ...PLAN_IDS.map((id) => ({ value: id, label: PLAN_NAMES[id] }))]}
          onChange={(event) => setPlanId(isPlanId(event.target.value) ? event.target.value : '')}
        />
        <Select
          label="Status"
          value={status}
          options={[
            { value: '', label: 'Any status' },
            ...SUBSCRIPTION_STATUSES.map((s) => ({ value: s, label: s.replace('_', ' ') })),
          ]}
          onChange={(event) => setStatus(isStatus(event.target.value) ? event.target.value : '')}
        />
      </div>
      {organizations.isPending ? (
        <Spinner label="Loading organizations" />
      ) : organizations.isError ? (
        <Alert tone="error">{errorText(organizations.error)}</Alert>
      ) : (
        <>
          <p className="muted small">
            {organizations.data.total} organization{organizations.data.total === 1 ? '' : 's'}
          </p>
          <Table<AdminOrganizationDto>
            caption="Organizations"
            rows={organizations.data.items}
            rowKey={(o) => o.id}
            rowTestId={(o) => `admin-org-${o.id}`}
            columns={[
              { id: 'name', header: 'Organization', isRowHeader: true, cell: (o) => o.name },
              { id: 'plan', header: 'Plan', cell: (o) => PLAN_NAMES[o.subscription.planId] },
              {
                id: 'status',
                header: 'Status',
                cell: (o) => <Badge tone={STATUS_TONES[o.subscription.status]}>{o.subscription.status.replace('_', ' ')}</Badge>,
              },
              { id: 'workflows', header: 'Workflows', align: 'end', cell: (o) => meterText(o, 'active_workflows') },
              { id: 'executions', header: 'Executions', align: 'end', cell: (o) => meterText(o, 'executions') },
              { id: 'ai', header: 'AI spend', align: 'end', cell: (o) => meterText(o, 'ai_cost_usd') },
              { id: 'members', header: 'Members', align: 'end', cell: (o) => meterText(o, 'members') },
              { id: 'created', header: 'Created', cell: (o) => formatDate(o.createdAt) },
              {
                id: 'actions',
                header: 'Actions',
                isHeaderHidden: true,
                cell: (o) => (
                  <Button variant="secondary" size="sm" onClick={() => setManaging(o)} data-testid={`admin-manage-${o.id}`}>
                    Manage
                  </Button>
                ),
              },
            ]}
          />
        </>
      )}
      {managing ? <ManageOrganizationDialog organization={managing} onClose={() => setManaging(null)} /> : null}
    </Card>
  );
}

function UsersCard() {
  const [searchText, setSearchText] = useState('');
  const search = useDebouncedValue(searchText.trim(), 300);
  const users = useAdminUsers(search);
  return (
    <Card label="Users">
      <h2 className="card-title">Users</h2>
      <div className="admin-filters" role="search">
        <TextField
          label="Search users"
          type="search"
          placeholder="Email or name"
          value={searchText}
          onChange={(event) => setSearchText(event.target.value)}
          data-testid="admin-user-search"
        />
      </div>
      {!search ? (
        <p className="muted small">Type part of an email or name to find an account in any organization.</p>
      ) : users.isPending ? (
        <Spinner size="sm" label="Searching users" />
      ) : users.isError ? (
        <Alert tone="error">{errorText(users.error)}</Alert>
      ) : users.data.length === 0 ? (
        <p className="muted">No account matches.</p>
      ) : (
        <Table<AdminUserDto>
          caption="Matching users"
          rows={users.data}
          rowKey={(u) => u.id}
          rowTestId={(u) => `admin-user-${u.id}`}
          columns={[
            { id: 'email', header: 'Email', isRowHeader: true, cell: (u) => u.email },
            { id: 'name', header: 'Name', cell: (u) => [u.firstName, u.lastName].filter(Boolean).join(' ') || '—' },
            { id: 'org', header: 'Organization', cell: (u) => u.organizationName },
            { id: 'role', header: 'Role', cell: (u) => u.role },
            {
              id: 'state',
              header: 'State',
              cell: (u) => (
                <>
                  {u.isActive ? 'Active' : 'Deactivated'}
                  {u.isPlatformAdmin ? ' · platform admin' : ''}
                </>
              ),
            },
            { id: 'created', header: 'Created', cell: (u) => formatDate(u.createdAt) },
          ]}
        />
      )}
    </Card>
  );
}

/** The platform console: every organization with plan, status and usage, its actions, and user search. */
export function AdminConsole() {
  return (
    <div className="admin-console" data-testid="admin-console">
      <OrganizationsCard />
      <UsersCard />
    </div>
  );
}
