import type { Request, Response } from 'express';
import * as cookie from 'cookie';
import { z } from 'zod';
import {
  AuthResponseSchema,
  LoginBodySchema,
  MeResponseSchema,
  MessageResponseSchema,
  PasswordResetBodySchema,
  PasswordResetRequestBodySchema,
  RefreshBodySchema,
  RegisterBodySchema,
  VerifyEmailBodySchema,
} from '@auterity/workflow-contracts';
import { actorOf, defineRoute, type RouteDefinition } from '../../http/define-route';
import { ForbiddenError } from '../../http/errors';
import type { AuthService, ClientInfo, SignedIn } from './auth.service';

export const REFRESH_COOKIE = 'auterity_refresh';
const REFRESH_COOKIE_PATH = '/api/auth';

export const ProvidersResponseSchema = z
  .object({
    providers: z.array(z.object({ id: z.enum(['google', 'microsoft', 'github']), name: z.string(), startUrl: z.string() })),
  })
  .meta({ id: 'AuthProviders' });

/** Where a sign-in comes from, recorded on its session. */
export function clientOf(req: Request): ClientInfo {
  return { ip: req.ip ?? 'unknown', userAgent: req.headers['user-agent'] ?? null };
}

/** The refresh token travels only in an httpOnly, SameSite=Strict cookie scoped to /api/auth. */
export function setRefreshCookie(res: Response, signedIn: SignedIn, secure: boolean): void {
  res.append(
    'Set-Cookie',
    cookie.serialize(REFRESH_COOKIE, signedIn.refreshToken, {
      httpOnly: true,
      sameSite: 'strict',
      secure,
      path: REFRESH_COOKIE_PATH,
      expires: signedIn.refreshExpiresAt,
    }),
  );
}

function clearRefreshCookie(res: Response, secure: boolean): void {
  res.append(
    'Set-Cookie',
    cookie.serialize(REFRESH_COOKIE, '', { httpOnly: true, sameSite: 'strict', secure, path: REFRESH_COOKIE_PATH, maxAge: 0 }),
  );
}

/**
 * Cookie-authenticated calls come from our own pages only: a browser's cross-site request carries
 * an Origin we do not serve (defense in depth on top of SameSite=Strict).
 */
function assertSameOrigin(req: Request, publicUrl: string): void {
  const origin = req.headers.origin;
  if (origin === undefined) return;
  const allowed = new Set([new URL(publicUrl).origin, `${req.protocol}://${req.headers.host ?? ''}`]);
  if (!allowed.has(origin)) throw new ForbiddenError('Cross-site request refused');
}

function refreshCookieOf(req: Request): string | undefined {
  const header = req.headers.cookie;
  return header ? cookie.parse(header)[REFRESH_COOKIE] : undefined;
}

