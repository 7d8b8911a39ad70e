import { useRef } from 'react';
import { Alert, Button, Modal } from '@auterity/design-system';
import type { WorkflowSummaryDto } from '@auterity/workflow-contracts';
import { errorText } from '../../../utils/error-text';
import { useDeleteWorkflow } from '../api/delete-workflow';

interface DeleteWorkflowDialogProps {
  workflow: Pick<WorkflowSummaryDto, 'id' | 'name'> | null;
  onClose: () => void;
  onDeleted?: () => void;
}

/** Asks before deleting a workflow; Cancel gets the focus so Enter never deletes by accident. */
export function DeleteWorkflowDialog({ workflow, onClose, onDeleted }: DeleteWorkflowDialogProps) {
  const remove = useDeleteWorkflow();
  const cancelRef = useRef<HTMLButtonElement>(null);
  const handleClose = () => {
    remove.reset();
    onClose();
  };
  return (
    <Modal
      open={workflow !== null}
      role="alertdialog"
      initialFocusRef={cancelRef}
      onClose={handleClose}
      title="Delete workflow?"
      description={
        <>
          <strong>{workflow?.name}</strong> will be deleted for good, with all its versions and run history. Its webhook URL stops
          working.
        </>
      }
      footer={
        <>
          <Button ref={cancelRef} variant="secondary" onClick={handleClose}>
            Cancel
          </Button>
          <Button
            variant="danger"
            loading={remove.isPending}
            data-testid="confirm-delete-workflow"
            onClick={() =>
              workflow &&
              remove.mutate(workflow.id, {
                onSuccess: () => {
                  handleClose();
                  onDeleted?.();
                },
              })
            }
          >
            Delete workflow
          </Button>
        </>
      }
    >
      {remove.isError ? <Alert tone="error">{errorText(remove.error)}</Alert> : null}
    </Modal>
  );
}
