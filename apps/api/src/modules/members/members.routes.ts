import { z } from 'zod';
import {
  AcceptInviteBodySchema,
  AuthResponseSchema,
  CreateInviteBodySchema,
  IdParamsSchema,
  InviteDtoSchema,
  MemberDtoSchema,
  OrganizationDtoSchema,
  UpdateMemberBodySchema,
  UpdateOrganizationBodySchema,
} from '@auterity/workflow-contracts';
import { actorOf, defineRoute, type RouteDefinition } from '../../http/define-route';
import { clientOf, setRefreshCookie } from '../auth/auth.routes';
import type { MembersService } from './members.service';

const MemberListSchema = z.object({ items: z.array(MemberDtoSchema), nextCursor: z.null() }).meta({ id: 'MemberList' });
const InviteListSchema = z.object({ items: z.array(InviteDtoSchema), nextCursor: z.null() }).meta({ id: 'InviteList' });
const OrganizationSummarySchema = z
  .object({ id: z.uuid(), name: z.string(), subscriptionTier: z.string(), memberCount: z.number().int(), createdAt: z.string() })
  .meta({ id: 'OrganizationSummary' });
const AdminOrganizationsQuerySchema = z.object({ limit: z.coerce.number().int().min(1).max(500).default(100) });

export function membersRoutes(service: MembersService, options: { secureCookies: boolean }): RouteDefinition[] {
  return [
    defineRoute({
      method: 'get',
      path: '/api/members',
      summary: "List the organization's members",
      tags: ['members'],
      permission: 'members:read',
      errors: [401, 403],
      response: { description: 'Members, oldest first', schema: MemberListSchema },
      handle: async (ctx) => ({ items: await service.list(actorOf(ctx)), nextCursor: null }),
    }),
    defineRoute({
      method: 'patch',
      path: '/api/members/:id',
      summary: "Change a member's role",
      tags: ['members'],
      permission: 'members:manage',
      input: { params: IdParamsSchema, body: UpdateMemberBodySchema },
      errors: [401, 403, 404, 409],
      response: { description: 'Updated; the member is signed out so the role applies at once', schema: MemberDtoSchema },
      audit: ({ actor, input }) => ({
        action: 'member.role_changed',
        organizationId: actor?.organizationId ?? null,
        actor,
        target: { type: 'user', id: input.params.id },
        metadata: { role: input.body.role },
      }),
      handle: (ctx) => service.changeRole(actorOf(ctx), ctx.input.params.id, ctx.input.body.role),
    }),
    defineRoute({
      method: 'delete',
      path: '/api/members/:id',
      summary: 'Remove a member from the organization',
      tags: ['members'],
      permission: 'members:manage',
      input: { params: IdParamsSchema },
      errors: [401, 403, 404, 409],
      response: { status: 204, description: 'Removed', schema: z.void() },
      audit: ({ actor, input }) => ({
        action: 'member.removed',
        organizationId: actor?.organizationId ?? null,
        actor,
        target: { type: 'user', id: input.params.id },
      }),
      handle: (ctx) => service.remove(actorOf(ctx), ctx.input.params.id),
    }),
    defineRoute({
      method: 'post',
      path: '/api/members/:id/deactivate',
      summary: 'Deactivate a member (signed out, cannot sign in)',
      tags: ['members'],
      permission: 'members:manage',
      input: { params: IdParamsSchema },
      errors: [401, 403, 404, 409],
      response: { description: 'Deactivated', schema: MemberDtoSchema },
      audit: ({ actor, input }) => ({
        action: 'member.deactivated',
        organizationId: actor?.organizationId ?? null,
        actor,
        target: { type: 'user', id: input.params.id },
      }),
      handle: (ctx) => service.setActive(actorOf(ctx), ctx.input.params.id, false),
    }),
    defineRoute({
      method: 'post',
      path: '/api/members/:id/activate',
      summary: 'Reactivate a member',
      tags: ['members'],
      permission: 'members:manage',
      input: { params: IdParamsSchema },
      errors: [401, 403, 404],
      response: { description: 'Active again', schema: MemberDtoSchema },
      audit: ({ actor, input }) => ({
        action: 'member.activated',
        organizationId: actor?.organizationId ?? null,
        actor,
        target: { type: 'user', id: input.params.id },
      }),
      handle: (ctx) => service.setActive(actorOf(ctx), ctx.input.params.id, true),
    }),
    defineRoute({
      method: 'post',
      path: '/api/invites',
      summary: 'Invite someone by email',
      tags: ['members'],
      permission: 'members:manage',
      input: { body: CreateInviteBodySchema },
      errors: [401, 403, 409],
      response: { status: 201, description: 'Invitation sent', schema: InviteDtoSchema },
      audit: ({ actor, result }) => ({
        action: 'member.invited',
        organizationId: actor?.organizationId ?? null,
        actor,
        target: { type: 'invite', id: result.id },
        metadata: { email: result.email, role: result.role },
      }),
      handle: (ctx) => service.invite(actorOf(ctx), ctx.input.body),
    }),
    defineRoute({
      method: 'get',
      path: '/api/invites',
      summary: 'Pending invitations',
      tags: ['members'],
      permission: 'members:manage',
      errors: [401, 403],
      response: { description: 'Pending, newest first', schema: InviteListSchema },
      handle: async (ctx) => ({ items: await service.listInvites(actorOf(ctx)), nextCursor: null }),
    }),
    defineRoute({
      method: 'delete',
      path: '/api/invites/:id',
      summary: 'Withdraw an invitation',
      tags: ['members'],
      permission: 'members:manage',
      input: { params: IdParamsSchema },
      errors: [401, 403, 404],
      response: { status: 204, description: 'Withdrawn', schema: z.void() },
      audit: ({ actor, input }) => ({
        action: 'member.invite_revoked',
        organizationId: actor?.organizationId ?? null,
        actor,
        target: { type: 'invite', id: input.params.id },
      }),
      handle: (ctx) => service.revokeInvite(actorOf(ctx), ctx.input.params.id),
    }),
    defineRoute({
      method: 'post',
      path: '/api/invites/accept',
      rateLimit: 'auth',
      summary: 'Accept an invitation: creates the account and signs it in',
      tags: ['members'],
      auth: 'public',
      input: { body: AcceptInviteBodySchema },
      errors: [409],
      response: { status: 201, description: 'Account created and signed in', schema: AuthResponseSchema },
      audit: ({ result }) => ({
        action: 'member.invite_accepted',
        organizationId: result.user.organizationId,
        actor: { kind: 'user', userId: result.user.id },
      }),
      handle: async ({ input, req, res }) => {
        const signedIn = await service.acceptInvite(input.body, clientOf(req));
        setRefreshCookie(res, signedIn, options.secureCookies);
        return signedIn.response;
      },
    }),
    defineRoute({
      method: 'get',
      path: '/api/organization',
      summary: "The caller's organization: name, plan tier, member count",
      tags: ['members'],
      errors: [401, 404],
      response: { description: 'The organization', schema: OrganizationDtoSchema },
      handle: (ctx) => service.getOrganization(actorOf(ctx)),
    }),
    defineRoute({
      method: 'patch',
      path: '/api/organization',
      summary: 'Rename the organization (owners and admins)',
      tags: ['members'],
      permission: 'members:manage',
      input: { body: UpdateOrganizationBodySchema },
      errors: [400, 401, 403, 404],
      response: { description: 'Renamed', schema: OrganizationDtoSchema },
      audit: ({ actor, input }) => ({
        action: 'organization.updated',
        organizationId: actor?.organizationId ?? null,
        actor,
        target: actor ? { type: 'organization', id: actor.organizationId } : undefined,
        metadata: { name: input.body.name },
      }),
      handle: (ctx) => service.renameOrganization(actorOf(ctx), ctx.input.body),
    }),
    defineRoute({
      method: 'get',
      path: '/api/admin/organizations',
      summary: 'Platform administrators: every organization',
      tags: ['admin'],
      input: { query: AdminOrganizationsQuerySchema },
      errors: [401, 403],
      response: {
        description: 'Organizations, newest first',
        schema: z.object({ items: z.array(OrganizationSummarySchema), nextCursor: z.null() }),
      },
      handle: async (ctx) => ({
        items: (await service.listAllOrganizations(actorOf(ctx), ctx.input.query.limit)).map((o) => ({
          ...o,
          createdAt: o.createdAt.toISOString(),
        })),
        nextCursor: null,
      }),
    }),
  ];
}
