import { z } from 'zod';
import {
  CreateCredentialBodySchema,
  CredentialDtoSchema,
  IdParamsSchema,
  UpdateCredentialBodySchema,
} from '@auterity/workflow-contracts';
import { actorOf, defineRoute, type RouteDefinition } from '../../http/define-route';
import type { CredentialsService } from './credentials.service';

const CredentialListSchema = z
  .object({ items: z.array(CredentialDtoSchema), nextCursor: z.null() })
  .meta({ id: 'CredentialList' });

export function credentialsRoutes(service: CredentialsService): RouteDefinition[] {
  return [
    defineRoute({
      method: 'post',
      path: '/api/credentials',
      summary: 'Store a credential (encrypted; never returned)',
      tags: ['credentials'],
      permission: 'credentials:manage',
      input: { body: CreateCredentialBodySchema },
      errors: [401, 403, 409],
      response: { status: 201, description: 'Stored; only a masked hint is shown', schema: CredentialDtoSchema },
      audit: ({ actor, result }) => ({
        action: 'credential.created',
        organizationId: actor?.organizationId ?? null,
        actor,
        target: { type: 'credential', id: result.id },
        metadata: { name: result.name, type: result.type },
      }),
      handle: (ctx) => service.create(actorOf(ctx), ctx.input.body),
    }),
    defineRoute({
      method: 'get',
      path: '/api/credentials',
      summary: "The organization's credentials (names, types, masked hints)",
      tags: ['credentials'],
      permission: 'workflows:read',
      errors: [401, 403],
      response: { description: 'Credentials by name', schema: CredentialListSchema },
      handle: async (ctx) => ({ items: await service.list(actorOf(ctx)), nextCursor: null }),
    }),
    defineRoute({
      method: 'get',
      path: '/api/credentials/:id',
      summary: 'One credential (masked)',
      tags: ['credentials'],
      permission: 'workflows:read',
      input: { params: IdParamsSchema },
      errors: [401, 403, 404],
      response: { description: 'The credential, without its secret', schema: CredentialDtoSchema },
      handle: (ctx) => service.get(actorOf(ctx), ctx.input.params.id),
    }),
    defineRoute({
      method: 'put',
      path: '/api/credentials/:id',
      summary: 'Rename a credential or replace its secret',
      tags: ['credentials'],
      permission: 'credentials:manage',
      input: { params: IdParamsSchema, body: UpdateCredentialBodySchema },
      errors: [401, 403, 404, 409],
      response: { description: 'Updated', schema: CredentialDtoSchema },
      audit: ({ actor, input }) => ({
        action: input.body.data ? 'credential.replaced' : 'credential.renamed',
        organizationId: actor?.organizationId ?? null,
        actor,
        target: { type: 'credential', id: input.params.id },
      }),
      handle: (ctx) => service.update(actorOf(ctx), ctx.input.params.id, ctx.input.body),
    }),
    defineRoute({
      method: 'delete',
      path: '/api/credentials/:id',
      summary: 'Delete a credential',
      tags: ['credentials'],
      permission: 'credentials:manage',
      input: { params: IdParamsSchema },
      errors: [401, 403, 404],
      response: { status: 204, description: 'Deleted', schema: z.void() },
      audit: ({ actor, input }) => ({
        action: 'credential.deleted',
        organizationId: actor?.organizationId ?? null,
        actor,
        target: { type: 'credential', id: input.params.id },
      }),
      handle: (ctx) => service.remove(actorOf(ctx), ctx.input.params.id),
    }),
  ];
}
