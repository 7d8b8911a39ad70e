import type { Request, Response } from 'express';
import * as cookie from 'cookie';
import { z } from 'zod';
import { defineRoute, type RouteDefinition } from '../../http/define-route';
import { clientOf, setRefreshCookie } from '../auth/auth.routes';
import { OAuthFlowError, type OAuthService } from './oauth.service';

const STATE_COOKIE = 'auterity_oauth';
const STATE_COOKIE_PATH = '/api/auth/oauth';
const ProviderParamsSchema = z.object({ provider: z.string().min(1).max(30) });

/** The state cookie must survive the provider's cross-site top-level redirect back: SameSite=Lax. */
function stateCookie(value: string, secure: boolean, maxAge: number): string {
  return cookie.serialize(STATE_COOKIE, value, { httpOnly: true, sameSite: 'lax', secure, path: STATE_COOKIE_PATH, maxAge });
}

function redirect(res: Response, location: string): undefined {
  res.setHeader('Cache-Control', 'no-store');
  res.redirect(302, location);
  return undefined;
}

export function oauthRoutes(service: OAuthService, options: { secureCookies: boolean; publicUrl: string }): RouteDefinition[] {
  return [
    defineRoute({
      method: 'get',
      path: '/api/auth/oauth/:provider',
      summary: 'Start "Sign in with …" (redirects to the provider)',
      tags: ['auth'],
      auth: 'public',
      rateLimit: 'auth',
      input: { params: ProviderParamsSchema },
      errors: [404],
      response: { status: 302, description: 'Redirect to the provider', schema: z.undefined() },
      handle: async ({ input, res }) => {
        const { url, cookie: value } = await service.start(input.params.provider);
        res.append('Set-Cookie', stateCookie(value, options.secureCookies, 600));
        return redirect(res, url);
      },
    }),
    defineRoute({
      method: 'get',
      path: '/api/auth/oauth/:provider/callback',
      summary: 'Provider callback: signs in and returns to the studio',
      tags: ['auth'],
      auth: 'public',
      rateLimit: 'auth',
      input: { params: ProviderParamsSchema },
      errors: [404],
      response: { status: 302, description: 'Back to the studio: /auth/callback, or /login?error=…', schema: z.undefined() },
      handle: async ({ input, req, res }: { input: { params: { provider: string } }; req: Request; res: Response }) => {
        res.append('Set-Cookie', stateCookie('', options.secureCookies, 0));
        try {
          const state = service.readState(
            input.params.provider,
            req.headers.cookie ? cookie.parse(req.headers.cookie)[STATE_COOKIE] : undefined,
          );
          const callbackUrl = new URL(req.originalUrl, options.publicUrl);
          const signedIn = await service.complete(state, callbackUrl, clientOf(req));
          setRefreshCookie(res, signedIn, options.secureCookies);
          return redirect(res, '/auth/callback');
        } catch (err) {
          if (err instanceof OAuthFlowError) return redirect(res, `/login?error=${err.reason}`);
          throw err;
        }
      },
    }),
  ];
}
