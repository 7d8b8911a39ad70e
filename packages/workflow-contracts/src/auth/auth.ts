import { z } from 'zod';
import { PermissionSchema, RoleSchema } from './roles';

/** Shortest password accepted (NIST 800-63B: at least 8). */
export const PASSWORD_MIN = 8;
/** Longest password accepted; bounds hashing cost per request. */
export const PASSWORD_MAX = 128;
export const EMAIL_MAX = 254;
export const NAME_MAX = 100;
export const ORGANIZATION_NAME_MAX = 255;

/** An email address, normalized to lower case (accounts are unique regardless of case). */
export const EmailSchema = z
  .email({ message: 'Enter a valid email address' })
  .max(EMAIL_MAX)
  .transform((v) => v.trim().toLowerCase());
const email = EmailSchema;
/** A new password: length rules here; the server also refuses the most common passwords. */
export const NewPasswordSchema = z
  .string()
  .min(PASSWORD_MIN, `Password must be at least ${PASSWORD_MIN} characters`)
  .max(PASSWORD_MAX, `Password must be at most ${PASSWORD_MAX} characters`);

/** Body of `POST /api/auth/login`. */
export const LoginBodySchema = z
  .object({
    email,
    password: z.string().min(1, 'Password is required').max(PASSWORD_MAX),
  })
  .meta({ id: 'LoginBody' });
export type LoginBody = z.infer<typeof LoginBodySchema>;

/** Body of `POST /api/auth/register`: creates an organization and its first user (owner). */
export const RegisterBodySchema = z
  .object({
    organizationName: z.string().trim().min(1, 'Organization name is required').max(ORGANIZATION_NAME_MAX),
    email,
    password: NewPasswordSchema,
    firstName: z.string().trim().max(NAME_MAX).optional(),
    lastName: z.string().trim().max(NAME_MAX).optional(),
  })
  .meta({ id: 'RegisterBody' });
export type RegisterBody = z.infer<typeof RegisterBodySchema>;

/** The signed-in user as the API presents it (never a password hash). */
export const UserDtoSchema = z
  .object({
    id: z.uuid(),
    email: z.string(),
    firstName: z.string().nullable(),
    lastName: z.string().nullable(),
    role: RoleSchema,
    organizationId: z.uuid(),
    emailVerified: z.boolean(),
    isPlatformAdmin: z.boolean(),
    permissions: z.array(PermissionSchema),
    createdAt: z.string(),
  })
  .meta({ id: 'User' });
export type UserDto = z.infer<typeof UserDtoSchema>;

/** Answer of register, login and refresh: a short-lived access token and the user. */
export const AuthResponseSchema = z
  .object({
    token: z.string().meta({ description: 'JWT access token (HS256), send as `Authorization: Bearer`' }),
    expiresInSec: z.number().int().positive(),
    user: UserDtoSchema,
  })
  .meta({ id: 'AuthResponse' });
export type AuthResponse = z.infer<typeof AuthResponseSchema>;

export const MeResponseSchema = z.object({ user: UserDtoSchema }).meta({ id: 'MeResponse' });
export const MessageResponseSchema = z.object({ message: z.string() }).meta({ id: 'MessageResponse' });

/** Body of `POST /api/auth/refresh`: browsers send the httpOnly cookie; other clients may send the token. */
export const RefreshBodySchema = z.object({ refreshToken: z.string().min(20).max(200).optional() }).meta({ id: 'RefreshBody' });

/** Body of `POST /api/auth/password-reset/request`. */
export const PasswordResetRequestBodySchema = z.object({ email }).meta({ id: 'PasswordResetRequestBody' });
/** Body of `POST /api/auth/password-reset`. */
export const PasswordResetBodySchema = z
  .object({ token: z.string().min(20).max(200), password: NewPasswordSchema })
  .meta({ id: 'PasswordResetBody' });
/** Body of `POST /api/auth/verify-email`. */
export const VerifyEmailBodySchema = z.object({ token: z.string().min(20).max(200) }).meta({ id: 'VerifyEmailBody' });
