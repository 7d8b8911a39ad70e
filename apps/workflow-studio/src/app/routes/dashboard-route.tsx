import { useCallback, useMemo, useState, type ReactNode } from 'react';
import { useInfiniteQuery } from '@tanstack/react-query';
import { Link, useNavigate } from 'react-router';
import { Alert, Button, Card, EmptyState, Spinner } from '@auterity/design-system';
import { AiUsageCard } from '../../features/ai/components/ai-usage-card';
import { UsageCard } from '../../features/billing/components/usage-card';
import { useResendVerification } from '../../features/auth/api/email';
import { useSession } from '../../features/auth/hooks/use-session';
import { useRecentExecutions, useRecentFailures } from '../../features/executions/api/get-dashboard-executions';
import { FailureGroups } from '../../features/executions/components/failure-groups';
import { RecentExecutions } from '../../features/executions/components/recent-executions';
import { groupFailures } from '../../features/executions/utils/group-failures';
import { workflowsQueryOptions } from '../../features/workflows/api/get-workflows';
import { CreateWorkflowDialog } from '../../features/workflows/components/create-workflow-dialog';
import { usePageTitle } from '../../hooks/use-page-title';
import { usePermission } from '../../hooks/use-permission';
import { errorText } from '../../utils/error-text';
import './dashboard-route.css';

const TEMPLATES_HREF = '/workflows#template-gallery-title';

/** A dashboard card's body while its query loads or after it failed; null once there is data. */
function QueryState({
  query,
  what,
}: {
  query: { isPending: boolean; isError: boolean; error: unknown; refetch: () => unknown };
  what: string;
}) {
  if (query.isPending) return <Spinner label={`Loading ${what}`} />;
  if (!query.isError) return null;
  return (
    <Alert tone="error">
      Could not load {what}: {errorText(query.error)}{' '}
      <button type="button" className="link-button" onClick={() => void query.refetch()}>
        Try again
      </button>
    </Alert>
  );
}

function DashboardCard({
  title,
  testId,
  action,
  children,
}: {
  title: string;
  testId: string;
  action?: ReactNode;
  children: ReactNode;
}) {
  const id = `${testId}-title`;
  return (
    <section className="ds-card dashboard-card" aria-labelledby={id} data-testid={testId}>
      <div className="dashboard-card__header">
        <h2 id={id} className="card-title">
          {title}
        </h2>
        {action}
      </div>
      {children}
    </section>
  );
}

/**
 * `/dashboard`, where a person lands after signing in: what ran lately, what failed and needs a
 * look, AI usage against the budget, and the way to the next workflow. A first-time user (no
 * workflow, no run) gets one clear call to action instead of empty lists.
 */
