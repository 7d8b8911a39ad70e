import { z } from 'zod';

/** Shortest password accepted at registration (NIST 800-63B recommends at least 8). */
export const PASSWORD_MIN = 8;
/** Longest password accepted; bounds hashing cost per request. */
export const PASSWORD_MAX = 128;
export const EMAIL_MAX = 254;
export const NAME_MAX = 100;
export const ORGANIZATION_NAME_MAX = 255;

/** Body of `POST /api/auth/login`. */
export const LoginBodySchema = z
  .object({
    email: z.email().max(EMAIL_MAX),
    password: z.string().min(1, 'Password is required').max(PASSWORD_MAX),
  })
  .meta({ id: 'LoginBody' });
export type LoginBody = z.infer<typeof LoginBodySchema>;

/** Body of `POST /api/auth/register`: creates an organization and its first user (owner). */
export const RegisterBodySchema = z
  .object({
    organizationName: z.string().trim().min(1).max(ORGANIZATION_NAME_MAX),
    email: z.email().max(EMAIL_MAX),
    password: z
      .string()
      .min(PASSWORD_MIN, `Password must be at least ${PASSWORD_MIN} characters`)
      .max(PASSWORD_MAX, `Password must be at most ${PASSWORD_MAX} characters`),
    firstName: z.string().trim().max(NAME_MAX).optional(),
    lastName: z.string().trim().max(NAME_MAX).optional(),
  })
  .meta({ id: 'RegisterBody' });
export type RegisterBody = z.infer<typeof RegisterBodySchema>;
