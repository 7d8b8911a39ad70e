import { useRef, type ReactNode } from 'react';
import { Alert } from '../alert/alert';
import { Button } from '../button/button';
import { Modal } from '../modal/modal';

export interface ConfirmDialogProps {
  open: boolean;
  title: string;
  /** What will happen, in a sentence or two. */
  description: ReactNode;
  /** The destructive action, e.g. "Delete workflow". */
  confirmLabel: string;
  cancelLabel?: string;
  /** The action is running: the confirm button is busy and disabled. */
  busy?: boolean;
  /** Why the action failed, shown inside the dialog. */
  error?: ReactNode;
  onConfirm: () => void;
  onCancel: () => void;
  /** `data-testid` of the confirm button. */
  confirmTestId?: string;
}

/**
 * Asks before a destructive action. Cancel gets the focus, so Enter never confirms by accident;
 * Escape and the backdrop cancel.
 */
export function ConfirmDialog({
  open,
  title,
  description,
  confirmLabel,
  cancelLabel = 'Cancel',
  busy = false,
  error,
  onConfirm,
  onCancel,
  confirmTestId,
}: ConfirmDialogProps) {
  const cancelRef = useRef<HTMLButtonElement>(null);
  return (
    <Modal
      open={open}
      role="alertdialog"
      initialFocusRef={cancelRef}
      onClose={onCancel}
      title={title}
      description={description}
      footer={
        <>
          <Button ref={cancelRef} variant="secondary" onClick={onCancel}>
            {cancelLabel}
          </Button>
          <Button
            variant="danger"
            loading={busy}
            onClick={onConfirm}
            {...(confirmTestId ? { 'data-testid': confirmTestId } : {})}
          >
            {confirmLabel}
          </Button>
        </>
      }
    >
      {error ? <Alert tone="error">{error}</Alert> : null}
    </Modal>
  );
}
