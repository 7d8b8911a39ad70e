import { CREDENTIAL_TYPES, CredentialDataSchemas, type CredentialType } from '@auterity/workflow-contracts';

type DataShape<K extends CredentialType> = (typeof CredentialDataSchemas)[K]['shape'];
/** Every secret-field name the contract declares, across credential types. */
export type CredentialFieldName = { [K in CredentialType]: keyof DataShape<K> & string }[CredentialType];

interface FieldPresentation {
  label: string;
  /** `secret` fields are masked while typed and never shown again. */
  kind: 'secret' | 'text' | 'datetime';
  hint?: string;
}

/**
 * How each contract field is presented. Typed on the contract's field names, so a field added to
 * the contract fails the typecheck here until it has a label.
 */
const FIELD_PRESENTATION: Record<CredentialFieldName, FieldPresentation> = {
  apiKey: { label: 'API key', kind: 'secret' },
  provider: { label: 'Provider', kind: 'text', hint: 'e.g. openai or stripe' },
  baseUrl: { label: 'Base URL', kind: 'text', hint: 'For AI providers: a proxy or self-hosted endpoint.' },
  name: { label: 'Header name', kind: 'text', hint: 'e.g. X-Api-Key' },
  value: { label: 'Header value', kind: 'secret' },
  token: { label: 'Bearer token', kind: 'secret' },
  username: { label: 'Username', kind: 'text' },
  password: { label: 'Password', kind: 'secret' },
  accessToken: { label: 'Access token', kind: 'secret' },
  refreshToken: { label: 'Refresh token', kind: 'secret' },
  expiresAt: { label: 'Access token expires', kind: 'datetime', hint: 'In your local time.' },
};

export const CREDENTIAL_TYPE_LABELS: Record<CredentialType, string> = {
  api_key: 'API key',
  http_header: 'HTTP header',
  http_bearer: 'Bearer token',
  http_basic: 'Basic auth',
  oauth2: 'OAuth 2.0 token',
};

export const CREDENTIAL_TYPE_OPTIONS = CREDENTIAL_TYPES.map((type) => ({ value: type, label: CREDENTIAL_TYPE_LABELS[type] }));

export interface CredentialField extends FieldPresentation {
  name: CredentialFieldName;
  required: boolean;
}

function isFieldName(name: string): name is CredentialFieldName {
  return Object.hasOwn(FIELD_PRESENTATION, name);
}

export function isCredentialType(value: unknown): value is CredentialType {
  return CREDENTIAL_TYPES.some((type) => type === value);
}

/** The form fields of a credential type, in the contract's order; required when the schema says so. */
export function credentialFields(type: CredentialType): CredentialField[] {
  const fields: CredentialField[] = [];
  for (const [name, schema] of Object.entries(CredentialDataSchemas[type].shape)) {
    if (!isFieldName(name)) continue;
    fields.push({ name, ...FIELD_PRESENTATION[name], required: !schema.safeParse(undefined).success });
  }
  return fields;
}

/**
 * Reads a type's secret fields from a submitted form: empty optional fields are left out, and a
 * local date-time becomes the ISO-8601 instant the contract expects.
 */
export function readCredentialData(type: CredentialType, form: FormData): Record<string, string> {
  const data: Record<string, string> = {};
  for (const field of credentialFields(type)) {
    const raw = form.get(`data.${field.name}`);
    const value = typeof raw === 'string' ? raw : '';
    if (value === '' && !field.required) continue;
    data[field.name] = field.kind === 'datetime' ? toIsoInstant(value) : value;
  }
  return data;
}

function toIsoInstant(local: string): string {
  const date = new Date(local);
  return Number.isNaN(date.getTime()) ? local : date.toISOString();
}
