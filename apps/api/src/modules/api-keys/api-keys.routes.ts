import { z } from 'zod';
import { ApiKeyDtoSchema, CreateApiKeyBodySchema, CreatedApiKeyDtoSchema, IdParamsSchema } from '@auterity/workflow-contracts';
import { actorOf, defineRoute, type RouteDefinition } from '../../http/define-route';
import type { ApiKeysService } from './api-keys.service';

const ApiKeyListSchema = z.object({ items: z.array(ApiKeyDtoSchema), nextCursor: z.null() }).meta({ id: 'ApiKeyList' });

export function apiKeysRoutes(service: ApiKeysService): RouteDefinition[] {
  return [
    defineRoute({
      method: 'post',
      path: '/api/api-keys',
      summary: 'Create an API key (the key is returned once)',
      tags: ['api-keys'],
      permission: 'api_keys:manage',
      input: { body: CreateApiKeyBodySchema },
      errors: [401, 403],
      response: { status: 201, description: 'Created; store `key` now, it is never shown again', schema: CreatedApiKeyDtoSchema },
      audit: ({ actor, result }) => ({
        action: 'api_key.created',
        organizationId: actor?.organizationId ?? null,
        actor,
        target: { type: 'api_key', id: result.id },
        metadata: { name: result.name, scopes: result.scopes },
      }),
      handle: (ctx) => service.create(actorOf(ctx), ctx.input.body),
    }),
    defineRoute({
      method: 'get',
      path: '/api/api-keys',
      summary: "List the organization's API keys",
      tags: ['api-keys'],
      permission: 'api_keys:manage',
      errors: [401, 403],
      response: { description: 'Keys, newest first (never the key itself)', schema: ApiKeyListSchema },
      handle: async (ctx) => ({ items: await service.list(actorOf(ctx)), nextCursor: null }),
    }),
    defineRoute({
      method: 'get',
      path: '/api/api-keys/:id',
      summary: 'One API key',
      tags: ['api-keys'],
      permission: 'api_keys:manage',
      input: { params: IdParamsSchema },
      errors: [401, 403, 404],
      response: { description: 'The key (never the key itself)', schema: ApiKeyDtoSchema },
      handle: (ctx) => service.get(actorOf(ctx), ctx.input.params.id),
    }),
    defineRoute({
      method: 'delete',
      path: '/api/api-keys/:id',
      summary: 'Revoke an API key',
      tags: ['api-keys'],
      permission: 'api_keys:manage',
      input: { params: IdParamsSchema },
      errors: [401, 403, 404],
      response: { status: 204, description: 'Revoked', schema: z.void() },
      audit: ({ actor, input }) => ({
        action: 'api_key.revoked',
        organizationId: actor?.organizationId ?? null,
        actor,
        target: { type: 'api_key', id: input.params.id },
      }),
      handle: (ctx) => service.revoke(actorOf(ctx), ctx.input.params.id),
    }),
  ];
}
