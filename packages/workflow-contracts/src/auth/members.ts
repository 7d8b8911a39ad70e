import { z } from 'zod';
import { AssignableRoleSchema, RoleSchema } from './roles';
import { EmailSchema, NAME_MAX, NewPasswordSchema, ORGANIZATION_NAME_MAX } from './auth';

/** A member of the caller's organization. */
export const MemberDtoSchema = z
  .object({
    id: z.uuid(),
    email: z.string(),
    firstName: z.string().nullable(),
    lastName: z.string().nullable(),
    role: RoleSchema,
    isActive: z.boolean(),
    emailVerified: z.boolean(),
    lastLoginAt: z.string().nullable(),
    createdAt: z.string(),
  })
  .meta({ id: 'Member' });
export type MemberDto = z.infer<typeof MemberDtoSchema>;

/** Body of `PATCH /api/members/:id`. Owners may hand out `owner`; nobody grants above their own role. */
export const UpdateMemberBodySchema = z.object({ role: RoleSchema }).meta({ id: 'UpdateMemberBody' });

/** Body of `POST /api/invites`. */
export const CreateInviteBodySchema = z
  .object({
    email: EmailSchema,
    role: AssignableRoleSchema,
  })
  .meta({ id: 'CreateInviteBody' });

export const InviteDtoSchema = z
  .object({
    id: z.uuid(),
    email: z.string(),
    role: AssignableRoleSchema,
    expiresAt: z.string(),
    createdAt: z.string(),
  })
  .meta({ id: 'Invite' });
export type InviteDto = z.infer<typeof InviteDtoSchema>;

/** Body of `POST /api/invites/accept`: the emailed token and the new account's password. */
export const AcceptInviteBodySchema = z
  .object({
    token: z.string().min(20).max(200),
    password: NewPasswordSchema,
    firstName: z.string().trim().max(NAME_MAX).optional(),
    lastName: z.string().trim().max(NAME_MAX).optional(),
  })
  .meta({ id: 'AcceptInviteBody' });

/** The caller's organization, as `GET /api/organization` and `PATCH /api/organization` answer it. */
export const OrganizationDtoSchema = z
  .object({
    id: z.uuid(),
    name: z.string(),
    /** The plan tier the organization is billed on (`free`, `starter`, `professional`, `enterprise`). */
    subscriptionTier: z.string(),
    /** Every account in the organization, active or not. */
    memberCount: z.number().int().nonnegative(),
    createdAt: z.string(),
    /** What the caller may do with it; the studio shows or hides the rename form from this. */
    abilities: z.object({ canEdit: z.boolean() }),
  })
  .meta({ id: 'Organization' });
export type OrganizationDto = z.infer<typeof OrganizationDtoSchema>;

/** Body of `PATCH /api/organization`: owners and admins rename their organization. */
export const UpdateOrganizationBodySchema = z
  .object({
    name: z.string().trim().min(1, 'Organization name is required').max(ORGANIZATION_NAME_MAX),
  })
  .meta({ id: 'UpdateOrganizationBody' });
export type UpdateOrganizationBody = z.infer<typeof UpdateOrganizationBodySchema>;
