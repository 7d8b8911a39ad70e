import { randomBytes } from 'node:crypto';
import type { Express } from 'express';
import request from 'supertest';
import type { AuthResponse, Role } from '@auterity/workflow-contracts';
import type { Database } from '../src/lib/db';
import { createPasswordHasher } from '../src/lib/passwords';
import { insertUser } from '../src/modules/auth/auth.repo';

export const TEST_PASSWORD = 'correct horse battery staple';

export function uniqueEmail(label = 'user'): string {
  return `${label}-${randomBytes(5).toString('hex')}@example.com`;
}

export interface SignedInUser {
  token: string;
  user: AuthResponse['user'];
  /** The `Set-Cookie` refresh cookie, ready to send back as `Cookie`. */
  refreshCookie: string;
  email: string;
  password: string;
}

function refreshCookieOf(setCookie: string[] | string | undefined): string {
  const cookies = Array.isArray(setCookie) ? setCookie : setCookie ? [setCookie] : [];
  const found = cookies.find((c) => c.startsWith('auterity_refresh='));
  if (!found) throw new Error('no refresh cookie in response');
  return found.split(';')[0] ?? '';
}

/** Registers a new organization and its owner through the API, as a user would. */
export async function registerOwner(
  app: Express,
  overrides: { email?: string; organizationName?: string } = {},
): Promise<SignedInUser> {
  const email = overrides.email ?? uniqueEmail('owner');
  const res = await request(app)
    .post('/api/auth/register')
    .send({ organizationName: overrides.organizationName ?? `Org ${email}`, email, password: TEST_PASSWORD, firstName: 'Ada' });
  if (res.status !== 201) throw new Error(`register failed: ${res.status} ${JSON.stringify(res.body)}`);
  return {
    token: res.body.token,
    user: res.body.user,
    refreshCookie: refreshCookieOf(res.headers['set-cookie']),
    email,
    password: TEST_PASSWORD,
  };
}

/** Signs in through the API. */
export async function login(app: Express, email: string, password = TEST_PASSWORD): Promise<SignedInUser> {
  const res = await request(app).post('/api/auth/login').send({ email, password });
  if (res.status !== 200) throw new Error(`login failed: ${res.status} ${JSON.stringify(res.body)}`);
  return {
    token: res.body.token,
    user: res.body.user,
    refreshCookie: refreshCookieOf(res.headers['set-cookie']),
    email,
    password,
  };
}

/** Adds a member with `role` to an organization (the repo the invite flow uses) and signs them in. */
export async function addMember(app: Express, db: Database, organizationId: string, role: Role): Promise<SignedInUser> {
  const email = uniqueEmail(role);
  await insertUser(db, {
    organizationId,
    email,
    passwordHash: await createPasswordHasher({ logN: 14 }).hash(TEST_PASSWORD),
    role,
  });
  return login(app, email);
}

export { refreshCookieOf };
