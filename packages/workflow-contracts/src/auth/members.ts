import { z } from 'zod';
import { AssignableRoleSchema, RoleSchema } from './roles';
import { EmailSchema, NAME_MAX, NewPasswordSchema } from './auth';

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
