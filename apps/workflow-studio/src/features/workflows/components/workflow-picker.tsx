import { Link } from 'react-router';
import { Select } from '@auterity/design-system';
import { useWorkflows } from '../api/get-workflows';

interface WorkflowPickerProps {
  /** The `workflow.call` node's whole config; the picker edits `workflowId`. */
  config: Record<string, unknown>;
  issues: Record<string, string>;
  readOnly: boolean;
  onChange: (config: Record<string, unknown>) => void;
  /** The workflow being edited: calling itself would recurse, so it is not offered. */
  excludeId: string;
}

const NONE = '';

/** The sub-workflow a `workflow.call` node runs, chosen from the organization's workflows by name. */
export function WorkflowPicker({ config, issues, readOnly, onChange, excludeId }: WorkflowPickerProps) {
  const workflows = useWorkflows({});
  const value = typeof config.workflowId === 'string' ? config.workflowId : NONE;
  const items = (workflows.data?.pages.flatMap((page) => page.items) ?? []).filter((w) => w.id !== excludeId);
  const isListed = items.some((w) => w.id === value);
  const options = [
    { value: NONE, label: workflows.isPending ? 'Loading workflows…' : 'Pick a workflow' },
    ...items.map((w) => ({ value: w.id, label: `${w.name}${w.isActive ? '' : ' (inactive)'}` })),
    // The list is paged: a chosen workflow beyond the loaded page stays selectable, by id.
    ...(value !== NONE && !isListed ? [{ value, label: `Workflow ${value.slice(0, 8)}…` }] : []),
  ];
  const error = issues.workflowId ?? (workflows.isError ? 'Workflows could not be loaded.' : undefined);

  return (
    <div className="stack-form">
      <Select
        label="Workflow"
        value={value}
        options={options}
        disabled={readOnly}
        data-testid="workflow-picker"
        hint="Runs that workflow's published version with the input below; its output becomes this node's output."
        {...(error ? { error } : {})}
        onChange={(event) => {
          const next = { ...config };
          if (event.target.value === NONE) delete next.workflowId;
          else next.workflowId = event.target.value;
          onChange(next);
        }}
      />
      {value !== NONE ? (
        <p className="muted small">
          <Link to={`/workflows/${value}`} target="_blank" rel="noreferrer">
            Open it in a new tab
          </Link>
        </p>
      ) : null}
    </div>
  );
}