export function authRoutes(deps: {
  auth: AuthService;
  secureCookies: boolean;
  publicUrl: string;
  providers: () => { id: 'google' | 'microsoft' | 'github'; name: string }[];
}): RouteDefinition[] {
  const { auth, secureCookies } = deps;
  const signIn = (res: Response, signedIn: SignedIn) => {
    setRefreshCookie(res, signedIn, secureCookies);
    res.setHeader('Cache-Control', 'no-store');
    return signedIn.response;
  };
  return [
    defineRoute({
      method: 'post',
      path: '/api/auth/register',
      rateLimit: 'auth',
      summary: 'Create an organization and its owner, signed in',
      tags: ['auth'],
      auth: 'public',
      input: { body: RegisterBodySchema },
      errors: [409, 429],
      response: {
        status: 201,
        description: 'Registered and signed in; the refresh token is set as an httpOnly cookie',
        schema: AuthResponseSchema,
      },
      audit: ({ result }) => ({
        action: 'auth.registered',
        organizationId: result.user.organizationId,
        actor: { kind: 'user', userId: result.user.id },
      }),
      handle: async ({ input, req, res }) => signIn(res, await auth.register(input.body, clientOf(req))),
    }),
    defineRoute({
      method: 'post',
      path: '/api/auth/login',
      rateLimit: 'auth',
      summary: 'Sign in with email and password',
      tags: ['auth'],
      auth: 'public',
      input: { body: LoginBodySchema },
      errors: [401, 429],
      response: { description: 'Signed in', schema: AuthResponseSchema },
      audit: ({ result }) => ({
        action: 'auth.login',
        organizationId: result.user.organizationId,
        actor: { kind: 'user', userId: result.user.id },
      }),
      handle: async ({ input, req, res }) => signIn(res, await auth.login(input.body, clientOf(req))),
    }),
    defineRoute({
      method: 'post',
      path: '/api/auth/refresh',
      rateLimit: 'auth',
      summary: 'Rotate the refresh token and get a new access token',
      tags: ['auth'],
      auth: 'public',
      input: { body: RefreshBodySchema },
      errors: [401],
      response: { description: 'A new access token; the cookie holds the next refresh token', schema: AuthResponseSchema },
      handle: async ({ input, req, res }) => {
        if (input.body.refreshToken) return signIn(res, await auth.refresh(input.body.refreshToken));
        assertSameOrigin(req, deps.publicUrl);
        return signIn(res, await auth.refresh(refreshCookieOf(req)));
      },
    }),
    defineRoute({
      method: 'post',
      path: '/api/auth/logout',
      summary: 'End the current session',
      tags: ['auth'],
      errors: [401],
      response: { description: 'Signed out', schema: MessageResponseSchema },
      audit: ({ actor }) => ({ action: 'auth.logout', organizationId: actor?.organizationId ?? null, actor }),
      handle: async (ctx) => {
        await auth.logout(actorOf(ctx));
        clearRefreshCookie(ctx.res, secureCookies);
        return { message: 'Successfully logged out' };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/api/auth/me',
      summary: 'The signed-in user',
      tags: ['auth'],
      errors: [401],
      response: { description: 'The user', schema: MeResponseSchema },
      handle: async (ctx) => ({ user: await auth.me(actorOf(ctx)) }),
    }),
    defineRoute({
      method: 'post',
      path: '/api/auth/verify-email/request',
      summary: 'Send (again) the email confirmation link',
      tags: ['auth'],
      errors: [401],
      response: { status: 202, description: 'Sent if the email is not yet confirmed', schema: MessageResponseSchema },
      handle: async (ctx) => {
        await auth.requestEmailVerification(actorOf(ctx));
        return { message: 'If your email is not confirmed yet, a new link is on its way' };
      },
    }),
    defineRoute({
      method: 'post',
      path: '/api/auth/verify-email',
      rateLimit: 'auth',
      summary: 'Confirm an email address with the emailed link',
      tags: ['auth'],
      auth: 'public',
      input: { body: VerifyEmailBodySchema },
      response: { description: 'Email confirmed', schema: MessageResponseSchema },
      handle: async ({ input }) => {
        await auth.verifyEmail(input.body.token);
        return { message: 'Email confirmed' };
      },
    }),
    defineRoute({
      method: 'post',
      path: '/api/auth/password-reset/request',
      rateLimit: 'auth',
      summary: 'Email a password reset link',
      tags: ['auth'],
      auth: 'public',
      input: { body: PasswordResetRequestBodySchema },
      response: { status: 202, description: 'Always accepted, whether or not the account exists', schema: MessageResponseSchema },
      handle: async ({ input }) => {
        await auth.requestPasswordReset(input.body.email);
        return { message: 'If an account exists for this email, a reset link is on its way' };
      },
    }),
    defineRoute({
      method: 'post',
      path: '/api/auth/password-reset',
      rateLimit: 'auth',
      summary: 'Set a new password with the emailed link',
      tags: ['auth'],
      auth: 'public',
      input: { body: PasswordResetBodySchema },
      response: { description: 'Password changed; every session was signed out', schema: MessageResponseSchema },
      handle: async ({ input }) => {
        await auth.resetPassword(input.body.token, input.body.password);
        return { message: 'Password changed. Sign in with your new password.' };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/api/auth/providers',
      summary: 'Sign-in providers configured on this server',
      tags: ['auth'],
      auth: 'public',
      response: { description: 'Configured providers only', schema: ProvidersResponseSchema },
      handle: () => ({ providers: deps.providers().map((p) => ({ ...p, startUrl: `/api/auth/oauth/${p.id}` })) }),
    }),
  ];
}
