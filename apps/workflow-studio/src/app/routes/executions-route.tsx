import { useCallback, useEffect, useMemo } from 'react';
import { useSearchParams } from 'react-router';
import { ExecutionsList } from '../../features/executions/components/executions-list';
import { isExecutionStatus, isTimeRange, type ExecutionListFilters } from '../../features/executions/utils/execution-filters';
import { useWorkflows } from '../../features/workflows/api/get-workflows';
import { PageHeader } from '../page-header';

/** Workflow names for the list and its filter come from the workflows list; this many pages at most. */
const WORKFLOW_PAGES_MAX = 8;

const detailPath = (execution: { id: string }) => `/executions/${execution.id}`;

function readFilters(params: URLSearchParams): ExecutionListFilters {
  const status = params.get('status') ?? '';
  const range = params.get('range') ?? '';
  return {
    workflowId: params.get('workflowId') ?? '',
    status: isExecutionStatus(status) ? status : '',
    range: isTimeRange(range) ? range : '',
  };
}

/** `/executions`: every run of the organization, newest first; the filters live in the URL. */
export function ExecutionsRoute() {
  const [params, setParams] = useSearchParams();
  const workflows = useWorkflows({});
  const { hasNextPage, isFetchingNextPage, fetchNextPage } = workflows;
  const pageCount = workflows.data?.pages.length ?? 0;
  useEffect(() => {
    if (hasNextPage && !isFetchingNextPage && pageCount < WORKFLOW_PAGES_MAX) void fetchNextPage();
  }, [hasNextPage, isFetchingNextPage, pageCount, fetchNextPage]);

  const names = useMemo(
    () => new Map((workflows.data?.pages ?? []).flatMap((page) => page.items).map((w) => [w.id, w.name])),
    [workflows.data],
  );
  const workflowOptions = useMemo(
    () => [...names].map(([value, label]) => ({ value, label })).sort((a, b) => a.label.localeCompare(b.label)),
    [names],
  );
  const workflowName = useCallback((id: string) => names.get(id), [names]);
  const filters = useMemo(() => readFilters(params), [params]);
  const handleFiltersChange = useCallback(
    (next: ExecutionListFilters) => {
      const search: Record<string, string> = {};
      for (const [key, value] of Object.entries(next)) if (value) search[key] = value;
      setParams(search, { replace: true });
    },
    [setParams],
  );

  return (
    <>
      <PageHeader
        title="Executions"
        description="Every run of your organization's workflows, newest first: from the editor, the API, webhooks and schedules. Open one to see its steps."
      />
      <ExecutionsList
        filters={filters}
        onFiltersChange={handleFiltersChange}
        workflowOptions={workflowOptions}
        workflowName={workflowName}
        hrefOf={detailPath}
      />
    </>
  );
}
