import { useState, type FormEvent } from 'react';
import { Alert, Button, Modal, Select, TextField } from '@auterity/design-system';
import { CreateInviteBodySchema, ROLE_RANK, type Role } from '@auterity/workflow-contracts';
import { errorText, issueFieldErrors, serverFieldErrors } from '../../../utils/error-text';
import type { CreateInviteBody } from '../api/create-invite';

interface InviteMemberDialogProps {
  open: boolean;
  /** The inviter's role: an invite never grants more. */
  currentRole: Role;
  isSubmitting: boolean;
  error: unknown;
  onSubmit: (body: CreateInviteBody) => void;
  onClose: () => void;
}

const INVITE_ROLES = [
  { value: 'viewer', label: 'Viewer: sees workflows and runs' },
  { value: 'editor', label: 'Editor: builds and runs workflows' },
  { value: 'admin', label: 'Admin: also manages members, keys and billing' },
] as const;

/** Email and role of a new member, validated with the API's body schema. */
export function InviteMemberDialog({ open, currentRole, isSubmitting, error, onSubmit, onClose }: InviteMemberDialogProps) {
  const [errors, setErrors] = useState<Record<string, string>>({});
  const fromServer = serverFieldErrors(error);
  const shown = { ...fromServer, ...errors };

  const handleClose = () => {
    setErrors({});
    onClose();
  };

  const handleSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const parsed = CreateInviteBodySchema.safeParse({ email: form.get('email'), role: form.get('role') });
    if (!parsed.success) return setErrors(issueFieldErrors(parsed.error.issues));
    setErrors({});
    onSubmit(parsed.data);
  };

  const formError = error && Object.keys(fromServer).length === 0 ? errorText(error) : null;
  return (
    <Modal
      open={open}
      onClose={handleClose}
      title="Invite a member"
      description="They get an email with a link to create their account; it works for 7 days."
      footer={
        <>
          <Button variant="secondary" onClick={handleClose}>
            Cancel
          </Button>
          <Button type="submit" form="invite-member-form" loading={isSubmitting} data-testid="send-invite-button">
            Send invitation
          </Button>
        </>
      }
    >
      <form id="invite-member-form" className="stack-form" onSubmit={handleSubmit} noValidate>
        {formError ? <Alert tone="error">{formError}</Alert> : null}
        <TextField label="Email" name="email" type="email" autoComplete="off" required error={shown.email} />
        <Select
          label="Role"
          name="role"
          defaultValue="editor"
          options={INVITE_ROLES.map((option) => ({
            ...option,
            disabled: ROLE_RANK[option.value] > ROLE_RANK[currentRole],
          }))}
          error={shown.role}
        />
      </form>
    </Modal>
  );
}
