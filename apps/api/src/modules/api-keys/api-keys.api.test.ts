import request from 'supertest';
import { createTestDatabase, type TestDatabase } from '../../../test/db';
import { addMember, registerOwner } from '../../../test/factories';
import { buildTestApp } from '../../../test/test-app';

describe('API keys', () => {
  let test: TestDatabase;
  let app: ReturnType<typeof buildTestApp>;

  beforeAll(async () => {
    test = await createTestDatabase();
    app = buildTestApp(test.db);
  });
  afterAll(async () => {
    await test.drop();
  });

  async function createKey(token: string, body: Record<string, unknown> = { name: 'CI', scopes: ['workflows:read'] }) {
    return request(app).post('/api/api-keys').set('Authorization', `Bearer ${token}`).send(body);
  }

  it('answers the key once and stores only its hash', async () => {
    const owner = await registerOwner(app);

    const created = await createKey(owner.token);
    const listed = await request(app).get('/api/api-keys').set('Authorization', `Bearer ${owner.token}`);
    const one = await request(app).get(`/api/api-keys/${created.body.id}`).set('Authorization', `Bearer ${owner.token}`);

    expect(created.status).toBe(201);
    expect(created.body.key).toMatch(/^ak_[\w-]{40,}$/);
    expect(created.body.prefix).toBe(created.body.key.slice(0, 12));
    expect(JSON.stringify(listed.body)).not.toContain(created.body.key);
    expect(listed.body.items).toHaveLength(1);
    expect(one.body).toMatchObject({ id: created.body.id, name: 'CI', scopes: ['workflows:read'], lastUsedAt: null });
    expect(one.body).not.toHaveProperty('key');
    const { rows } = await test.db.query<{ key_hash: string }>('SELECT key_hash FROM api_keys WHERE id = $1', [created.body.id]);
    expect(rows[0]?.key_hash).toMatch(/^[0-9a-f]{64}$/);
    expect(rows[0]?.key_hash).not.toContain(created.body.key);
  });

  it('authenticates with Bearer and X-API-Key, within its scopes, and records use', async () => {
    const owner = await registerOwner(app);
    const { body } = await createKey(owner.token);

    const bearer = await request(app).get('/api/api-keys').set('Authorization', `Bearer ${body.key}`);
    const header = await request(app).get('/api/api-keys').set('X-API-Key', body.key);
    const me = await request(app).get('/api/auth/me').set('X-API-Key', body.key);

    expect(bearer.status).toBe(403);
    expect(bearer.body.error).toBe('Insufficient permissions');
    expect(header.status).toBe(403);
    expect(me.status).toBe(400);
    const { rows } = await test.db.query<{ last_used_at: Date | null }>('SELECT last_used_at FROM api_keys WHERE id = $1', [
      body.id,
    ]);
    expect(rows[0]?.last_used_at).toBeInstanceOf(Date);
  });

  it('a key with api_keys:manage manages keys of its own organization only', async () => {
    const owner = await registerOwner(app);
    const other = await registerOwner(app);
    const { body: admin } = await createKey(owner.token, { name: 'admin', scopes: ['api_keys:manage'] });
    const { body: foreign } = await createKey(other.token);

    const list = await request(app).get('/api/api-keys').set('X-API-Key', admin.key);
    const peek = await request(app).get(`/api/api-keys/${foreign.id}`).set('X-API-Key', admin.key);
    const revoke = await request(app).delete(`/api/api-keys/${foreign.id}`).set('X-API-Key', admin.key);

    expect(list.status).toBe(200);
    expect(list.body.items.map((k: { id: string }) => k.id)).toEqual([admin.id]);
    expect(peek.status).toBe(404);
    expect(revoke.status).toBe(404);
  });

  it('stops working once revoked or expired', async () => {
    const owner = await registerOwner(app);
    const { body } = await createKey(owner.token, { name: 'short', scopes: ['api_keys:manage'] });
    const { body: expiring } = await createKey(owner.token, {
      name: 'exp',
      scopes: ['api_keys:manage'],
      expiresAt: new Date(Date.now() + 60_000).toISOString(),
    });
    await test.db.query("UPDATE api_keys SET expires_at = now() - interval '1 second' WHERE id = $1", [expiring.id]);

    const revoked = await request(app).delete(`/api/api-keys/${body.id}`).set('Authorization', `Bearer ${owner.token}`);
    const afterRevoke = await request(app).get('/api/api-keys').set('X-API-Key', body.key);
    const afterExpiry = await request(app).get('/api/api-keys').set('X-API-Key', expiring.key);
    const again = await request(app).delete(`/api/api-keys/${body.id}`).set('Authorization', `Bearer ${owner.token}`);

    expect(revoked.status).toBe(204);
    expect(afterRevoke.status).toBe(401);
    expect(afterRevoke.body.error).toBe('Invalid or expired token');
    expect(afterExpiry.status).toBe(401);
    expect(again.status).toBe(404);
  });

  it('refuses scopes above the creator, past expiry dates, unknown scopes and unknown keys', async () => {
    const owner = await registerOwner(app);
    const editor = await addMember(app, test.db, owner.user.organizationId, 'editor');
    const { body: limited } = await createKey(owner.token, { name: 'limited', scopes: ['api_keys:manage'] });

    const escalate = await createKey(limited.key, { name: 'escalate', scopes: ['billing:manage'] });
    const editorTries = await createKey(editor.token);
    const past = await createKey(owner.token, { name: 'past', scopes: ['workflows:read'], expiresAt: '2001-01-01T00:00:00Z' });
    const unknownScope = await createKey(owner.token, { name: 'x', scopes: ['root:everything'] });
    const forged = await request(app).get('/api/api-keys').set('X-API-Key', 'ak_not-a-real-key');
    const badId = await request(app).get('/api/api-keys/not-a-uuid').set('Authorization', `Bearer ${owner.token}`);

    expect(escalate.status).toBe(403);
    expect(editorTries.status).toBe(403);
    expect(past.status).toBe(400);
    expect(unknownScope.status).toBe(400);
    expect(forged.status).toBe(401);
    expect(badId.status).toBe(400);
  });
});
