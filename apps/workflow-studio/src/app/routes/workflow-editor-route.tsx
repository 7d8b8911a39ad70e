import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { Link, useBlocker, useNavigate, useParams } from 'react-router';
import { Alert, Badge, Button, Modal, Spinner } from '@auterity/design-system';
import { TERMINAL_STATUSES, UpdateWorkflowBodySchema, type WorkflowDto, type WorkflowGraph } from '@auterity/workflow-contracts';
import { ModelPicker } from '../../features/ai/components/model-picker';
import { CanvasPreview, type PreviewMarks } from '../../features/canvas/components/canvas-preview';
import type { ConfigWidget, ConfigWidgets } from '../../features/canvas/components/config-form';
import { CanvasProvider } from '../../features/canvas/components/canvas-provider';
import { CollaboratorAvatars, CollaboratorOverlay } from '../../features/canvas/components/collaborators';
import { useCollaboration } from '../../features/canvas/hooks/use-collaboration';
import { useSession } from '../../features/auth/hooks/use-session';
import { NodeInspector } from '../../features/canvas/components/node-inspector';
import { NodePalette } from '../../features/canvas/components/node-palette';
import { WorkflowCanvas } from '../../features/canvas/components/workflow-canvas';
import { useAddNodeAtCenter } from '../../features/canvas/hooks/use-add-node';
import { useCanvasShortcuts } from '../../features/canvas/hooks/use-canvas-shortcuts';
import { useCanvasState } from '../../features/canvas/hooks/use-canvas-state';
import { runStatesFor } from '../../features/canvas/utils/run-states';
import { CredentialPicker } from '../../features/credentials/components/credential-picker';
import { RunInputDialog } from '../../features/executions/components/run-input-dialog';
import { RunPanel } from '../../features/executions/components/run-panel';
import { useWorkflowRun } from '../../features/executions/hooks/use-workflow-run';
import { useExportWorkflow } from '../../features/workflows/api/export-workflow';
import { useWorkflow } from '../../features/workflows/api/get-workflow';
import { useUpdateWorkflow } from '../../features/workflows/api/update-workflow';
import { DeleteWorkflowDialog } from '../../features/workflows/components/delete-workflow-dialog';
import { VersionsDialog } from '../../features/workflows/components/versions-dialog';
import { WebhookPanel } from '../../features/workflows/components/webhook-panel';
import { WorkflowPicker } from '../../features/workflows/components/workflow-picker';
import { splitTags, WorkflowDetailsForm, type WorkflowDetails } from '../../features/workflows/components/workflow-details-form';
import { usePageTitle } from '../../hooks/use-page-title';
import { usePermission } from '../../hooks/use-permission';
import { ApiError } from '../../lib/api-client';
import { downloadTextFile, fileSlug } from '../../utils/download-file';
import { errorText, issueFieldErrors } from '../../utils/error-text';
import './workflow-editor-route.css';

// Config fields that need server data get the app's own inputs; module scope keeps them stable.
const MODEL_WIDGET: ConfigWidget = {
  fields: ['model', 'fallbacks', 'maxPricePerMTok'],
  render: (props) => <ModelPicker {...props} />,
};
const HTTP_CREDENTIAL_WIDGET: ConfigWidget = {
  fields: ['credentialId'],
  render: (props) => (
    <CredentialPicker
      {...props}
      types={['http_header', 'http_bearer', 'http_basic', 'oauth2', 'api_key']}
      hint="Adds its secret to the request (header, bearer token or basic auth); the secret never leaves the server."
    />
  ),
};
const AI_CREDENTIAL_WIDGET: ConfigWidget = {
  fields: ['credentialId'],
  render: (props) => (
    <CredentialPicker
      {...props}
      types={['api_key']}
      hint="Optional: an AI provider key to use for its provider instead of the organization's newest key on the AI providers page."
    />
  ),
};

/** The editor's config widgets; the sub-workflow picker needs the edited workflow's id to leave it out. */
function configWidgetsFor(workflowId: string): ConfigWidgets {
  return {
    'ai.generate': [MODEL_WIDGET, AI_CREDENTIAL_WIDGET],
    'http.request': HTTP_CREDENTIAL_WIDGET,
    'workflow.call': { fields: ['workflowId'], render: (props) => <WorkflowPicker {...props} excludeId={workflowId} /> },
  };
}

