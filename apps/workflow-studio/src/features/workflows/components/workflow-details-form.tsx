import { Checkbox, TextField } from '@auterity/design-system';
import { WORKFLOW_DESCRIPTION_MAX, WORKFLOW_NAME_MAX } from '@auterity/workflow-contracts';

/** The workflow's own fields the editor saves together with the graph. */
export interface WorkflowDetails {
  name: string;
  description: string;
  /** Comma-separated as typed; split on save. */
  tags: string;
  isActive: boolean;
}

interface WorkflowDetailsFormProps {
  details: WorkflowDetails;
  errors: Record<string, string>;
  onChange: (details: WorkflowDetails) => void;
  readOnly: boolean;
}

/** Name, description, tags and the active switch, edited in the editor's side panel. */
export function WorkflowDetailsForm({ details, errors, onChange, readOnly }: WorkflowDetailsFormProps) {
  return (
    <div className="stack-form">
      <TextField
        label="Name"
        value={details.name}
        maxLength={WORKFLOW_NAME_MAX}
        readOnly={readOnly}
        {...(errors.name ? { error: errors.name } : {})}
        onChange={(event) => onChange({ ...details, name: event.target.value })}
      />
      <div className="ds-field">
        <label className="ds-field__label" htmlFor="workflow-details-description">
          Description
        </label>
        <textarea
          id="workflow-details-description"
          className="ds-input"
          rows={3}
          maxLength={WORKFLOW_DESCRIPTION_MAX}
          readOnly={readOnly}
          value={details.description}
          onChange={(event) => onChange({ ...details, description: event.target.value })}
        />
      </div>
      <TextField
        label="Tags"
        value={details.tags}
        readOnly={readOnly}
        hint="Separate with commas, e.g. billing, nightly."
        {...(errors.tags ? { error: errors.tags } : {})}
        onChange={(event) => onChange({ ...details, tags: event.target.value })}
      />
      <Checkbox
        label="Active"
        description="Inactive workflows ignore webhooks and schedules; you can still run them here."
        disabled={readOnly}
        checked={details.isActive}
        onChange={(event) => onChange({ ...details, isActive: event.target.checked })}
      />
    </div>
  );
}

/** Tags typed as `a, b, a` → `['a', 'b']`. */
export function splitTags(text: string): string[] {
  return [
    ...new Set(
      text
        .split(',')
        .map((tag) => tag.trim())
        .filter(Boolean),
    ),
  ];
}
