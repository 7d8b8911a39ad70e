import request from 'supertest';
import { createTestDatabase, type TestDatabase } from '../../../test/db';
import { addMember, registerOwner, TEST_PASSWORD } from '../../../test/factories';
import { buildTestApp } from '../../../test/test-app';

describe('audit log', () => {
  let test: TestDatabase;
  let app: ReturnType<typeof buildTestApp>;

  beforeAll(async () => {
    test = await createTestDatabase();
    app = buildTestApp(test.db);
  });
  afterAll(async () => {
    await test.drop();
  });

  const as = (token: string) => ({ Authorization: `Bearer ${token}`, 'User-Agent': 'audit-test/1.0' });

  it('records security events with actor, target, IP and user agent, newest first', async () => {
    const owner = await registerOwner(app);
    const editor = await addMember(app, test.db, owner.user.organizationId, 'editor');
    await request(app)
      .post('/api/auth/login')
      .set('User-Agent', 'audit-test/1.0')
      .send({ email: owner.email, password: 'wrong password!' });
    const key = await request(app)
      .post('/api/api-keys')
      .set(as(owner.token))
      .send({ name: 'ci', scopes: ['workflows:read'] });
    await request(app).delete(`/api/api-keys/${key.body.id}`).set(as(owner.token));
    await request(app).patch(`/api/members/${editor.user.id}`).set(as(owner.token)).send({ role: 'viewer' });
    const credential = await request(app)
      .post('/api/credentials')
      .set(as(owner.token))
      .send({ name: 'k', type: 'http_bearer', data: { token: 'tok-secret-canary-123' } });

    const res = await request(app).get('/api/audit-log').set(as(owner.token));

    expect(res.status).toBe(200);
    const actions = res.body.items.map((e: { action: string }) => e.action);
    expect(actions.slice(0, 5)).toEqual([
      'credential.created',
      'member.role_changed',
      'api_key.revoked',
      'api_key.created',
      'auth.login_failed',
    ]);
    expect(actions).toEqual(expect.arrayContaining(['auth.registered', 'auth.login']));
    const roleChange = res.body.items.find((e: { action: string }) => e.action === 'member.role_changed');
    expect(roleChange).toMatchObject({
      actorUserId: owner.user.id,
      targetType: 'user',
      targetId: editor.user.id,
      metadata: { role: 'viewer' },
      userAgent: 'audit-test/1.0',
    });
    expect(roleChange.ip).toMatch(/127\.0\.0\.1/);
    expect(res.body.items.find((e: { action: string }) => e.action === 'credential.created').targetId).toBe(credential.body.id);
    expect(JSON.stringify(res.body)).not.toContain('canary');
    expect(JSON.stringify(res.body)).not.toContain(TEST_PASSWORD);
  });

  it('pages with a cursor and filters by action', async () => {
    const owner = await registerOwner(app);
    for (let i = 0; i < 3; i++)
      await request(app)
        .post('/api/api-keys')
        .set(as(owner.token))
        .send({ name: `k${i}`, scopes: ['workflows:read'] });

    const first = await request(app).get('/api/audit-log?limit=2&action=api_key.created').set(as(owner.token));
    const second = await request(app)
      .get(`/api/audit-log?limit=2&action=api_key.created&cursor=${first.body.nextCursor}`)
      .set(as(owner.token));
    const bad = await request(app).get('/api/audit-log?cursor=nonsense').set(as(owner.token));

    expect(first.body.items).toHaveLength(2);
    expect(first.body.nextCursor).toEqual(expect.any(String));
    expect(second.body.items).toHaveLength(1);
    expect(second.body.nextCursor).toBeNull();
    expect(new Set([...first.body.items, ...second.body.items].map((e: { id: string }) => e.id)).size).toBe(3);
    expect(bad.status).toBe(400);
  });

  it('is for owners and admins of the same organization only, and cannot be altered', async () => {
    const owner = await registerOwner(app);
    const editor = await addMember(app, test.db, owner.user.organizationId, 'editor');
    const stranger = await registerOwner(app);

    const editorRes = await request(app).get('/api/audit-log').set(as(editor.token));
    const strangerRes = await request(app).get('/api/audit-log').set(as(stranger.token));

    expect(editorRes.status).toBe(403);
    expect(strangerRes.body.items.every((e: { actorUserId: string | null }) => e.actorUserId !== owner.user.id)).toBe(true);
    await expect(test.db.query('UPDATE audit_log SET action = $1', ['tampered'])).rejects.toThrow(/append-only/);
    await expect(test.db.query('DELETE FROM audit_log')).rejects.toThrow(/append-only/);
  });
});