function detailsOf(workflow: WorkflowDto): WorkflowDetails {
  return {
    name: workflow.name,
    description: workflow.description ?? '',
    tags: workflow.tags.join(', '),
    isActive: workflow.isActive,
  };
}

/** The run input typed for the next run, when it is JSON; its fields are offered as `$trigger.<field>`. */
function parseRunInput(text: string): unknown {
  try {
    return text.trim() ? JSON.parse(text) : undefined;
  } catch {
    return undefined;
  }
}

function sameDetails(a: WorkflowDetails, b: WorkflowDetails): boolean {
  return (
    a.name === b.name &&
    a.description === b.description &&
    splitTags(a.tags).join(',') === splitTags(b.tags).join(',') &&
    a.isActive === b.isActive
  );
}

function displayName(user: { firstName: string | null; lastName: string | null; email: string }): string {
  return [user.firstName, user.lastName].filter(Boolean).join(' ') || user.email;
}

function EditorBody({ workflow }: { workflow: WorkflowDto }) {
  const canvas = useCanvasState(workflow.canvasData);
  const session = useSession();
  const me = session.status === 'signed-in' ? session.user : null;
  const collaboration = useCollaboration({
    workflowId: workflow.id,
    canvas,
    canEdit: workflow.abilities.canEdit,
    user: { id: me?.id ?? 'anonymous', name: me ? displayName(me) : 'Someone' },
  });
  const addNodeAtCenter = useAddNodeAtCenter(canvas);
  const update = useUpdateWorkflow();
  const exportWorkflow = useExportWorkflow();
  const canRun = usePermission('workflows:execute') && workflow.abilities.canRun;
  const canEdit = workflow.abilities.canEdit;
  const [details, setDetails] = useState(() => detailsOf(workflow));
  const [savedDetails, setSavedDetails] = useState(() => detailsOf(workflow));
  const [detailErrors, setDetailErrors] = useState<Record<string, string>>({});
  const [isVersionsOpen, setIsVersionsOpen] = useState(false);
  const [isDeleting, setIsDeleting] = useState(false);
  const [exportError, setExportError] = useState<string | null>(null);
  // A new key per opening, so the dialog starts from the remembered input each time.
  const [runDialogKey, setRunDialogKey] = useState<number | null>(null);
  const isDirty = canvas.isDirty || !sameDetails(details, savedDetails);
  const configWidgets = useMemo(() => configWidgetsFor(workflow.id), [workflow.id]);
  usePageTitle(details.name || 'Workflow');
  useCanvasShortcuts(canvas, canEdit);

  /** Saves the graph and details; the saved workflow, or null when it could not be saved. */
  const save = useCallback(async (): Promise<WorkflowDto | null> => {
    const graph = canvas.snapshot();
    const parsed = UpdateWorkflowBodySchema.safeParse({
      name: details.name,
      description: details.description.trim() ? details.description : null,
      tags: splitTags(details.tags),
      isActive: details.isActive,
      canvasData: graph,
      // During a canary rollout a save must not publish (which would end it); publish from the history.
      ...(workflow.canaryVersion !== null ? { publish: false } : {}),
    });
    if (!parsed.success) {
      setDetailErrors(issueFieldErrors(parsed.error.issues));
      canvas.selectNode(null);
      return null;
    }
    setDetailErrors({});
    const sentDetails = details;
    try {
      const saved = await update.mutateAsync({ id: workflow.id, body: parsed.data });
      canvas.markSaved(graph);
      setSavedDetails(sentDetails);
      return saved;
    } catch {
      return null;
    }
  }, [canvas, details, update, workflow.id, workflow.canaryVersion]);

  const prepareRun = useCallback(async (): Promise<number | null> => {
    if (!isDirty) return workflow.version;
    if (!canEdit) return workflow.version;
    return (await save())?.version ?? null;
  }, [isDirty, canEdit, save, workflow.version]);

  const run = useWorkflowRun(workflow.id, prepareRun);
  const { execution, issues, startError } = run;
  const shown = startError ? undefined : execution;
  // Dragging changes positions on every frame; the overlay only depends on which nodes exist.
  const nodeKey = canvas.nodes.map((n) => n.id).join('|');
  const structuralNodes = useMemo(() => canvas.nodes, [nodeKey]);
  const runStates = useMemo(
    () =>
      runStatesFor(structuralNodes, canvas.edges, {
        steps: shown?.steps ?? [],
        isLive: shown !== undefined && !TERMINAL_STATUSES.includes(shown.status),
        failure: shown?.error?.nodeId ? { nodeId: shown.error.nodeId, message: shown.error.message } : undefined,
        issues,
      }),
    [shown, issues, structuralNodes, canvas.edges],
  );
  const referenceSamples = useMemo(
    () => ({
      trigger: shown?.input ?? parseRunInput(run.inputText),
      outputs: new Map((shown?.steps ?? []).map((s) => [s.nodeId, s.output])),
    }),
    [shown, run.inputText],
  );
  const labels = useMemo(() => new Map(canvas.nodes.map((n) => [n.id, n.data.label ?? n.id])), [canvas.nodes]);
  const nodeLabel = useCallback((id: string) => labels.get(id), [labels]);

  // Ctrl/Cmd+S saves, also from inside the inspector's inputs; Ctrl/Cmd+Shift+Enter asks for a run's input.
  const saveRef = useRef(save);
  saveRef.current = save;
  useEffect(() => {
    const handleKeyDown = (event: KeyboardEvent) => {
      if (!(event.ctrlKey || event.metaKey)) return;
      if (event.key.toLowerCase() === 's') {
        event.preventDefault();
        if (canEdit) void saveRef.current();
      } else if (event.key === 'Enter' && event.shiftKey && canRun) {
        event.preventDefault();
        setRunDialogKey(Date.now());
      }
    };
    window.addEventListener('keydown', handleKeyDown);
    return () => window.removeEventListener('keydown', handleKeyDown);
  }, [canEdit, canRun]);

  // Closing the tab with unsaved changes asks first; so does leaving through a link (below).
  useEffect(() => {
    if (!isDirty) return undefined;
    const handleBeforeUnload = (event: BeforeUnloadEvent) => event.preventDefault();
    window.addEventListener('beforeunload', handleBeforeUnload);
    return () => window.removeEventListener('beforeunload', handleBeforeUnload);
  }, [isDirty]);
  const isLeaving = useRef(false);
  const navigate = useNavigate();
  const blocker = useBlocker(
    ({ currentLocation, nextLocation }) => !isLeaving.current && isDirty && currentLocation.pathname !== nextLocation.pathname,
  );

  const selected = canvas.selectedNode;
  const selectedIssues = useMemo(() => {
    const fields: Record<string, string> = {};
    for (const issue of run.issues) {
      if (issue.nodeId !== selected?.id || !issue.field?.startsWith('config.')) continue;
      fields[issue.field.slice('config.'.length).split('.')[0] ?? ''] ??= issue.message;
    }
    return fields;
  }, [run.issues, selected?.id]);
  const hasWebhookTrigger = canvas.nodes.some((n) => n.type === 'trigger.webhook');
  const saveError =
    update.isError && !(update.error instanceof ApiError && update.error.code === 'validation_failed')
      ? errorText(update.error)
      : null;

  const handleRestored = (restored: WorkflowDto) => {
    canvas.reset(restored.canvasData);
    setDetails(detailsOf(restored));
    setSavedDetails(detailsOf(restored));
  };

  // Shortened with an ellipsis when the bar is crowded: the full text stays in the tooltip.
  const saveState = update.isPending ? 'Saving…' : isDirty ? 'Unsaved changes' : 'All changes saved';

  return (
    <div className="workflow-editor">
      <header className="editor-bar">
        <div className="editor-bar__title">
          <Link to="/workflows" className="editor-bar__back">
            Workflows
          </Link>
          <span aria-hidden="true" className="muted">
            /
          </span>
          <h1 className="editor-bar__name" data-testid="workflow-title">
            {details.name || 'Untitled workflow'}
          </h1>
          <Badge tone="neutral">v{workflow.version}</Badge>
          {workflow.publishedVersion !== null && workflow.publishedVersion !== workflow.version ? (
            <span className="muted small" data-testid="live-version">
              live: v{workflow.publishedVersion}
              {workflow.canaryVersion !== null ? ` + v${workflow.canaryVersion} at ${workflow.canaryPercent}%` : ''}
            </span>
          ) : null}
          <span
            className={isDirty ? 'save-state save-state--dirty' : 'save-state'}
            data-testid="save-state"
            role="status"
            title={saveState}
          >
            {saveState}
          </span>
        </div>
        <div className="editor-bar__actions">
          <CollaboratorAvatars collaborators={collaboration.collaborators} status={collaboration.status} />
          {canEdit ? (
            <>
              <Button
                variant="ghost"
                size="sm"
                data-testid="undo-button"
                disabled={!canvas.canUndo}
                title="Undo (Ctrl+Z)"
                onClick={canvas.undo}
              >
                <span aria-hidden="true">↶</span> Undo
              </Button>
              <Button
                variant="ghost"
                size="sm"
                data-testid="redo-button"
                disabled={!canvas.canRedo}
                title="Redo (Ctrl+Shift+Z or Ctrl+Y)"
                onClick={canvas.redo}
              >
                <span aria-hidden="true">↷</span> Redo
              </Button>
            </>
          ) : null}
          <Button variant="ghost" size="sm" onClick={() => setIsVersionsOpen(true)}>
            History
          </Button>
          <Button
            variant="ghost"
            size="sm"
            loading={exportWorkflow.isPending}
            onClick={() =>
              exportWorkflow.mutate(workflow.id, {
                onSuccess: (data) =>
                  downloadTextFile(`${fileSlug(data.name)}.workflow.json`, `${JSON.stringify(data, null, 2)}\n`),
                onError: (error) => setExportError(errorText(error)),
              })
            }
          >
            Export
          </Button>
          {canEdit ? (
            <Button
              variant="secondary"
              data-testid="save-workflow-button"
              loading={update.isPending}
              disabled={!isDirty}
              title="Save (Ctrl+S)"
              onClick={() => void save()}
            >
              Save
            </Button>
          ) : null}
          <Button
            variant="secondary"
            data-testid="run-with-input-button"
            disabled={!canRun || run.isStarting}
            title="Run with an input you type (Ctrl+Shift+Enter)"
            onClick={() => setRunDialogKey(Date.now())}
          >
            Run with input…
          </Button>
          <Button
            data-testid="execute-workflow-button"
            loading={run.isStarting}
            disabled={!canRun}
            title={run.inputText.trim() ? 'Run with the last input' : 'Run with an empty input'}
            onClick={() => run.start()}
          >
            ▶ Run
          </Button>
        </div>
      </header>
      {collaboration.status === 'offline' ? (
        <div data-testid="offline-banner">
          <Alert tone="warning">
            You are offline. Your changes stay in this tab and merge with everyone else’s when the connection is back.
          </Alert>
        </div>
      ) : null}
      {saveError ? <Alert tone="error">Not saved: {saveError}</Alert> : null}
      {exportError ? <Alert tone="error">{exportError}</Alert> : null}
      <div className="editor-body">
        <NodePalette onAdd={addNodeAtCenter} disabled={!canEdit} />
        <div className="editor-center">
          <WorkflowCanvas
            canvas={canvas}
            runStates={runStates}
            readOnly={!canEdit}
            {...(workflow.canvasData.viewport ? { defaultViewport: workflow.canvasData.viewport } : {})}
            onPointerMove={collaboration.setCursor}
          >
            <CollaboratorOverlay collaborators={collaboration.collaborators} />
          </WorkflowCanvas>
          <RunPanel workflowId={workflow.id} run={run} canRun={canRun} nodeLabel={nodeLabel} />
        </div>
        <aside className="editor-side" aria-label={selected ? 'Node inspector' : 'Workflow details'}>
          {selected ? (
            <NodeInspector
              node={selected}
              serverIssues={selectedIssues}
              readOnly={!canEdit}
              configWidgets={configWidgets}
              onChange={(patch) => canvas.updateNodeData(selected.id, patch)}
              onDelete={() => canvas.removeNode(selected.id)}
              onClose={() => canvas.selectNode(null)}
              referenceSamples={referenceSamples}
              connections={{
                nodes: canvas.nodes,
                edges: canvas.edges,
                onConnect: canvas.onConnect,
                onDisconnect: (edgeId) => canvas.onEdgesChange([{ type: 'remove', id: edgeId }]),
              }}
            />
          ) : (
            <>
              <section className="side-section" aria-labelledby="details-title">
                <h2 id="details-title" className="side-section__title">
                  Workflow
                </h2>
                <WorkflowDetailsForm details={details} errors={detailErrors} readOnly={!canEdit} onChange={setDetails} />
              </section>
              <WebhookPanel workflow={workflow} hasWebhookTrigger={hasWebhookTrigger} />
              <section className="side-section" aria-labelledby="tips-title">
                <h3 id="tips-title" className="side-section__title">
                  Tips
                </h3>
                <ul className="tips">
                  <li>Select a node to edit its settings here.</li>
                  <li>Drag from a node’s right handle to another node’s left handle to connect them.</li>
                  <li>Shift-drag draws a box to select several nodes; Ctrl/Cmd-click adds one.</li>
                  <li>Delete removes the selection; Ctrl+C / Ctrl+V copy and paste it, Ctrl+D duplicates it.</li>
                  <li>Ctrl+Z undoes, Ctrl+Shift+Z or Ctrl+Y redoes; Ctrl+S saves.</li>
                </ul>
              </section>
              {canEdit ? (
                <section className="side-section">
                  <Button variant="ghost" size="sm" className="danger-text" onClick={() => setIsDeleting(true)}>
                    Delete workflow…
                  </Button>
                </section>
              ) : null}
            </>
          )}
        </aside>
      </div>
      <VersionsDialog
        workflow={workflow}
        open={isVersionsOpen}
        isDirty={isDirty}
        onClose={() => setIsVersionsOpen(false)}
        onRestored={handleRestored}
        renderPreview={(graph: WorkflowGraph, label: string, marks?: PreviewMarks) => (
          <CanvasPreview graph={graph} label={label} {...(marks ? { marks } : {})} />
        )}
      />
      <RunInputDialog
        key={runDialogKey ?? 'closed'}
        open={runDialogKey !== null}
        initialText={run.inputText}
        onClose={() => setRunDialogKey(null)}
        onRun={(text) => {
          setRunDialogKey(null);
          run.start(text);
        }}
      />
      <DeleteWorkflowDialog
        workflow={isDeleting ? workflow : null}
        onClose={() => setIsDeleting(false)}
        onDeleted={() => {
          isLeaving.current = true;
          void navigate('/workflows', { replace: true });
        }}
      />
      <Modal
        open={blocker.state === 'blocked'}
        role="alertdialog"
        title="Leave without saving?"
        description="Your changes to this workflow have not been saved."
        onClose={() => blocker.reset?.()}
        footer={
          <>
            <Button variant="secondary" onClick={() => blocker.reset?.()}>
              Stay
            </Button>
            <Button variant="danger" onClick={() => blocker.proceed?.()}>
              Leave without saving
            </Button>
          </>
        }
      />
    </div>
  );
}

/** `/workflows/:workflowId`: the editor — palette, canvas, inspector, run panel — for one workflow. */
export function WorkflowEditorRoute() {
  const { workflowId = '' } = useParams();
  const workflow = useWorkflow(workflowId);
  if (workflow.isPending) {
    return (
      <div className="page-loading-inline">
        <Spinner label="Loading the workflow" />
      </div>
    );
  }
  if (workflow.isError) {
    const isMissing = workflow.error instanceof ApiError && (workflow.error.status === 404 || workflow.error.status === 400);
    return (
      <div className="route-error">
        <Alert tone="error">
          {isMissing ? 'This workflow does not exist, or you cannot see it.' : errorText(workflow.error)}
        </Alert>
        <p>
          <Link to="/workflows">Back to the workflows</Link>
        </p>
      </div>
    );
  }
  return (
    <CanvasProvider key={workflowId}>
      <EditorBody workflow={workflow.data} />
    </CanvasProvider>
  );
}
