import { useMemo } from 'react';
import { Alert, Button, EmptyState, Select, Spinner, type SelectOption } from '@auterity/design-system';
import { EXECUTION_STATUSES, type ExecutionDto } from '@auterity/workflow-contracts';
import { errorText } from '../../../utils/error-text';
import { useExecutions } from '../api/get-executions';
import { EXECUTION_STATUS_LABELS } from '../utils/execution-display';
import {
  isExecutionStatus,
  isTimeRange,
  TIME_RANGE_LABELS,
  TIME_RANGES,
  toQueryFilters,
  type ExecutionListFilters,
} from '../utils/execution-filters';
import { ExecutionsTable } from './executions-table';
import '../execution-pages.css';

interface ExecutionsListProps {
  /** Kept by the caller (in the URL, so a filtered view can be shared). */
  filters: ExecutionListFilters;
  onFiltersChange: (filters: ExecutionListFilters) => void;
  /** The workflows to filter by, as select options (value = workflow id). */
  workflowOptions: readonly SelectOption[];
  workflowName: (workflowId: string) => string | undefined;
  hrefOf: (execution: ExecutionDto) => string;
}

const STATUS_OPTIONS: SelectOption[] = [
  { value: '', label: 'Any status' },
  ...EXECUTION_STATUSES.map((status) => ({ value: status, label: EXECUTION_STATUS_LABELS[status] })),
];

const RANGE_OPTIONS: SelectOption[] = [
  { value: '', label: 'Any time' },
  ...TIME_RANGES.map((range) => ({ value: range, label: TIME_RANGE_LABELS[range] })),
];

/** The organization's executions, newest first, with workflow, status and time filters and "Load more" paging. */
export function ExecutionsList({ filters, onFiltersChange, workflowOptions, workflowName, hrefOf }: ExecutionsListProps) {
  // The range counts back from when it was picked, so the query key stays put between renders.
  const query = useMemo(() => toQueryFilters(filters, Date.now()), [filters]);
  const list = useExecutions(query);
  const executions = list.data?.pages.flatMap((page) => page.items) ?? [];
  const isFiltered = Boolean(filters.workflowId || filters.status || filters.range);
  const knownWorkflow = !filters.workflowId || workflowOptions.some((o) => o.value === filters.workflowId);
  const workflows: SelectOption[] = [
    { value: '', label: 'All workflows' },
    ...workflowOptions,
    ...(knownWorkflow ? [] : [{ value: filters.workflowId, label: workflowName(filters.workflowId) ?? 'This workflow' }]),
  ];

  return (
    <div className="executions-page" data-testid="executions-page">
      <div className="page-toolbar">
        <div className="executions-filters" role="group" aria-label="Filter executions">
          <Select
            label="Workflow"
            isLabelHidden
            data-testid="executions-workflow-filter"
            value={filters.workflowId}
            options={workflows}
            onChange={(event) => onFiltersChange({ ...filters, workflowId: event.target.value })}
          />
          <Select
            label="Status"
            isLabelHidden
            data-testid="executions-status-filter"
            value={filters.status}
            options={STATUS_OPTIONS}
            onChange={(event) => {
              const value = event.target.value;
              onFiltersChange({ ...filters, status: isExecutionStatus(value) ? value : '' });
            }}
          />
          <Select
            label="Time range"
            isLabelHidden
            data-testid="executions-range-filter"
            value={filters.range}
            options={RANGE_OPTIONS}
            onChange={(event) => {
              const value = event.target.value;
              onFiltersChange({ ...filters, range: isTimeRange(value) ? value : '' });
            }}
          />
          {isFiltered ? (
            <Button variant="ghost" size="sm" onClick={() => onFiltersChange({ workflowId: '', status: '', range: '' })}>
              Clear filters
            </Button>
          ) : null}
        </div>
        <p className="page-toolbar__meta" aria-live="polite">
          {list.data
            ? `${executions.length} ${executions.length === 1 ? 'execution' : 'executions'}${list.hasNextPage ? ' so far' : ''}`
            : ''}
        </p>
      </div>
      {list.isPending ? (
        <div className="page-loading-inline">
          <Spinner label="Loading executions" />
        </div>
      ) : list.data === undefined ? (
        <Alert tone="error">{errorText(list.error)}</Alert>
      ) : executions.length === 0 ? (
        <EmptyState
          title={isFiltered ? 'No executions match these filters' : 'No executions yet'}
          description={
            isFiltered
              ? 'Try another status or a longer time range.'
              : 'Runs from the editor, the API, webhooks and schedules show up here with their status and steps.'
          }
        />
      ) : (
        <>
          <ExecutionsTable
            executions={executions}
            hrefOf={hrefOf}
            workflowName={workflowName}
            busy={list.isFetching && !list.isFetchingNextPage}
          />
          {list.isError ? <Alert tone="error">{errorText(list.error)}</Alert> : null}
          {list.hasNextPage ? (
            <div className="load-more">
              <Button variant="secondary" loading={list.isFetchingNextPage} onClick={() => void list.fetchNextPage()}>
                Load more
              </Button>
            </div>
          ) : (
            <p className="list-end">You have reached the oldest execution.</p>
          )}
        </>
      )}
    </div>
  );
}
