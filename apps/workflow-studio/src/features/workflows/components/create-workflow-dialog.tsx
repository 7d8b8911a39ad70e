import { useState, type FormEvent } from 'react';
import { Alert, Button, Modal, Spinner, TextField } from '@auterity/design-system';
import {
  CreateWorkflowBodySchema,
  WORKFLOW_DESCRIPTION_MAX,
  WORKFLOW_NAME_MAX,
  type WorkflowDto,
} from '@auterity/workflow-contracts';
import { ApiError } from '../../../lib/api-client';
import { errorText, issueFieldErrors, serverFieldErrors } from '../../../utils/error-text';
import { useCreateWorkflow } from '../api/create-workflow';
import { useWorkflowTemplates, type WorkflowTemplate } from '../api/get-workflow-templates';

interface CreateWorkflowDialogProps {
  open: boolean;
  onClose: () => void;
  /** Called with the new workflow; the caller usually opens it in the editor. */
  onCreated: (workflow: WorkflowDto) => void;
  /** A template chosen before opening (the gallery); read when mounted, so give a new `key` per opening. */
  initialTemplate?: WorkflowTemplate;
  /** The plan's limit refused the workflow (402 `plan_limit_reached`, for which the app shows its upgrade prompt): the dialog closes and hands the error over. */
  onPlanLimit?: (error: ApiError) => void;
}

const BLANK = 'blank';

function TemplatePicker({ value, onChange }: { value: string; onChange: (id: string, template?: WorkflowTemplate) => void }) {
  const templates = useWorkflowTemplates();
  const choices: { id: string; name: string; description: string; template?: WorkflowTemplate }[] = [
    { id: BLANK, name: 'Blank workflow', description: 'An empty canvas. Add a trigger and the nodes you need.' },
    ...(templates.data ?? []).map((t) => ({ id: t.id, name: t.name, description: t.description, template: t })),
  ];
  return (
    <fieldset className="template-picker">
      <legend className="ds-field__label">Start from</legend>
      {templates.isPending ? <Spinner size="sm" label="Loading templates" /> : null}
      {templates.isError ? (
        <span className="ds-field__hint">Templates are unavailable right now; you can start blank.</span>
      ) : null}
      <div className="template-picker__options">
        {choices.map((choice) => (
          <label key={choice.id} className="template-picker__option" data-testid={`template-${choice.id}`}>
            <input
              type="radio"
              name="template"
              value={choice.id}
              checked={value === choice.id}
              onChange={() => onChange(choice.id, choice.template)}
            />
            <span className="template-picker__text">
              <span className="template-picker__name">{choice.name}</span>
              <span className="template-picker__description">{choice.description}</span>
            </span>
          </label>
        ))}
      </div>
    </fieldset>
  );
}

/** Names a new workflow, optionally from a starter template, and creates it. */
export function CreateWorkflowDialog({ open, onClose, onCreated, initialTemplate, onPlanLimit }: CreateWorkflowDialogProps) {
  const [templateId, setTemplateId] = useState(initialTemplate?.id ?? BLANK);
  const [template, setTemplate] = useState<WorkflowTemplate | undefined>(initialTemplate);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const create = useCreateWorkflow();

  const handleClose = () => {
    create.reset();
    setErrors({});
    setTemplateId(BLANK);
    setTemplate(undefined);
    onClose();
  };

  const handleSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const description = String(form.get('description') ?? '').trim();
    const parsed = CreateWorkflowBodySchema.safeParse({
      name: form.get('name'),
      ...(description ? { description } : {}),
      ...(template ? { canvasData: template.canvasData, tags: template.tags } : {}),
    });
    if (!parsed.success) return setErrors(issueFieldErrors(parsed.error.issues));
    setErrors({});
    create.mutate(parsed.data, {
      onSuccess: (workflow) => {
        handleClose();
        onCreated(workflow);
      },
      onError: (error) => {
        if (onPlanLimit && error instanceof ApiError && error.code === 'plan_limit_reached') {
          handleClose();
          onPlanLimit(error);
          return;
        }
        setErrors(serverFieldErrors(error));
      },
    });
  };

  const formError = create.isError && Object.keys(errors).length === 0 ? errorText(create.error) : null;
  return (
    <Modal
      open={open}
      onClose={handleClose}
      title="New workflow"
      description="Give it a name you will recognize in the list. You can change everything later."
      footer={
        <>
          <Button variant="secondary" onClick={handleClose}>
            Cancel
          </Button>
          <Button type="submit" form="create-workflow-form" loading={create.isPending} data-testid="save-workflow-button">
            Create workflow
          </Button>
        </>
      }
    >
      <form id="create-workflow-form" className="stack-form" onSubmit={handleSubmit} noValidate autoComplete="off">
        {formError ? <Alert tone="error">{formError}</Alert> : null}
        <TextField
          label="Name"
          name="name"
          maxLength={WORKFLOW_NAME_MAX}
          required
          data-testid="workflow-name-input"
          defaultValue={initialTemplate?.name}
          placeholder="e.g. Summarize support tickets"
          {...(errors.name ? { error: errors.name } : {})}
        />
        <div className="ds-field">
          <label className="ds-field__label" htmlFor="workflow-description">
            Description <span className="field-optional">(optional)</span>
          </label>
          <textarea
            id="workflow-description"
            name="description"
            className="ds-input"
            rows={3}
            maxLength={WORKFLOW_DESCRIPTION_MAX}
            data-testid="workflow-description-input"
            aria-invalid={errors.description ? true : undefined}
          />
          {errors.description ? <span className="ds-field__error">{errors.description}</span> : null}
        </div>
        <TemplatePicker
          value={templateId}
          onChange={(id, picked) => {
            setTemplateId(id);
            setTemplate(picked);
          }}
        />
      </form>
    </Modal>
  );
}
