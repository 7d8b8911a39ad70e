import { useCallback, useMemo } from 'react';
import { Link, useNavigate, useParams, useSearchParams } from 'react-router';
import { Alert, Spinner } from '@auterity/design-system';
import { NODE_TYPE_DEFINITIONS, type ExecutionDto, type WorkflowGraph } from '@auterity/workflow-contracts';
import { ExecutionGraph } from '../../features/canvas/components/execution-graph';
import { toCanvas } from '../../features/canvas/utils/flow-graph';
import { runStatesFor } from '../../features/canvas/utils/run-states';
import { isTerminal } from '../../features/executions/api/get-execution';
import { ExecutionSummary } from '../../features/executions/components/execution-summary';
import { StepInspector } from '../../features/executions/components/step-inspector';
import { StepList } from '../../features/executions/components/step-list';
import { useLiveExecution } from '../../features/executions/hooks/use-live-execution';
import { useWorkflow } from '../../features/workflows/api/get-workflow';
import { useWorkflowVersion } from '../../features/workflows/api/get-workflow-versions';
import { usePageTitle } from '../../hooks/use-page-title';
import { usePermission } from '../../hooks/use-permission';
import { ApiError } from '../../lib/api-client';
import { errorText } from '../../utils/error-text';

const LEGEND = [
  { status: 'succeeded', label: 'Succeeded' },
  { status: 'failed', label: 'Failed' },
  { status: 'running', label: 'Running' },
  { status: 'cancelled', label: 'Cancelled' },
  { status: 'skipped', label: 'Skipped' },
  { status: 'not-run', label: 'Not run' },
] as const;

function GraphLegend() {
  return (
    <ul className="graph-legend" aria-label="Node colours">
      {LEGEND.map((item) => (
        <li key={item.status} className="graph-legend__item">
          <span className={`graph-legend__swatch graph-legend__swatch--${item.status}`} aria-hidden="true" />
          {item.label}
        </li>
      ))}
    </ul>
  );
}

function ExecutionBody({ execution }: { execution: ExecutionDto }) {
  const navigate = useNavigate();
  const [params, setParams] = useSearchParams();
  const workflow = useWorkflow(execution.workflowId);
  const version = useWorkflowVersion(execution.workflowId, execution.version);
  const canRun = usePermission('workflows:execute') && (workflow.data?.abilities.canRun ?? true);
  const workflowName = workflow.data?.name;
  usePageTitle(`${workflowName ?? 'Execution'} · run ${execution.id.slice(0, 8)}`);

  // The version that ran; a run without a recorded version falls back to the workflow's current graph.
  const graph: WorkflowGraph | undefined =
    version.data?.canvasData ?? (execution.version ? undefined : workflow.data?.canvasData);
  const isRunning = !isTerminal(execution.status);
  const steps = useMemo(() => execution.steps ?? [], [execution.steps]);
  const drawn = useMemo(() => (graph ? toCanvas(graph) : { nodes: [], edges: [] }), [graph]);
  const runStates = useMemo(
    () =>
      runStatesFor(drawn.nodes, drawn.edges, {
        steps,
        isLive: isRunning,
        failure: execution.error?.nodeId ? { nodeId: execution.error.nodeId, message: execution.error.message } : undefined,
        issues: [],
      }),
    [drawn, steps, isRunning, execution.error],
  );
  const runningNodeIds = useMemo(
    () => new Set(Object.entries(runStates).flatMap(([id, state]) => (state.status === 'running' ? [id] : []))),
    [runStates],
  );
  const listNodes = useMemo(
    () => drawn.nodes.map((n) => ({ id: n.id, label: n.data.label || NODE_TYPE_DEFINITIONS[n.type ?? 'text'].label })),
    [drawn.nodes],
  );

  // The node in the inspector lives in the URL; a failed run opens at the node it failed at.
  const requested = params.get('step');
  const selectedId = requested === '' ? null : (requested ?? execution.error?.nodeId ?? null);
  const selectNode = useCallback(
    (nodeId: string | null) =>
      setParams(
        (current) => {
          const next = new URLSearchParams(current);
          next.set('step', nodeId ?? '');
          return next;
        },
        { replace: true },
      ),
    [setParams],
  );
  const selectedNode = drawn.nodes.find((n) => n.id === selectedId);
  const selectedStep = steps.find((s) => s.nodeId === selectedId);
  const hasInspector = selectedId !== null && (selectedNode !== undefined || selectedStep !== undefined);
  const selectedType = selectedNode?.type ?? selectedStep?.type ?? 'text';

  return (
    <div className="execution-detail" data-testid="execution-detail">
      <ExecutionSummary
        execution={execution}
        workflowName={workflowName}
        workflowHref={`/workflows/${execution.workflowId}`}
        workflowExecutionsHref={`/executions?workflowId=${execution.workflowId}`}
        canRun={canRun}
        onRerun={(next) => void navigate(`/executions/${next.id}`)}
      />
      <div className={hasInspector ? 'execution-body' : 'execution-body execution-body--no-inspector'}>
        <section className="execution-body__steps" aria-labelledby="steps-title">
          <h2 id="steps-title" className="execution-body__title">
            Steps
          </h2>
          {graph ? (
            <StepList
              nodes={listNodes}
              steps={steps}
              selectedNodeId={selectedId}
              onSelect={selectNode}
              isRunning={isRunning}
              runningNodeIds={runningNodeIds}
            />
          ) : version.isError ? null : (
            <Spinner size="sm" label="Loading the steps" />
          )}
        </section>
        <div className="execution-body__graph">
          {graph ? (
            <>
              <ExecutionGraph
                graph={graph}
                runStates={runStates}
                isEnded={!isRunning}
                selectedNodeId={selectedId}
                onSelectNode={selectNode}
                label={`Graph of version ${execution.version ?? ''}, coloured by step status`}
              />
              <GraphLegend />
            </>
          ) : version.isError || workflow.isError ? (
            <div className="inspector-hint">
              <Alert tone="warning">
                The workflow graph of this run is not available: {errorText(version.error ?? workflow.error)}
              </Alert>
            </div>
          ) : (
            <div className="page-loading-inline">
              <Spinner label="Loading the graph" />
            </div>
          )}
        </div>
        {hasInspector && selectedId ? (
          <aside className="execution-body__inspector" aria-label="Step inspector">
            <StepInspector
              nodeId={selectedId}
              label={selectedNode?.data.label || NODE_TYPE_DEFINITIONS[selectedType].label}
              typeLabel={NODE_TYPE_DEFINITIONS[selectedType].label}
              step={selectedStep}
              isRunning={isRunning}
              onClose={() => selectNode(null)}
            />
          </aside>
        ) : null}
      </div>
    </div>
  );
}

/** `/executions/:executionId`: one execution, its graph coloured by step status, live while it runs. */
export function ExecutionDetailRoute() {
  const { executionId = '' } = useParams();
  const execution = useLiveExecution(executionId);
  if (execution.isPending) {
    return (
      <div className="page-loading-inline">
        <Spinner label="Loading the execution" />
      </div>
    );
  }
  if (execution.isError) {
    const isMissing = execution.error instanceof ApiError && (execution.error.status === 404 || execution.error.status === 400);
    return (
      <div className="route-error">
        <Alert tone="error">
          {isMissing ? 'This execution does not exist, or you cannot see it.' : errorText(execution.error)}
        </Alert>
        <p>
          <Link to="/executions">Back to the executions</Link>
        </p>
      </div>
    );
  }
  return <ExecutionBody execution={execution.data} />;
}
