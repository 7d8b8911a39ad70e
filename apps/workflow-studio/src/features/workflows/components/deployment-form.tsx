import { useState, type FormEvent } from 'react';
import { Alert, Button, Select, TextField } from '@auterity/design-system';
import { UpdateDeploymentBodySchema, type WorkflowDto } from '@auterity/workflow-contracts';
import { errorText, issueFieldErrors } from '../../../utils/error-text';
import { useUpdateDeployment } from '../api/update-deployment';

interface DeploymentFormProps {
  workflow: WorkflowDto;
  /** Version numbers that exist, newest first. */
  versions: readonly number[];
}

const NO_CANARY = '';

/**
 * Which version webhooks, schedules and API callers run: the published one, and optionally a canary
 * version that takes a share of those triggers (runs from the editor always use the canvas version).
 */
export function DeploymentForm({ workflow, versions }: DeploymentFormProps) {
  const update = useUpdateDeployment();
  const [published, setPublished] = useState(String(workflow.publishedVersion ?? versions[0] ?? ''));
  const [canary, setCanary] = useState(workflow.canaryVersion === null ? NO_CANARY : String(workflow.canaryVersion));
  const [percent, setPercent] = useState(String(workflow.canaryPercent || 10));
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [isSaved, setIsSaved] = useState(false);
  const options = versions.map((v) => ({ value: String(v), label: `v${v}${v === workflow.version ? ' (latest)' : ''}` }));

  const handleSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    setIsSaved(false);
    const hasCanary = canary !== NO_CANARY;
    if (hasCanary && canary === published) return setErrors({ canaryVersion: 'Pick a version other than the published one.' });
    const parsed = UpdateDeploymentBodySchema.safeParse({
      publishedVersion: Number(published),
      canaryVersion: hasCanary ? Number(canary) : null,
      ...(hasCanary ? { canaryPercent: percent.trim() === '' ? Number.NaN : Number(percent) } : {}),
    });
    if (!parsed.success) return setErrors(issueFieldErrors(parsed.error.issues));
    setErrors({});
    update.mutate({ id: workflow.id, body: parsed.data }, { onSuccess: () => setIsSaved(true) });
  };

  const live =
    workflow.publishedVersion === null
      ? 'Nothing is published yet: triggers run the latest version.'
      : workflow.canaryVersion !== null
        ? `Triggers run v${workflow.publishedVersion}, and v${workflow.canaryVersion} for ${workflow.canaryPercent}% of them.`
        : `Triggers run v${workflow.publishedVersion}.`;

  return (
    <form className="deployment-form" aria-labelledby="deployment-title" onSubmit={handleSubmit} noValidate>
      <h3 id="deployment-title" className="side-section__title">
        Publish
      </h3>
      <p className="muted small" data-testid="deployment-status">
        {live}
      </p>
      <p className="muted small">
        Runs from this editor use the canvas. Saving a changed graph publishes it, except while a canary runs: then new versions
        wait here until you publish them.
      </p>
      <div className="deployment-form__fields">
        <Select
          label="Published version"
          value={published}
          options={options}
          data-testid="published-version-select"
          disabled={!workflow.abilities.canEdit}
          onChange={(event) => setPublished(event.target.value)}
          {...(errors.publishedVersion ? { error: errors.publishedVersion } : {})}
        />
        <Select
          label="Canary version"
          value={canary}
          options={[{ value: NO_CANARY, label: 'No canary' }, ...options]}
          data-testid="canary-version-select"
          disabled={!workflow.abilities.canEdit}
          onChange={(event) => setCanary(event.target.value)}
          {...(errors.canaryVersion ? { error: errors.canaryVersion } : {})}
        />
        <TextField
          label="Canary share (%)"
          type="number"
          inputMode="numeric"
          min={0}
          max={100}
          step={1}
          value={percent}
          disabled={canary === NO_CANARY || !workflow.abilities.canEdit}
          data-testid="canary-percent-input"
          onChange={(event) => setPercent(event.target.value)}
          {...(errors.canaryPercent ? { error: 'A whole number from 0 to 100.' } : {})}
        />
      </div>
      {update.isError ? <Alert tone="error">{errorText(update.error)}</Alert> : null}
      {workflow.abilities.canEdit ? (
        <div className="versions-dialog__actions">
          {isSaved ? (
            <span className="muted small" role="status">
              Deployment saved.
            </span>
          ) : null}
          <Button type="submit" variant="secondary" loading={update.isPending} data-testid="save-deployment-button">
            Save deployment
          </Button>
        </div>
      ) : null}
    </form>
  );
}
