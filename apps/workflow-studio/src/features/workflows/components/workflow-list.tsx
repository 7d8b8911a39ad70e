import { useEffect, useState, type ReactNode } from 'react';
import { Link } from 'react-router';
import { Alert, Button, EmptyState, Select, Spinner, TextField } from '@auterity/design-system';
import type { WorkflowDto, WorkflowSummaryDto } from '@auterity/workflow-contracts';
import { useDebouncedValue } from '../../../hooks/use-debounced-value';
import { usePermission } from '../../../hooks/use-permission';
import { downloadTextFile, fileSlug } from '../../../utils/download-file';
import { errorText } from '../../../utils/error-text';
import { useDuplicateWorkflow } from '../api/duplicate-workflow';
import { useExportWorkflow } from '../api/export-workflow';
import type { WorkflowTemplate } from '../api/get-workflow-templates';
import { useWorkflows, type WorkflowFilters } from '../api/get-workflows';
import { CreateWorkflowDialog } from './create-workflow-dialog';
import { DeleteWorkflowDialog } from './delete-workflow-dialog';
import { ImportWorkflowButton } from './import-workflow-button';
import { TemplateGallery } from './template-gallery';
import { WorkflowsTable } from './workflows-table';
import '../workflows.css';

export interface WorkflowListFilters {
  search: string;
  status: '' | 'active' | 'inactive';
  tag: string;
}

interface WorkflowListProps {
  /** The filters, kept by the caller (in the URL, so a filtered list can be shared). */
  filters: WorkflowListFilters;
  onFiltersChange: (filters: WorkflowListFilters) => void;
  hrefOf: (workflow: Pick<WorkflowSummaryDto, 'id'>) => string;
  onOpen: (workflow: WorkflowDto) => void;
  /** The plan's active-workflow limit is reached: "New workflow" shows the plan-limit prompt instead. */
  isAtWorkflowLimit?: boolean;
  /** The plan-limit prompt (composed by the route), shown when the limit is known to be reached before asking the API. */
  renderPlanLimit?: (props: { onClose: () => void }) => ReactNode;
}

const STATUS_OPTIONS = [
  { value: '', label: 'Any status' },
  { value: 'active', label: 'Active' },
  { value: 'inactive', label: 'Inactive' },
];

function isStatus(value: string): value is WorkflowListFilters['status'] {
  return value === '' || value === 'active' || value === 'inactive';
}

