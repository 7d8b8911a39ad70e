import { useRef, useState, type ChangeEvent } from 'react';
import { Button } from '@auterity/design-system';
import { WorkflowExportSchema, type WorkflowDto } from '@auterity/workflow-contracts';
import { errorText } from '../../../utils/error-text';
import { useImportWorkflow } from '../api/import-workflow';

interface ImportWorkflowButtonProps {
  onImported: (workflow: WorkflowDto) => void;
  onError: (message: string) => void;
}

// Export files are small; anything bigger is not one.
const IMPORT_MAX_BYTES = 1_000_000;

/** Picks an exported workflow JSON file, checks it against the export contract and imports it. */
export function ImportWorkflowButton({ onImported, onError }: ImportWorkflowButtonProps) {
  const inputRef = useRef<HTMLInputElement>(null);
  const importWorkflow = useImportWorkflow();
  const [isReading, setIsReading] = useState(false);

  const handleFile = async (event: ChangeEvent<HTMLInputElement>) => {
    const file = event.target.files?.[0];
    event.target.value = '';
    if (!file) return;
    if (file.size > IMPORT_MAX_BYTES) return onError('That file is too large to be a workflow export (1 MB at most).');
    setIsReading(true);
    let json: unknown;
    try {
      json = JSON.parse(await file.text());
    } catch {
      return onError(`${file.name} is not valid JSON.`);
    } finally {
      setIsReading(false);
    }
    const parsed = WorkflowExportSchema.safeParse(json);
    if (!parsed.success) {
      const first = parsed.error.issues[0];
      const where = first && first.path.length > 0 ? ` (${first.path.join('.')})` : '';
      return onError(`${file.name} is not an Auterity workflow export: ${first?.message ?? 'unexpected shape'}${where}.`);
    }
    importWorkflow.mutate(parsed.data, { onSuccess: onImported, onError: (error) => onError(errorText(error)) });
  };

  return (
    <>
      <input
        ref={inputRef}
        type="file"
        accept="application/json,.json"
        className="ds-visually-hidden"
        tabIndex={-1}
        aria-hidden="true"
        data-testid="import-workflow-input"
        onChange={(event) => void handleFile(event)}
      />
      <Button variant="secondary" loading={isReading || importWorkflow.isPending} onClick={() => inputRef.current?.click()}>
        Import JSON
      </Button>
    </>
  );
}
