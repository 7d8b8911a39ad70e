import { Button, Checkbox, TextField } from '@auterity/design-system';
import { NODE_LABEL_MAX, NODE_TYPE_DEFINITIONS, NodeSettingsSchema, type NodeSettings } from '@auterity/workflow-contracts';
import { issueFieldErrors } from '../../../utils/error-text';
import { configIssues } from '../utils/config-fields';
import { expressionReferences, type ReferenceSamples } from '../utils/expression-references';
import type { CanvasNode } from '../utils/flow-graph';
import { ConfigForm, type ConfigWidgets } from './config-form';
import { NodeConnections, type NodeConnectionsProps } from './node-connections';
import { NodeIcon } from './node-icon';

interface NodeInspectorProps {
  node: CanvasNode;
  /** Problems the last run's validation pinned to this node, keyed by config field (`url`). */
  serverIssues: Record<string, string>;
  onChange: (patch: { label?: string; config?: Record<string, unknown>; settings?: NodeSettings }) => void;
  onDelete: () => void;
  onClose: () => void;
  readOnly?: boolean;
  /** Custom inputs for some config fields (e.g. the AI model picker), given by the route. */
  configWidgets?: ConfigWidgets;
  /** The graph and edge actions for the "Connect to…" picker (the keyboard path for edges). */
  connections?: Omit<NodeConnectionsProps, 'node' | 'readOnly'>;
  /** Run input and node outputs seen so far, so the expression hints can list their fields. */
  referenceSamples?: ReferenceSamples;
}

type SettingKey = 'retries' | 'retryBackoffMs' | 'timeoutMs';

const SETTING_FIELDS: readonly { key: SettingKey; label: string; hint: string }[] = [
  { key: 'retries', label: 'Retries', hint: 'Extra attempts after a failure (0-10).' },
  { key: 'retryBackoffMs', label: 'Retry backoff (ms)', hint: 'Wait before the first retry; doubles each time.' },
  { key: 'timeoutMs', label: 'Timeout (ms)', hint: 'One attempt is stopped after this long.' },
];

/** The selected node's label, config (generated from its schema) and execution settings. */
export function NodeInspector({
  node,
  serverIssues,
  onChange,
  onDelete,
  onClose,
  readOnly = false,
  configWidgets,
  connections,
  referenceSamples,
}: NodeInspectorProps) {
  const type = node.type ?? 'text';
  const definition = NODE_TYPE_DEFINITIONS[type];
  const settings = node.data.settings ?? {};
  const issues = { ...serverIssues, ...configIssues(type, node.data.config) };
  const references = connections
    ? expressionReferences(node.id, connections.nodes, connections.edges, referenceSamples)
    : undefined;
  const settingsCheck = NodeSettingsSchema.safeParse(settings);
  const settingsErrors = settingsCheck.success ? {} : issueFieldErrors(settingsCheck.error.issues);

  const setSetting = (key: keyof NodeSettings, value: number | boolean | undefined) => {
    const next: NodeSettings = { ...settings };
    if (value === undefined) delete next[key];
    else Object.assign(next, { [key]: value });
    onChange({ settings: next });
  };

  return (
    <section className="inspector" aria-labelledby="inspector-title" data-testid="node-inspector">
      <header className="inspector__header">
        <span className={`inspector__icon wf-node--${definition.category}`}>
          <NodeIcon name={definition.icon} />
        </span>
        <div className="inspector__titles">
          <h2 id="inspector-title" className="inspector__title">
            {definition.label}
          </h2>
          <p className="inspector__subtitle">
            <code>{node.id}</code>
          </p>
        </div>
        <Button variant="ghost" size="sm" onClick={onClose} aria-label="Close the inspector">
          ✕
        </Button>
      </header>
      <p className="inspector__description">{definition.description}</p>
      <div className="stack-form">
        <TextField
          label="Label"
          value={node.data.label ?? ''}
          maxLength={NODE_LABEL_MAX}
          readOnly={readOnly}
          hint="Shown on the canvas."
          onChange={(event) => onChange({ label: event.target.value })}
        />
        <ConfigForm
          key={node.id}
          nodeId={node.id}
          type={type}
          config={node.data.config}
          issues={issues}
          readOnly={readOnly}
          widgets={configWidgets}
          {...(references ? { references } : {})}
          onChange={(config) => onChange({ config })}
        />
        {connections ? <NodeConnections node={node} readOnly={readOnly} {...connections} /> : null}
        <details className="inspector__settings">
          <summary>Execution settings</summary>
          <div className="stack-form">
            {SETTING_FIELDS.map((field) => (
              <TextField
                key={field.key}
                label={field.label}
                type="number"
                min={0}
                step={1}
                readOnly={readOnly}
                hint={field.hint}
                value={settings[field.key] === undefined ? '' : String(settings[field.key])}
                {...(settingsErrors[field.key] ? { error: settingsErrors[field.key] } : {})}
                onChange={(event) => setSetting(field.key, event.target.value === '' ? undefined : Number(event.target.value))}
              />
            ))}
            <Checkbox
              label="Continue on error"
              description="Record a failure of this node and go on without its output."
              disabled={readOnly}
              checked={settings.continueOnError === true}
              onChange={(event) => setSetting('continueOnError', event.target.checked || undefined)}
            />
          </div>
        </details>
        {readOnly ? null : (
          <div>
            <Button variant="ghost" size="sm" className="danger-text" onClick={onDelete}>
              Delete node
            </Button>
          </div>
        )}
      </div>
    </section>
  );
}
