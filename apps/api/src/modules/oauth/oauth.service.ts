import { createHmac, timingSafeEqual } from 'node:crypto';
import type { OAuthProviderConfig, OAuthProviderName } from '../../config';
import type { Database, Db } from '../../lib/db';
import type { Logger } from '../../lib/logger';
import { NotFoundError } from '../../http/errors';
import * as authRepo from '../auth/auth.repo';
import type { AuthService, ClientInfo, SignedIn } from '../auth/auth.service';
import * as repo from './oauth.repo';

type OpenIdClient = typeof import('openid-client', { with: { 'resolution-mode': 'import' } });
type ClientConfiguration = InstanceType<OpenIdClient['Configuration']>;

/** What the flow must remember between the redirect to the provider and the callback. */
export interface OAuthState {
  provider: OAuthProviderName;
  state: string;
  verifier: string;
  nonce?: string;
  /** Epoch milliseconds after which the callback is refused. */
  expiresAt: number;
}

/** The provider's account, normalized. */
interface ExternalAccount {
  subject: string;
  email: string | null;
  emailVerified: boolean;
  firstName: string | null;
  lastName: string | null;
}

/** Why a callback failed, shown to the user as `/login?error=…`. */
export class OAuthFlowError extends Error {
  constructor(readonly reason: 'oauth_state' | 'oauth_failed' | 'oauth_unverified_email') {
    super(reason);
  }
}

const STATE_TTL_MS = 10 * 60 * 1000;
const OIDC_PROVIDERS = new Set<OAuthProviderName>(['google', 'microsoft']);

/** Plain-http issuers are accepted only on loopback (local test providers), never elsewhere. */
function isLoopbackHttp(url: string): boolean {
  const { protocol, hostname } = new URL(url);
  return protocol === 'http:' && (hostname === '127.0.0.1' || hostname === 'localhost' || hostname === '[::1]');
}

/**
 * Sign-in with Google and Microsoft (OpenID Connect: PKCE S256, state and nonce) and GitHub
 * (OAuth 2.0: PKCE S256 and state), through openid-client. An account is linked by (provider,
 * subject); an existing password account is linked only when the provider says the email is verified.
 */
