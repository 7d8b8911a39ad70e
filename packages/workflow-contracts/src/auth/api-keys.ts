import { z } from 'zod';
import { PermissionSchema } from './roles';

export const API_KEY_NAME_MAX = 100;

/** Body of `POST /api/api-keys`. Scopes are a subset of the creator's own permissions. */
export const CreateApiKeyBodySchema = z
  .object({
    name: z.string().trim().min(1, 'Name is required').max(API_KEY_NAME_MAX),
    scopes: z.array(PermissionSchema).min(1, 'Choose at least one scope').max(20),
    /** Optional expiry; must be in the future. */
    expiresAt: z.iso.datetime({ offset: true }).optional(),
  })
  .meta({ id: 'CreateApiKeyBody' });
export type CreateApiKeyBody = z.infer<typeof CreateApiKeyBodySchema>;

export const ApiKeyDtoSchema = z
  .object({
    id: z.uuid(),
    name: z.string(),
    /** The first characters of the key, to recognize it; the key itself is shown only once. */
    prefix: z.string(),
    scopes: z.array(PermissionSchema),
    createdAt: z.string(),
    expiresAt: z.string().nullable(),
    lastUsedAt: z.string().nullable(),
    revokedAt: z.string().nullable(),
  })
  .meta({ id: 'ApiKey' });
export type ApiKeyDto = z.infer<typeof ApiKeyDtoSchema>;

/** Answer of `POST /api/api-keys`: the only time `key` is ever returned. */
export const CreatedApiKeyDtoSchema = ApiKeyDtoSchema.extend({ key: z.string() }).meta({ id: 'CreatedApiKey' });

export const IdParamsSchema = z.object({ id: z.uuid({ message: 'Must be a UUID' }) });
