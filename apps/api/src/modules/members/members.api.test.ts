import request from 'supertest';
import { createTestDatabase, type TestDatabase } from '../../../test/db';
import { addMember, login, registerOwner, TEST_PASSWORD, uniqueEmail } from '../../../test/factories';
import { buildTestApp, memoryMailer, testConfig } from '../../../test/test-app';

describe('members, roles and invites', () => {
  let test: TestDatabase;
  let app: ReturnType<typeof buildTestApp>;
  const mailer = memoryMailer();

  beforeAll(async () => {
    test = await createTestDatabase();
    app = buildTestApp(test.db, { mailer });
  });
  afterAll(async () => {
    await test.drop();
  });

  const as = (token: string) => ({ Authorization: `Bearer ${token}` });

  it('lists members to everyone in the organization and nobody else', async () => {
    const owner = await registerOwner(app);
    const viewer = await addMember(app, test.db, owner.user.organizationId, 'viewer');
    const stranger = await registerOwner(app);

    const seen = await request(app).get('/api/members').set(as(viewer.token));
    const strangers = await request(app).get('/api/members').set(as(stranger.token));

    expect(seen.status).toBe(200);
    expect(seen.body.items.map((m: { email: string }) => m.email).sort()).toEqual([owner.email, viewer.email].sort());
    expect(strangers.body.items.map((m: { email: string }) => m.email)).toEqual([stranger.email]);
  });

  it('changes a role and signs the member out so it applies at once', async () => {
    const owner = await registerOwner(app);
    const editor = await addMember(app, test.db, owner.user.organizationId, 'editor');

    const res = await request(app).patch(`/api/members/${editor.user.id}`).set(as(owner.token)).send({ role: 'viewer' });
    const oldToken = await request(app).get('/api/auth/me').set(as(editor.token));
    const again = await login(app, editor.email);

    expect(res.status).toBe(200);
    expect(res.body.role).toBe('viewer');
    expect(oldToken.status).toBe(401);
    expect(again.user.role).toBe('viewer');
    expect(again.user.permissions).not.toContain('workflows:write');
  });

  it('refuses role escalation', async () => {
    const owner = await registerOwner(app);
    const admin = await addMember(app, test.db, owner.user.organizationId, 'admin');
    const editor = await addMember(app, test.db, owner.user.organizationId, 'editor');
    const viewer = await addMember(app, test.db, owner.user.organizationId, 'viewer');

    const editorPromotesSelf = await request(app)
      .patch(`/api/members/${editor.user.id}`)
      .set(as(editor.token))
      .send({ role: 'admin' });
    const viewerPromotes = await request(app)
      .patch(`/api/members/${viewer.user.id}`)
      .set(as(viewer.token))
      .send({ role: 'owner' });
    const adminMakesOwner = await request(app)
      .patch(`/api/members/${admin.user.id}`)
      .set(as(admin.token))
      .send({ role: 'owner' });
    const adminDemotesOwner = await request(app)
      .patch(`/api/members/${owner.user.id}`)
      .set(as(admin.token))
      .send({ role: 'viewer' });
    const adminRemovesOwner = await request(app).delete(`/api/members/${owner.user.id}`).set(as(admin.token));
    const editorInvitesAdmin = await request(app)
      .post('/api/invites')
      .set(as(editor.token))
      .send({ email: uniqueEmail(), role: 'admin' });

    for (const res of [
      editorPromotesSelf,
      viewerPromotes,
      adminMakesOwner,
      adminDemotesOwner,
      adminRemovesOwner,
      editorInvitesAdmin,
    ]) {
      expect(res.status).toBe(403);
      expect(res.body.error).toBe('Insufficient permissions');
    }
    const { rows } = await test.db.query<{ role: string }>('SELECT role FROM users WHERE id = $1', [owner.user.id]);
    expect(rows[0]?.role).toBe('owner');
  });

  it('keeps the last owner: no demotion, deactivation or removal', async () => {
    const owner = await registerOwner(app);

    const demote = await request(app).patch(`/api/members/${owner.user.id}`).set(as(owner.token)).send({ role: 'admin' });
    const deactivate = await request(app).post(`/api/members/${owner.user.id}/deactivate`).set(as(owner.token));
    const remove = await request(app).delete(`/api/members/${owner.user.id}`).set(as(owner.token));

    expect([demote.status, deactivate.status, remove.status]).toEqual([409, 409, 409]);
    expect(demote.body.error).toMatch(/last owner/);
  });

  it('lets an owner hand over ownership, after which the old owner can step down', async () => {
    const owner = await registerOwner(app);
    const admin = await addMember(app, test.db, owner.user.organizationId, 'admin');

    const promote = await request(app).patch(`/api/members/${admin.user.id}`).set(as(owner.token)).send({ role: 'owner' });
    const stepDown = await request(app).patch(`/api/members/${owner.user.id}`).set(as(owner.token)).send({ role: 'admin' });

    expect(promote.status).toBe(200);
    expect(stepDown.status).toBe(200);
    expect(stepDown.body.role).toBe('admin');
  });

  it('deactivates (signed out, cannot sign in), reactivates and removes members', async () => {
    const owner = await registerOwner(app);
    const editor = await addMember(app, test.db, owner.user.organizationId, 'editor');

    const off = await request(app).post(`/api/members/${editor.user.id}/deactivate`).set(as(owner.token));
    const signIn = await request(app).post('/api/auth/login').send({ email: editor.email, password: TEST_PASSWORD });
    const on = await request(app).post(`/api/members/${editor.user.id}/activate`).set(as(owner.token));
    const back = await login(app, editor.email);
    const removed = await request(app).delete(`/api/members/${editor.user.id}`).set(as(owner.token));
    const afterRemoval = await request(app).get('/api/members').set(as(back.token));

    expect(off.body.isActive).toBe(false);
    expect(signIn.status).toBe(401);
    expect(on.body.isActive).toBe(true);
    expect(removed.status).toBe(204);
    expect(afterRemoval.status).toBe(401);
  });

  it('invites by email: single-use link, new account signed in with the invited role', async () => {
    const owner = await registerOwner(app);
    const email = uniqueEmail('invitee');

    const invite = await request(app).post('/api/invites').set(as(owner.token)).send({ email, role: 'editor' });
    const pending = await request(app).get('/api/invites').set(as(owner.token));
    const token = /accept-invite\?token=([\w-]+)/.exec(mailer.sent.find((m) => m.to === email)?.text ?? '')?.[1];
    const accepted = await request(app)
      .post('/api/invites/accept')
      .send({ token, password: 'invited and happy', firstName: 'Grace' });
    const replay = await request(app).post('/api/invites/accept').send({ token, password: 'invited and happy' });

    expect(invite.status).toBe(201);
    expect(invite.body).not.toHaveProperty('token');
    expect(pending.body.items.map((i: { email: string }) => i.email)).toEqual([email]);
    expect(accepted.status).toBe(201);
    expect(accepted.body.user).toMatchObject({
      email,
      role: 'editor',
      organizationId: owner.user.organizationId,
      emailVerified: true,
    });
    expect(replay.status).toBe(400);
    expect(replay.body.code).toBe('invalid_token');
  });

  it('refuses invites for existing accounts, withdraws invites, and refuses withdrawn or expired ones', async () => {
    const owner = await registerOwner(app);
    const other = await registerOwner(app);
    const email = uniqueEmail('late');

    const existing = await request(app).post('/api/invites').set(as(owner.token)).send({ email: other.email, role: 'viewer' });
    const invite = await request(app).post('/api/invites').set(as(owner.token)).send({ email, role: 'viewer' });
    const token = /accept-invite\?token=([\w-]+)/.exec(mailer.sent.find((m) => m.to === email)?.text ?? '')?.[1];
    const withdrawn = await request(app).delete(`/api/invites/${invite.body.id}`).set(as(owner.token));
    const accept = await request(app).post('/api/invites/accept').send({ token, password: 'too late for me' });

    expect(existing.status).toBe(409);
    expect(withdrawn.status).toBe(204);
    expect(accept.status).toBe(400);
  });

  it('needs a user session: API keys cannot manage members', async () => {
    const owner = await registerOwner(app);
    const editor = await addMember(app, test.db, owner.user.organizationId, 'editor');
    const key = await request(app)
      .post('/api/api-keys')
      .set(as(owner.token))
      .send({ name: 'm', scopes: ['members:manage'] });

    const res = await request(app)
      .patch(`/api/members/${editor.user.id}`)
      .set('X-API-Key', key.body.key)
      .send({ role: 'viewer' });

    expect(res.status).toBe(403);
  });

  it('platform administrators list every organization; others get 403', async () => {
    const adminEmail = uniqueEmail('platform');
    const platformApp = buildTestApp(test.db, {
      config: testConfig({ PLATFORM_ADMIN_EMAILS: `x@y.z, ${adminEmail.toUpperCase()}` }),
    });
    const platformAdmin = await registerOwner(platformApp, { email: adminEmail });
    const regular = await registerOwner(platformApp);

    const listed = await request(platformApp).get('/api/admin/organizations?limit=500').set(as(platformAdmin.token));
    const refused = await request(platformApp).get('/api/admin/organizations').set(as(regular.token));

    expect(platformAdmin.user.isPlatformAdmin).toBe(true);
    expect(listed.status).toBe(200);
    expect(listed.body.items.map((o: { id: string }) => o.id)).toEqual(
      expect.arrayContaining([platformAdmin.user.organizationId, regular.user.organizationId]),
    );
    expect(refused.status).toBe(403);
  });

  describe('GET /api/organization', () => {
    it("shows any member their own organization's name, plan tier and member count", async () => {
      const owner = await registerOwner(app, { organizationName: 'Acme Robotics' });
      const viewer = await addMember(app, test.db, owner.user.organizationId, 'viewer');
      await registerOwner(app, { organizationName: 'Someone Else' });

      const asViewer = await request(app).get('/api/organization').set(as(viewer.token));
      const asOwner = await request(app).get('/api/organization').set(as(owner.token));

      expect(asViewer.status).toBe(200);
      expect(asViewer.body).toEqual({
        id: owner.user.organizationId,
        name: 'Acme Robotics',
        subscriptionTier: 'free',
        memberCount: 2,
        createdAt: expect.any(String),
        abilities: { canEdit: false },
      });
      expect(asOwner.body.abilities).toEqual({ canEdit: true });
    });

    it('answers 401 without a session', async () => {
      const res = await request(app).get('/api/organization');

      expect(res.status).toBe(401);
    });
  });

  describe('PATCH /api/organization', () => {
    it('renames the organization for an owner or admin and records organization.updated', async () => {
      const owner = await registerOwner(app, { organizationName: 'Old Name' });
      const admin = await addMember(app, test.db, owner.user.organizationId, 'admin');

      const byAdmin = await request(app).patch('/api/organization').set(as(admin.token)).send({ name: '  New Name  ' });
      const seen = await request(app).get('/api/organization').set(as(owner.token));
      const audit = await request(app).get('/api/audit-log?action=organization.updated').set(as(owner.token));

      expect(byAdmin.status).toBe(200);
      expect(byAdmin.body).toMatchObject({ id: owner.user.organizationId, name: 'New Name', abilities: { canEdit: true } });
      expect(seen.body.name).toBe('New Name');
      expect(audit.body.items).toHaveLength(1);
      expect(audit.body.items[0]).toMatchObject({
        action: 'organization.updated',
        targetType: 'organization',
        targetId: owner.user.organizationId,
        metadata: { name: 'New Name' },
      });
    });

    it('refuses editors and viewers with 403 and keeps the name', async () => {
      const owner = await registerOwner(app, { organizationName: 'Stays Put' });
      const editor = await addMember(app, test.db, owner.user.organizationId, 'editor');
      const viewer = await addMember(app, test.db, owner.user.organizationId, 'viewer');

      const byEditor = await request(app).patch('/api/organization').set(as(editor.token)).send({ name: 'Editor Was Here' });
      const byViewer = await request(app).patch('/api/organization').set(as(viewer.token)).send({ name: 'Viewer Was Here' });
      const seen = await request(app).get('/api/organization').set(as(owner.token));

      expect(byEditor.status).toBe(403);
      expect(byViewer.status).toBe(403);
      expect(byViewer.body).toMatchObject({ error: 'Insufficient permissions', code: 'forbidden' });
      expect(seen.body.name).toBe('Stays Put');
    });

    it.each([
      ['an empty name', { name: '' }],
      ['a blank name', { name: '   ' }],
      ['a name over the limit', { name: 'x'.repeat(256) }],
      ['no name', {}],
      ['a name that is not a string', { name: 42 }],
    ])('answers 400 to %s', async (_label, body) => {
      const owner = await registerOwner(app, { organizationName: 'Valid Name' });

      const res = await request(app).patch('/api/organization').set(as(owner.token)).send(body);
      const seen = await request(app).get('/api/organization').set(as(owner.token));

      expect(res.status).toBe(400);
      expect(res.body.code).toBe('validation_failed');
      expect(seen.body.name).toBe('Valid Name');
    });

    it("changes only the caller's organization, whatever ids the body carries", async () => {
      const victim = await registerOwner(app, { organizationName: 'Victim Org' });
      const attacker = await registerOwner(app, { organizationName: 'Attacker Org' });

      const res = await request(app).patch('/api/organization').set(as(attacker.token)).send({
        name: 'Renamed',
        id: victim.user.organizationId,
        organizationId: victim.user.organizationId,
        subscriptionTier: 'enterprise',
      });
      const victimSees = await request(app).get('/api/organization').set(as(victim.token));

      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ id: attacker.user.organizationId, name: 'Renamed', subscriptionTier: 'free' });
      expect(victimSees.body.name).toBe('Victim Org');
    });
  });
});