export function DashboardRoute() {
  const session = useSession();
  const resend = useResendVerification();
  const navigate = useNavigate();
  const canCreate = usePermission('workflows:write');
  const [creating, setCreating] = useState<number | null>(null);
  const recent = useRecentExecutions();
  const failures = useRecentFailures();
  // Names for the run lists; runs started from the API or a webhook may name a workflow this tab has not listed yet.
  const workflows = useInfiniteQuery({ ...workflowsQueryOptions({}), refetchOnMount: 'always' });
  usePageTitle('Dashboard');

  const names = useMemo(
    () => new Map((workflows.data?.pages ?? []).flatMap((page) => page.items).map((w) => [w.id, w.name])),
    [workflows.data],
  );
  const workflowName = useCallback((id: string) => names.get(id), [names]);
  const failureGroups = useMemo(() => groupFailures(failures.data ?? []), [failures.data]);
  const openCreate = () => setCreating(Date.now());

  if (session.status !== 'signed-in') return null;
  const { user } = session;
  const name = [user.firstName, user.lastName].filter(Boolean).join(' ') || user.email;
  const isFirstTime = workflows.data?.pages[0]?.items.length === 0 && recent.data?.length === 0;

  return (
    <>
      {!user.emailVerified ? (
        <Alert tone="info">
          Confirm your email address: we sent a link to {user.email}.{' '}
          {resend.isSuccess ? (
            'A new link is on its way.'
          ) : (
            <button type="button" className="link-button" onClick={() => resend.mutate()} disabled={resend.isPending}>
              Send it again
            </button>
          )}
        </Alert>
      ) : null}
      <header className="page-header">
        <h1 className="page-header__title">Welcome, {user.firstName ?? name}</h1>
        <p className="page-header__description">
          You are the <strong>{user.role}</strong> of this organization.
        </p>
      </header>
      {isFirstTime ? (
        <section
          className="ds-card dashboard-first-run"
          aria-labelledby="dashboard-first-run-title"
          data-testid="dashboard-empty"
        >
          <h2 id="dashboard-first-run-title" className="card-title">
            Your workspace is ready
          </h2>
          <EmptyState
            title="Nothing has run yet"
            description="Draw a workflow on the canvas (a trigger, an AI step, an output), run it, and watch every step here."
            action={
              canCreate ? (
                <div className="dashboard-actions">
                  <Button onClick={openCreate} data-testid="dashboard-create-workflow">
                    Create your first workflow
                  </Button>
                  <Link to={TEMPLATES_HREF}>Or start from a template</Link>
                </div>
              ) : (
                'Ask an editor of your organization to create one.'
              )
            }
          />
        </section>
      ) : null}
      <div className="dashboard-grid">
        <DashboardCard
          title="Recent executions"
          testId="dashboard-recent-executions"
          action={<Link to="/executions">All executions</Link>}
        >
          <QueryState query={recent} what="recent executions" />
          {recent.data ? (
            <RecentExecutions
              executions={recent.data}
              workflowName={workflowName}
              empty={<p className="muted">No runs yet. Runs from the editor, the API, webhooks and schedules show up here.</p>}
            />
          ) : null}
        </DashboardCard>
        <DashboardCard title="Failures to look at" testId="dashboard-failures">
          <p className="muted small">Failed runs of the last 24 hours, by workflow.</p>
          <QueryState query={failures} what="failures" />
          {failures.data ? (
            <FailureGroups
              groups={failureGroups}
              workflowName={workflowName}
              empty={<p data-testid="dashboard-no-failures">Nothing failed in the last 24 hours.</p>}
            />
          ) : null}
        </DashboardCard>
      </div>
      <UsageCard />
      <AiUsageCard />
      <Card label="Quick actions">
        <h2 className="card-title">Quick actions</h2>
        <div className="dashboard-actions">
          {canCreate ? (
            <Button onClick={openCreate} variant={isFirstTime ? 'secondary' : 'primary'} data-testid="dashboard-new-workflow">
              New workflow
            </Button>
          ) : null}
          <Link to={TEMPLATES_HREF}>Browse templates</Link>
          <Link to="/workflows">All workflows</Link>
        </div>
        <ul className="next-steps dashboard-next-steps">
          <li>
            <Link to="/credentials">Store credentials</Link> for the services your workflows call.
          </li>
          <li>
            <Link to="/ai/providers">Connect an AI provider</Link>, or start with the built-in local models, and let AI nodes pick
            the cheapest, fastest or best model.
          </li>
          {user.permissions.includes('api_keys:manage') ? (
            <li>
              <Link to="/api-keys">Create an API key</Link> to call Auterity from your own code (reference at /api/docs).
            </li>
          ) : null}
          {user.permissions.includes('audit:read') ? (
            <li>
              <Link to="/audit-log">Review the audit log</Link> of sign-ins and security changes.
            </li>
          ) : null}
        </ul>
      </Card>
      <CreateWorkflowDialog
        key={creating ?? 'closed'}
        open={creating !== null}
        onClose={() => setCreating(null)}
        onCreated={(workflow) => void navigate(`/workflows/${workflow.id}`)}
        // A plan-limit refusal closes the dialog; the app shell offers the upgrade.
        onPlanLimit={() => undefined}
      />
    </>
  );
}
