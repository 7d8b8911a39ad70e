import { useCallback } from 'react';
import { useNavigate, useSearchParams } from 'react-router';
import { WorkflowList, type WorkflowListFilters } from '../../features/workflows/components/workflow-list';
import { useUsage } from '../../features/billing/api/get-usage';
import { UpgradePrompt } from '../../features/billing/components/upgrade-prompt';
import type { PlanLimitDetails } from '@auterity/workflow-contracts';
import { PageHeader } from '../page-header';

const editorPath = (workflow: { id: string }) => `/workflows/${workflow.id}`;

function readFilters(params: URLSearchParams): WorkflowListFilters {
  const status = params.get('status');
  return {
    search: params.get('search') ?? '',
    status: status === 'active' || status === 'inactive' ? status : '',
    tag: params.get('tag') ?? '',
  };
}

/** The workflows list; its filters live in the URL so a filtered view can be shared and survives reloads. */
export function WorkflowsRoute() {
  const [params, setParams] = useSearchParams();
  const navigate = useNavigate();
  const usage = useUsage();
  const meter = usage.data?.meters.find((m) => m.metric === 'active_workflows');
  // The plan's active-workflow limit as `plan_limit_reached` would report it; null when unlimited or unknown.
  const workflowLimit: PlanLimitDetails | null =
    usage.data && meter && meter.limit !== null
      ? { metric: 'active_workflows', used: meter.used, limit: meter.limit, plan: usage.data.planId }
      : null;
  const isAtLimit = workflowLimit !== null && workflowLimit.used >= workflowLimit.limit;
  const handleFiltersChange = useCallback(
    (filters: WorkflowListFilters) => {
      const next: Record<string, string> = {};
      for (const [key, value] of Object.entries(filters)) if (value) next[key] = value;
      setParams(next, { replace: true });
    },
    [setParams],
  );
  return (
    <>
      <PageHeader
        title="Workflows"
        description="Automations your organization runs: draw them on a canvas, run them here, by API, on a schedule or from a webhook."
      />
      <WorkflowList
        filters={readFilters(params)}
        onFiltersChange={handleFiltersChange}
        hrefOf={editorPath}
        onOpen={(workflow) => void navigate(editorPath(workflow))}
        isAtWorkflowLimit={isAtLimit}
        renderPlanLimit={({ onClose }) => (
          <UpgradePrompt open onClose={onClose} action="create another active workflow" limit={workflowLimit} />
        )}
      />
    </>
  );
}
