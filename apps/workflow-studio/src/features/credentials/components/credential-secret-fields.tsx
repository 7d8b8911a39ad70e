import { TextField } from '@auterity/design-system';
import type { CredentialType } from '@auterity/workflow-contracts';
import { credentialFields } from '../utils/credential-fields';

interface CredentialSecretFieldsProps {
  type: CredentialType;
  /** Messages keyed by `data.<field>`, from the contract schema or the API. */
  errors: Record<string, string>;
}

/** The inputs of one credential type, generated from its contract schema. Inputs start empty: secrets are never prefilled. */
export function CredentialSecretFields({ type, errors }: CredentialSecretFieldsProps) {
  return (
    <>
      {credentialFields(type).map((field) => (
        <TextField
          key={`${type}.${field.name}`}
          label={field.required ? field.label : `${field.label} (optional)`}
          name={`data.${field.name}`}
          type={field.kind === 'secret' ? 'password' : field.kind === 'datetime' ? 'datetime-local' : 'text'}
          autoComplete={field.kind === 'secret' ? 'new-password' : 'off'}
          spellCheck={false}
          required={field.required}
          hint={field.hint}
          error={errors[`data.${field.name}`]}
        />
      ))}
    </>
  );
}
