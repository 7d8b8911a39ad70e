import { Link } from 'react-router';
import { Select } from '@auterity/design-system';
import type { CredentialDto, CredentialType } from '@auterity/workflow-contracts';
import { useCredentials } from '../api/get-credentials';
import { CREDENTIAL_TYPE_LABELS } from '../utils/credential-fields';

interface CredentialPickerProps {
  /** The node's whole config; the picker edits `credentialId`. */
  config: Record<string, unknown>;
  issues: Record<string, string>;
  readOnly: boolean;
  onChange: (config: Record<string, unknown>) => void;
  /** Credential types that fit the node; others are not offered. */
  types?: readonly CredentialType[];
  hint: string;
}

const NONE = '';

function optionLabel(credential: CredentialDto): string {
  return `${credential.name} · ${CREDENTIAL_TYPE_LABELS[credential.type]} (${credential.hint})`;
}

/** A node's `credentialId` as a choice among the organization's vault credentials (names and masked hints only). */
export function CredentialPicker({ config, issues, readOnly, onChange, types, hint }: CredentialPickerProps) {
  const credentials = useCredentials();
  const value = typeof config.credentialId === 'string' ? config.credentialId : NONE;
  const usable = (credentials.data ?? []).filter((c) => !types || types.includes(c.type));
  const isUnknown = value !== NONE && credentials.data !== undefined && !credentials.data.some((c) => c.id === value);
  const options = [
    { value: NONE, label: credentials.isPending ? 'Loading credentials…' : 'No credential' },
    ...usable.map((c) => ({ value: c.id, label: optionLabel(c) })),
    // Keep a value the list does not have (deleted, or another type) visible instead of silently dropping it.
    ...(isUnknown ? [{ value, label: 'A credential that no longer exists' }] : []),
  ];
  const error =
    issues.credentialId ??
    (isUnknown
      ? 'This credential was deleted; pick another one.'
      : credentials.isError
        ? 'Credentials could not be loaded.'
        : undefined);

  return (
    <div className="stack-form">
      <Select
        label="Credential (optional)"
        value={value}
        options={options}
        disabled={readOnly}
        data-testid="credential-picker"
        hint={hint}
        {...(error ? { error } : {})}
        onChange={(event) => {
          const next = { ...config };
          if (event.target.value === NONE) delete next.credentialId;
          else next.credentialId = event.target.value;
          onChange(next);
        }}
      />
      {credentials.data !== undefined && usable.length === 0 ? (
        <p className="muted small">
          No fitting credential yet. <Link to="/credentials">Add one in the vault</Link>.
        </p>
      ) : null}
    </div>
  );
}