export function createOAuthService(deps: {
  db: Database;
  auth: AuthService;
  log: Logger;
  providers: Partial<Record<OAuthProviderName, OAuthProviderConfig>>;
  publicUrl: string;
  stateKey: Buffer;
  /** Runs in the sign-up transaction once a new organization exists (billing starts a configured trial). */
  onOrganizationCreated?: (tx: Db, organizationId: string) => Promise<void>;
}) {
  let client: Promise<OpenIdClient> | undefined;
  const configurations = new Map<OAuthProviderName, Promise<ClientConfiguration>>();

  function providerConfig(name: string): [OAuthProviderName, OAuthProviderConfig] {
    // Own properties only: `/api/auth/oauth/__proto__` must not find Object.prototype.
    const config = Object.hasOwn(deps.providers, name) ? deps.providers[name as OAuthProviderName] : undefined;
    if (!config) throw new NotFoundError('sign-in provider');
    return [name as OAuthProviderName, config];
  }

  const redirectUri = (provider: OAuthProviderName) => `${deps.publicUrl}/api/auth/oauth/${provider}/callback`;

  /** Discovery (OIDC) or fixed endpoints (GitHub), made once per provider and retried after a failure. */
  function configurationFor(provider: OAuthProviderName, config: OAuthProviderConfig): Promise<ClientConfiguration> {
    let pending = configurations.get(provider);
    if (!pending) {
      pending = (async () => {
        const oidc = await (client ??= import('openid-client'));
        const base = config.issuer ?? config.authorizationUrl ?? '';
        const insecure = isLoopbackHttp(base) ? { execute: [oidc.allowInsecureRequests] } : undefined;
        if (config.issuer) {
          return oidc.discovery(new URL(config.issuer), config.clientId, config.clientSecret, undefined, insecure);
        }
        const configuration = new oidc.Configuration(
          {
            issuer: new URL(config.authorizationUrl ?? '').origin,
            authorization_endpoint: config.authorizationUrl,
            token_endpoint: config.tokenUrl,
          },
          config.clientId,
          config.clientSecret,
        );
        if (insecure) oidc.allowInsecureRequests(configuration);
        return configuration;
      })();
      pending.catch(() => configurations.delete(provider));
      configurations.set(provider, pending);
    }
    return pending;
  }

  function sign(payload: string): string {
    return createHmac('sha256', deps.stateKey).update(payload).digest('base64url');
  }

  async function githubAccount(config: OAuthProviderConfig, accessToken: string): Promise<ExternalAccount> {
    const headers = { authorization: `Bearer ${accessToken}`, accept: 'application/vnd.github+json', 'user-agent': 'auterity' };
    const [userRes, emailsRes] = await Promise.all([
      fetch(`${config.apiUrl}/user`, { headers }),
      fetch(`${config.apiUrl}/user/emails`, { headers }),
    ]);
    if (!userRes.ok || !emailsRes.ok) throw new Error(`GitHub API answered ${userRes.status}/${emailsRes.status}`);
    const user = (await userRes.json()) as { id: number; name?: string | null };
    const emails = (await emailsRes.json()) as { email: string; primary: boolean; verified: boolean }[];
    const primary = emails.find((e) => e.primary) ?? emails[0];
    const [firstName, ...rest] = (user.name ?? '').split(' ');
    return {
      subject: String(user.id),
      email: primary?.email.toLowerCase() ?? null,
      emailVerified: primary?.verified === true,
      firstName: firstName || null,
      lastName: rest.join(' ') || null,
    };
  }

  /** Finds or creates the local user for a provider account. */
  async function resolveUser(provider: OAuthProviderName, account: ExternalAccount): Promise<authRepo.UserRecord> {
    return deps.db.withTransaction(async (tx) => {
      const linked = await repo.findIdentityUserId(tx, provider, account.subject);
      if (linked) {
        const organizationId = await repo.findUserOrganization(tx, linked);
        const user = organizationId ? await authRepo.findUser(tx, organizationId, linked) : null;
        if (!user || !user.isActive) throw new OAuthFlowError('oauth_failed');
        return user;
      }
      if (!account.email) throw new OAuthFlowError('oauth_unverified_email');
      const existing = await authRepo.findUserByEmail(tx, account.email);
      if (existing) {
        if (!account.emailVerified || !existing.isActive) throw new OAuthFlowError('oauth_unverified_email');
        await repo.insertIdentity(tx, { userId: existing.id, provider, subject: account.subject, email: account.email });
        return existing;
      }
      const organizationId = await authRepo.insertOrganization(
        tx,
        `${account.firstName ?? account.email.split('@')[0]}'s workspace`,
      );
      await deps.onOrganizationCreated?.(tx, organizationId);
      const user = await authRepo.insertUser(tx, {
        organizationId,
        email: account.email,
        passwordHash: null,
        firstName: account.firstName,
        lastName: account.lastName,
        role: 'owner',
        emailVerified: account.emailVerified,
      });
      await repo.insertIdentity(tx, { userId: user.id, provider, subject: account.subject, email: account.email });
      return user;
    });
  }

  return {
    /** The provider's authorization URL and the signed state to keep in a cookie until the callback. */
    async start(providerName: string): Promise<{ url: string; cookie: string }> {
      const [provider, config] = providerConfig(providerName);
      const oidc = await (client ??= import('openid-client'));
      const configuration = await configurationFor(provider, config);
      const state: OAuthState = {
        provider,
        state: oidc.randomState(),
        verifier: oidc.randomPKCECodeVerifier(),
        ...(OIDC_PROVIDERS.has(provider) ? { nonce: oidc.randomNonce() } : {}),
        expiresAt: Date.now() + STATE_TTL_MS,
      };
      const url = oidc.buildAuthorizationUrl(configuration, {
        redirect_uri: redirectUri(provider),
        scope: OIDC_PROVIDERS.has(provider) ? 'openid email profile' : 'read:user user:email',
        code_challenge: await oidc.calculatePKCECodeChallenge(state.verifier),
        code_challenge_method: 'S256',
        state: state.state,
        ...(state.nonce ? { nonce: state.nonce } : {}),
      });
      const payload = Buffer.from(JSON.stringify(state)).toString('base64url');
      return { url: url.href, cookie: `${payload}.${sign(payload)}` };
    },

    /** Reads and checks the state cookie: signed by us, for this provider, unexpired. */
    readState(providerName: string, cookie: string | undefined): OAuthState {
      const [payload, signature] = (cookie ?? '').split('.');
      if (!payload || !signature) throw new OAuthFlowError('oauth_state');
      const expected = Buffer.from(sign(payload));
      const given = Buffer.from(signature);
      if (expected.length !== given.length || !timingSafeEqual(expected, given)) throw new OAuthFlowError('oauth_state');
      const state = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as OAuthState;
      if (state.provider !== providerName || state.expiresAt < Date.now()) throw new OAuthFlowError('oauth_state');
      return state;
    },

    /**
     * Completes the flow: checks state (and nonce), exchanges the code with the PKCE verifier, reads
     * the account, signs the user in.
     * @throws OAuthFlowError with the reason to show.
     */
    async complete(state: OAuthState, callbackUrl: URL, clientInfo: ClientInfo): Promise<SignedIn> {
      const [provider, config] = providerConfig(state.provider);
      const oidc = await (client ??= import('openid-client'));
      const configuration = await configurationFor(provider, config);
      if (callbackUrl.searchParams.get('state') !== state.state) throw new OAuthFlowError('oauth_state');
      let account: ExternalAccount;
      try {
        const tokens = await oidc.authorizationCodeGrant(configuration, callbackUrl, {
          pkceCodeVerifier: state.verifier,
          expectedState: state.state,
          ...(state.nonce ? { expectedNonce: state.nonce } : {}),
          idTokenExpected: OIDC_PROVIDERS.has(provider),
        });
        if (OIDC_PROVIDERS.has(provider)) {
          const claims = tokens.claims();
          if (!claims) throw new Error('no id_token claims');
          const info =
            typeof claims.email === 'string' ? claims : await oidc.fetchUserInfo(configuration, tokens.access_token, claims.sub);
          account = {
            subject: claims.sub,
            email: typeof info.email === 'string' ? info.email.toLowerCase() : null,
            emailVerified: info.email_verified === true,
            firstName: typeof info.given_name === 'string' ? info.given_name : null,
            lastName: typeof info.family_name === 'string' ? info.family_name : null,
          };
        } else {
          account = await githubAccount(config, tokens.access_token);
        }
      } catch (err) {
        deps.log.warn({ provider, err: { type: (err as Error).name, message: (err as Error).message } }, 'oauth sign-in failed');
        throw new OAuthFlowError('oauth_failed');
      }
      const user = await resolveUser(provider, account);
      return deps.auth.startSession(user, clientInfo);
    },
  };
}

export type OAuthService = ReturnType<typeof createOAuthService>;
