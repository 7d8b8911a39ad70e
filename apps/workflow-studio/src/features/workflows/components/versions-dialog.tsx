import { useState, type ReactNode } from 'react';
import { Alert, Badge, Button, Modal, Spinner } from '@auterity/design-system';
import type { WorkflowDto, WorkflowGraph } from '@auterity/workflow-contracts';
import { errorText } from '../../../utils/error-text';
import { formatDateTime } from '../../../utils/format-date';
import { useWorkflowVersion, useWorkflowVersions } from '../api/get-workflow-versions';
import { useRestoreWorkflowVersion } from '../api/restore-workflow-version';
import '../workflows.css';

interface VersionsDialogProps {
  workflow: WorkflowDto;
  open: boolean;
  onClose: () => void;
  /** Unsaved canvas changes are lost on restore; the dialog says so. */
  isDirty: boolean;
  onRestored: (workflow: WorkflowDto) => void;
  /** Draws a version's graph (the canvas feature provides a read-only preview). */
  renderPreview: (graph: WorkflowGraph, label: string) => ReactNode;
}

/** Saved versions of a workflow, newest first: view one's graph, restore it as the newest version. */
export function VersionsDialog({ workflow, open, onClose, isDirty, onRestored, renderPreview }: VersionsDialogProps) {
  const versions = useWorkflowVersions(workflow.id, open);
  const [viewing, setViewing] = useState<number | null>(null);
  const version = useWorkflowVersion(workflow.id, viewing);
  const restore = useRestoreWorkflowVersion();

  const handleClose = () => {
    setViewing(null);
    restore.reset();
    onClose();
  };

  return (
    <Modal
      open={open}
      onClose={handleClose}
      title="Version history"
      description="Every save that changes the graph is kept as a version."
    >
      <div className="versions-dialog">
        {versions.isPending ? (
          <Spinner label="Loading versions" />
        ) : versions.isError ? (
          <Alert tone="error">{errorText(versions.error)}</Alert>
        ) : (
          <ol className="versions-list" aria-label="Versions">
            {versions.data.map((v) => (
              <li key={v.id}>
                <button
                  type="button"
                  className="versions-list__item"
                  aria-current={viewing === v.version || undefined}
                  onClick={() => setViewing(v.version)}
                >
                  <span className="versions-list__number">v{v.version}</span>
                  <span className="versions-list__when">{formatDateTime(v.createdAt)}</span>
                  {v.message ? <span className="versions-list__message">{v.message}</span> : null}
                  <span className="badge-list">
                    {v.version === workflow.version ? <Badge tone="info">Latest</Badge> : null}
                    {v.version === workflow.publishedVersion ? <Badge tone="success">Published</Badge> : null}
                  </span>
                </button>
              </li>
            ))}
          </ol>
        )}
        <div className="versions-dialog__preview">
          {viewing === null ? (
            <p className="muted small">Pick a version to see its graph.</p>
          ) : version.isPending ? (
            <Spinner label="Loading the version" />
          ) : version.isError ? (
            <Alert tone="error">{errorText(version.error)}</Alert>
          ) : version.data.canvasData ? (
            <>
              {renderPreview(version.data.canvasData, `Graph of version ${viewing}`)}
              <p className="muted small">
                {version.data.canvasData.nodes.length} nodes · {version.data.canvasData.edges.length} connections
              </p>
              {restore.isError ? <Alert tone="error">{errorText(restore.error)}</Alert> : null}
              {workflow.abilities.canEdit && viewing !== workflow.version ? (
                <div className="versions-dialog__actions">
                  {isDirty ? <span className="muted small">Your unsaved changes will be replaced.</span> : null}
                  <Button
                    loading={restore.isPending}
                    onClick={() =>
                      restore.mutate(
                        { id: workflow.id, version: viewing },
                        {
                          onSuccess: (restored) => {
                            handleClose();
                            onRestored(restored);
                          },
                        },
                      )
                    }
                  >
                    Restore v{viewing}
                  </Button>
                </div>
              ) : null}
            </>
          ) : null}
        </div>
      </div>
    </Modal>
  );
}
