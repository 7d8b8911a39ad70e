import { ConfirmDialog } from '@auterity/design-system';
import type { WorkflowSummaryDto } from '@auterity/workflow-contracts';
import { errorText } from '../../../utils/error-text';
import { useDeleteWorkflow } from '../api/delete-workflow';

interface DeleteWorkflowDialogProps {
  workflow: Pick<WorkflowSummaryDto, 'id' | 'name'> | null;
  onClose: () => void;
  onDeleted?: () => void;
}

/** Asks before deleting a workflow. */
export function DeleteWorkflowDialog({ workflow, onClose, onDeleted }: DeleteWorkflowDialogProps) {
  const remove = useDeleteWorkflow();
  const handleClose = () => {
    remove.reset();
    onClose();
  };
  return (
    <ConfirmDialog
      open={workflow !== null}
      title="Delete workflow?"
      description={
        <>
          <strong>{workflow?.name}</strong> will be deleted for good, with all its versions and run history. Its webhook URL stops
          working.
        </>
      }
      confirmLabel="Delete workflow"
      confirmTestId="confirm-delete-workflow"
      busy={remove.isPending}
      error={remove.isError ? errorText(remove.error) : null}
      onCancel={handleClose}
      onConfirm={() =>
        workflow &&
        remove.mutate(workflow.id, {
          onSuccess: () => {
            handleClose();
            onDeleted?.();
          },
        })
      }
    />
  );
}
