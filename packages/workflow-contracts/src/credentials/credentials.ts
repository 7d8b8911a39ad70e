import { z } from 'zod';

export const CREDENTIAL_NAME_MAX = 100;
const secret = (label: string) => z.string().min(1, `${label} is required`).max(10_000);
const name = z.string().trim().min(1, 'Name is required').max(CREDENTIAL_NAME_MAX);

/** The secret fields of each credential type; they are encrypted at rest and never returned. */
export const CredentialDataSchemas = {
  api_key: z.object({
    apiKey: secret('API key'),
    /** An AI provider id (`openai`, `anthropic`, …): the key then enables that provider. */
    provider: z.string().max(50).optional(),
    /** For AI providers: another endpoint (a proxy or self-hosted server), reached through the SSRF guard. */
    baseUrl: z
      .url({ protocol: /^https?$/, error: 'Use an http(s) URL' })
      .max(500)
      .optional(),
  }),
  http_header: z.object({ name: z.string().min(1).max(200), value: secret('Header value') }),
  http_bearer: z.object({ token: secret('Token') }),
  http_basic: z.object({ username: z.string().min(1).max(200), password: secret('Password') }),
  oauth2: z.object({
    accessToken: secret('Access token'),
    refreshToken: z.string().max(10_000).optional(),
    expiresAt: z.iso.datetime({ offset: true }).optional(),
  }),
} as const;

export const CREDENTIAL_TYPES = ['api_key', 'http_header', 'http_bearer', 'http_basic', 'oauth2'] as const;
export const CredentialTypeSchema = z.enum(CREDENTIAL_TYPES);
export type CredentialType = z.infer<typeof CredentialTypeSchema>;

/** Body of `POST /api/credentials`: a discriminated union on `type`, so `data` is checked per type. */
export const CreateCredentialBodySchema = z
  .discriminatedUnion('type', [
    z.object({ name, type: z.literal('api_key'), data: CredentialDataSchemas.api_key }),
    z.object({ name, type: z.literal('http_header'), data: CredentialDataSchemas.http_header }),
    z.object({ name, type: z.literal('http_bearer'), data: CredentialDataSchemas.http_bearer }),
    z.object({ name, type: z.literal('http_basic'), data: CredentialDataSchemas.http_basic }),
    z.object({ name, type: z.literal('oauth2'), data: CredentialDataSchemas.oauth2 }),
  ])
  .meta({ id: 'CreateCredentialBody' });
export type CreateCredentialBody = z.infer<typeof CreateCredentialBodySchema>;

/** Body of `PUT /api/credentials/:id`: rename and/or replace the secret (the type stays). */
export const UpdateCredentialBodySchema = z
  .object({ name: name.optional(), data: z.record(z.string(), z.unknown()).optional() })
  .meta({ id: 'UpdateCredentialBody' });
export type UpdateCredentialBody = z.infer<typeof UpdateCredentialBodySchema>;

export const CredentialDtoSchema = z
  .object({
    id: z.uuid(),
    name: z.string(),
    type: CredentialTypeSchema,
    /** A masked reminder of the secret, such as `sk-…x9Qa`; the secret itself is never returned. */
    hint: z.string(),
    /** The AI provider this API key enables (`api_key` credentials naming one), else null. */
    provider: z.string().nullable(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .meta({ id: 'Credential' });
export type CredentialDto = z.infer<typeof CredentialDtoSchema>;
