import { useState, type ReactNode } from 'react';
import { Alert, Badge, Button, Modal, Select, Spinner } from '@auterity/design-system';
import type { WorkflowDto, WorkflowGraph } from '@auterity/workflow-contracts';
import { errorText } from '../../../utils/error-text';
import { formatDateTime } from '../../../utils/format-date';
import { useWorkflowVersion, useWorkflowVersions } from '../api/get-workflow-versions';
import { useRestoreWorkflowVersion } from '../api/restore-workflow-version';
import { useUpdateDeployment } from '../api/update-deployment';
import type { DiffMarks } from '../utils/version-diff';
import { DeploymentForm } from './deployment-form';
import { VersionDiff } from './version-diff';
import '../workflows.css';

interface VersionsDialogProps {
  workflow: WorkflowDto;
  open: boolean;
  onClose: () => void;
  /** Unsaved canvas changes are lost on restore; the dialog says so. */
  isDirty: boolean;
  onRestored: (workflow: WorkflowDto) => void;
  /** Draws a version's graph (the canvas feature provides a read-only preview), with diff highlights when given. */
  renderPreview: (graph: WorkflowGraph, label: string, marks?: DiffMarks) => ReactNode;
}

/**
 * Saved versions of a workflow, newest first: view one's graph, compare it with another (highlighted
 * drawing and change list), restore it as the newest version, publish it, and set a canary share.
 */
export function VersionsDialog({ workflow, open, onClose, isDirty, onRestored, renderPreview }: VersionsDialogProps) {
  const versions = useWorkflowVersions(workflow.id, open);
  const [viewing, setViewing] = useState<number | null>(null);
  const [comparing, setComparing] = useState<number | null>(null);
  const version = useWorkflowVersion(workflow.id, viewing);
  const restore = useRestoreWorkflowVersion();
  const publish = useUpdateDeployment();
  const numbers = versions.data?.map((v) => v.version) ?? [];

  const handleClose = () => {
    setViewing(null);
    setComparing(null);
    restore.reset();
    publish.reset();
    onClose();
  };
  const handleView = (next: number) => {
    setViewing(next);
    publish.reset();
    // Compare with the version before by default, so a click shows what that save changed.
    setComparing(numbers.includes(next - 1) ? next - 1 : null);
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
                  onClick={() => handleView(v.version)}
                >
                  <span className="versions-list__number">v{v.version}</span>
                  <span className="versions-list__when">{formatDateTime(v.createdAt)}</span>
                  {v.message ? <span className="versions-list__message">{v.message}</span> : null}
                  <span className="badge-list">
                    {v.version === workflow.version ? <Badge tone="info">Latest</Badge> : null}
                    {v.version === workflow.publishedVersion ? <Badge tone="success">Published</Badge> : null}
                    {v.version === workflow.canaryVersion ? <Badge tone="warning">Canary {workflow.canaryPercent}%</Badge> : null}
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
              <Select
                label="Compare with"
                value={comparing === null ? '' : String(comparing)}
                data-testid="compare-version-select"
                options={[
                  { value: '', label: 'Nothing (show this version)' },
                  ...numbers.filter((n) => n !== viewing).map((n) => ({ value: String(n), label: `v${n}` })),
                ]}
                onChange={(event) => setComparing(event.target.value === '' ? null : Number(event.target.value))}
              />
              {comparing === null ? (
                renderPreview(version.data.canvasData, `Graph of version ${viewing}`)
              ) : (
                <VersionDiff
                  workflowId={workflow.id}
                  from={Math.min(comparing, viewing)}
                  to={Math.max(comparing, viewing)}
                  renderPreview={renderPreview}
                />
              )}
              <p className="muted small">
                v{viewing}: {version.data.canvasData.nodes.length} nodes · {version.data.canvasData.edges.length} connections
              </p>
              {restore.isError ? <Alert tone="error">{errorText(restore.error)}</Alert> : null}
              {publish.isError ? <Alert tone="error">{errorText(publish.error)}</Alert> : null}
              {workflow.abilities.canEdit ? (
                <div className="versions-dialog__actions">
                  {isDirty && viewing !== workflow.version ? (
                    <span className="muted small">Restoring replaces your unsaved changes.</span>
                  ) : null}
                  {viewing !== workflow.publishedVersion ? (
                    <Button
                      variant="secondary"
                      loading={publish.isPending}
                      onClick={() =>
                        publish.mutate({ id: workflow.id, body: { publishedVersion: viewing, canaryVersion: null } })
                      }
                    >
                      Publish v{viewing}
                    </Button>
                  ) : null}
                  {viewing !== workflow.version ? (
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
                  ) : null}
                </div>
              ) : null}
            </>
          ) : null}
        </div>
      </div>
      {numbers.length > 0 ? (
        <DeploymentForm
          key={`${workflow.publishedVersion}-${workflow.canaryVersion}-${workflow.canaryPercent}`}
          workflow={workflow}
          versions={numbers}
        />
      ) : null}
    </Modal>
  );
}