/** The workflows list: search, status and tag filters, cursor pages, and the create/import/duplicate/export/delete actions. */
export function WorkflowList({
  filters,
  onFiltersChange,
  hrefOf,
  onOpen,
  isAtWorkflowLimit,
  renderPlanLimit,
}: WorkflowListProps) {
  const canCreate = usePermission('workflows:write');
  const [searchText, setSearchText] = useState(filters.search);
  const search = useDebouncedValue(searchText.trim(), 300);
  const query: WorkflowFilters = {
    ...(search ? { search } : {}),
    ...(filters.status ? { status: filters.status } : {}),
    ...(filters.tag ? { tag: filters.tag } : {}),
  };
  const workflows = useWorkflows(query);
  const duplicate = useDuplicateWorkflow();
  const exportWorkflow = useExportWorkflow();
  // The create dialog: null when closed; a new key per opening resets its form (and the chosen template).
  const [creating, setCreating] = useState<{ key: number; template?: WorkflowTemplate } | null>(null);
  const [deleting, setDeleting] = useState<WorkflowSummaryDto | null>(null);
  // The plan-limit prompt is open (the API's own refusals open the app's prompt and close the dialog).
  const [isLimitShown, setLimitShown] = useState(false);
  const [notice, setNotice] = useState<{ tone: 'error' | 'success'; text: string; workflow?: WorkflowDto } | null>(null);

  // The URL follows the search once typing pauses, so a reload or a shared link keeps it.
  useEffect(() => {
    if (search !== filters.search) onFiltersChange({ ...filters, search });
  }, [search, filters, onFiltersChange]);

  const items = workflows.data?.pages.flatMap((page) => page.items) ?? [];
  const isFiltered = Boolean(search || filters.status || filters.tag);
  const tagOptions = [
    { value: '', label: 'Any tag' },
    ...[...new Set([...items.flatMap((w) => w.tags), ...(filters.tag ? [filters.tag] : [])])]
      .sort((a, b) => a.localeCompare(b))
      .map((tag) => ({ value: tag, label: tag })),
  ];

  const handleExport = (workflow: WorkflowSummaryDto) =>
    exportWorkflow.mutate(workflow.id, {
      onSuccess: (data) => downloadTextFile(`${fileSlug(workflow.name)}.workflow.json`, `${JSON.stringify(data, null, 2)}\n`),
      onError: (error) => setNotice({ tone: 'error', text: errorText(error) }),
    });
  const handleDuplicate = (workflow: WorkflowSummaryDto) =>
    duplicate.mutate(workflow.id, {
      onSuccess: (copy) => setNotice({ tone: 'success', text: `Created “${copy.name}”.`, workflow: copy }),
      onError: (error) => setNotice({ tone: 'error', text: errorText(error) }),
    });

  const createButton = canCreate ? (
    <Button
      data-testid="create-workflow-button"
      onClick={() => (isAtWorkflowLimit && renderPlanLimit ? setLimitShown(true) : setCreating({ key: Date.now() }))}
    >
      New workflow
    </Button>
  ) : null;

  return (
    <>
      <div className="page-toolbar workflow-toolbar">
        <div className="workflow-toolbar__filters" role="search">
          <TextField
            label="Search workflows"
            type="search"
            placeholder="Search by name or description"
            value={searchText}
            data-testid="workflow-search-input"
            onChange={(event) => setSearchText(event.target.value)}
          />
          <Select
            label="Status"
            value={filters.status}
            options={STATUS_OPTIONS}
            onChange={(event) => isStatus(event.target.value) && onFiltersChange({ ...filters, status: event.target.value })}
          />
          <Select
            label="Tag"
            value={filters.tag}
            options={tagOptions}
            onChange={(event) => onFiltersChange({ ...filters, tag: event.target.value })}
          />
        </div>
        <div className="workflow-toolbar__actions">
          {canCreate ? (
            <ImportWorkflowButton
              onImported={(workflow) => setNotice({ tone: 'success', text: `Imported “${workflow.name}”.`, workflow })}
              onError={(text) => setNotice({ tone: 'error', text })}
            />
          ) : null}
          {createButton}
        </div>
      </div>
      {notice ? (
        <Alert tone={notice.tone}>
          {notice.text} {notice.workflow ? <Link to={hrefOf(notice.workflow)}>Open it</Link> : null}{' '}
          <button type="button" className="link-button" onClick={() => setNotice(null)}>
            Dismiss
          </button>
        </Alert>
      ) : null}
      <div data-testid="workflow-list" className="workflow-list">
        {workflows.isPending ? (
          <div className="page-loading-inline">
            <Spinner label="Loading workflows" />
          </div>
        ) : workflows.data === undefined ? (
          <Alert tone="error">{errorText(workflows.error)}</Alert>
        ) : items.length === 0 ? (
          isFiltered ? (
            <EmptyState
              title="No workflows match these filters"
              description="Try another search term, or clear the status and tag filters."
              action={
                <Button
                  variant="secondary"
                  onClick={() => {
                    setSearchText('');
                    onFiltersChange({ search: '', status: '', tag: '' });
                  }}
                >
                  Clear filters
                </Button>
              }
            />
          ) : (
            <EmptyState
              title="Build your first workflow"
              description="A workflow is a chain of steps on a canvas: a trigger starts it, then text, AI, HTTP and logic nodes pass data along. Start blank or from a template, then press Run to see each step’s result."
              action={createButton}
            />
          )
        ) : (
          <>
            <WorkflowsTable
              workflows={items}
              hrefOf={hrefOf}
              canCreate={canCreate}
              busy={workflows.isFetching && !workflows.isFetchingNextPage}
              pendingId={duplicate.isPending ? (duplicate.variables ?? null) : null}
              onDuplicate={handleDuplicate}
              onExport={handleExport}
              onDelete={setDeleting}
            />
            {workflows.isError ? <Alert tone="error">{errorText(workflows.error)}</Alert> : null}
            {workflows.hasNextPage ? (
              <div className="load-more">
                <Button variant="secondary" loading={workflows.isFetchingNextPage} onClick={() => void workflows.fetchNextPage()}>
                  Load more
                </Button>
              </div>
            ) : items.length > 10 ? (
              <p className="list-end">That is every workflow{isFiltered ? ' matching the filters' : ''}.</p>
            ) : null}
          </>
        )}
      </div>
      {!isFiltered && !workflows.isPending ? (
        <TemplateGallery canCreate={canCreate} onUse={(template) => setCreating({ key: Date.now(), template })} />
      ) : null}
      <CreateWorkflowDialog
        key={creating?.key ?? 'closed'}
        open={creating !== null}
        onClose={() => setCreating(null)}
        onCreated={onOpen}
        onPlanLimit={() => undefined}
        {...(creating?.template ? { initialTemplate: creating.template } : {})}
      />
      <DeleteWorkflowDialog workflow={deleting} onClose={() => setDeleting(null)} />
      {isLimitShown && renderPlanLimit ? renderPlanLimit({ onClose: () => setLimitShown(false) }) : null}
    </>
  );
}
