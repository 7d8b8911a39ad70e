import { Fragment, useMemo, type ReactNode } from 'react';
import { Alert, Spinner } from '@auterity/design-system';
import type { WorkflowGraph } from '@auterity/workflow-contracts';
import { errorText } from '../../../utils/error-text';
import { useWorkflowVersionsDiff } from '../api/compare-workflow-versions';
import { useWorkflowVersion } from '../api/get-workflow-versions';
import { diffLines, mergeForDiff, type DiffMarks } from '../utils/version-diff';

interface VersionDiffProps {
  workflowId: string;
  from: number;
  to: number;
  renderPreview: (graph: WorkflowGraph, label: string, marks?: DiffMarks) => ReactNode;
}

const MARK_WORDS = { added: 'Added', removed: 'Removed', changed: 'Changed' } as const;

/** The difference between two versions: one drawing with the changes highlighted, and the list of them. */
export function VersionDiff({ workflowId, from, to, renderPreview }: VersionDiffProps) {
  const diff = useWorkflowVersionsDiff(workflowId, { from, to });
  const older = useWorkflowVersion(workflowId, from);
  const newer = useWorkflowVersion(workflowId, to);
  const fromGraph = older.data?.canvasData;
  const toGraph = newer.data?.canvasData;
  // The drawing must get the same graph object on every render, or React Flow re-measures and never fits it.
  const merged = useMemo(
    () =>
      diff.data && fromGraph && toGraph
        ? { ...mergeForDiff(fromGraph, toGraph, diff.data), lines: diffLines(fromGraph, toGraph, diff.data) }
        : null,
    [diff.data, fromGraph, toGraph],
  );
  const error = diff.error ?? older.error ?? newer.error;
  if (error) return <Alert tone="error">{errorText(error)}</Alert>;
  if (!diff.data || !merged) return <Spinner label="Comparing the versions" />;

  const { graph, marks, lines } = merged;
  const edgeCount = { added: diff.data.edges.added.length, removed: diff.data.edges.removed.length };
  const isSame = lines.length === 0 && edgeCount.added === 0 && edgeCount.removed === 0;
  return (
    <div className="version-diff" data-testid="version-diff">
      {/* A new drawing per pair, so each comparison is fitted to its own nodes. */}
      <Fragment key={`${from}-${to}`}>
        {renderPreview(graph, `Differences from version ${from} to version ${to}`, marks)}
      </Fragment>
      <p className="version-diff__legend muted small" aria-hidden="true">
        <span className="diff-swatch diff-swatch--added" /> added <span className="diff-swatch diff-swatch--changed" /> changed{' '}
        <span className="diff-swatch diff-swatch--removed" /> removed
      </p>
      {isSame ? (
        <p className="muted small">
          v{from} and v{to} have the same graph.
        </p>
      ) : (
        <ul className="version-diff__list" aria-label={`Changes from v${from} to v${to}`}>
          {lines.map((line) => (
            <li key={`${line.mark}-${line.nodeId}`} className={`version-diff__line version-diff__line--${line.mark}`}>
              <strong>{MARK_WORDS[line.mark]}</strong> {line.label}
              {line.details.length > 0 ? <span className="muted"> ({line.details.join(', ')})</span> : null}
            </li>
          ))}
          {edgeCount.added + edgeCount.removed > 0 ? (
            <li className="version-diff__line">
              Connections: {edgeCount.added} added, {edgeCount.removed} removed
            </li>
          ) : null}
        </ul>
      )}
    </div>
  );
}
