import { Link } from 'react-router';
import { Badge, Button, Table, type TableColumn } from '@auterity/design-system';
import type { WorkflowSummaryDto } from '@auterity/workflow-contracts';
import { formatDateTime } from '../../../utils/format-date';

interface WorkflowsTableProps {
  workflows: readonly WorkflowSummaryDto[];
  /** Where a workflow opens (the editor's path). */
  hrefOf: (workflow: WorkflowSummaryDto) => string;
  onDuplicate: (workflow: WorkflowSummaryDto) => void;
  onExport: (workflow: WorkflowSummaryDto) => void;
  onDelete: (workflow: WorkflowSummaryDto) => void;
  canCreate: boolean;
  busy?: boolean;
  /** The id of a workflow whose row action is running. */
  pendingId?: string | null;
}

/** Workflows by name with status, tags and version; names and descriptions render as text only. */
export function WorkflowsTable({
  workflows,
  hrefOf,
  onDuplicate,
  onExport,
  onDelete,
  canCreate,
  busy,
  pendingId,
}: WorkflowsTableProps) {
  const columns: TableColumn<WorkflowSummaryDto>[] = [
    {
      id: 'name',
      header: 'Name',
      isRowHeader: true,
      cell: (w) => (
        <span className="cell-stack workflow-cell">
          <Link to={hrefOf(w)} className="workflow-cell__name" data-testid="workflow-link">
            {w.name}
          </Link>
          {w.description ? <span className="workflow-cell__description">{w.description}</span> : null}
        </span>
      ),
    },
    {
      id: 'status',
      header: 'Status',
      cell: (w) => <Badge tone={w.isActive ? 'success' : 'neutral'}>{w.isActive ? 'Active' : 'Inactive'}</Badge>,
    },
    {
      id: 'tags',
      header: 'Tags',
      cell: (w) =>
        w.tags.length > 0 ? (
          <span className="badge-list">
            {w.tags.map((tag) => (
              <Badge key={tag} tone="info">
                {tag}
              </Badge>
            ))}
          </span>
        ) : (
          <span className="muted">—</span>
        ),
    },
    { id: 'version', header: 'Version', align: 'end', cell: (w) => `v${w.version}` },
    { id: 'updated', header: 'Updated', cell: (w) => <time dateTime={w.updatedAt}>{formatDateTime(w.updatedAt)}</time> },
    {
      id: 'actions',
      header: 'Actions',
      isHeaderHidden: true,
      align: 'end',
      cell: (w) => (
        <span className="row-actions">
          {canCreate ? (
            <Button
              variant="ghost"
              size="sm"
              aria-label={`Duplicate ${w.name}`}
              loading={pendingId === w.id}
              onClick={() => onDuplicate(w)}
            >
              Duplicate
            </Button>
          ) : null}
          <Link
            to={`/executions?workflowId=${w.id}`}
            className="ds-button ds-button--ghost ds-button--sm"
            data-testid="workflow-executions-link"
          >
            Runs
          </Link>
          <Button variant="ghost" size="sm" aria-label={`Export ${w.name}`} onClick={() => onExport(w)}>
            Export
          </Button>
          {w.abilities.canEdit ? (
            <Button variant="ghost" size="sm" className="danger-text" aria-label={`Delete ${w.name}`} onClick={() => onDelete(w)}>
              Delete
            </Button>
          ) : null}
        </span>
      ),
    },
  ];
  return <Table caption="Workflows" columns={columns} rows={workflows} rowKey={(w) => w.id} busy={busy} />;
}
