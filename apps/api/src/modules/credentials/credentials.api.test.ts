import { randomBytes } from 'node:crypto';
import request from 'supertest';
import { createTestDatabase, type TestDatabase } from '../../../test/db';
import { addMember, registerOwner } from '../../../test/factories';
import { buildTestApp, captureLogger } from '../../../test/test-app';
import { createEncryptor } from '../../lib/crypto';
import { createCredentialsService, maskSecret } from './credentials.service';

const CANARY = 'sk-proj-CANARY-7f3a9b1c2d4e5f60x9Qa';

describe('credentials vault', () => {
  let test: TestDatabase;
  const logs = captureLogger();
  let app: ReturnType<typeof buildTestApp>;

  beforeAll(async () => {
    test = await createTestDatabase();
    app = buildTestApp(test.db, { log: logs.log });
  });
  afterAll(async () => {
    await test.drop();
  });

  const as = (token: string) => ({ Authorization: `Bearer ${token}` });

  it('stores a secret encrypted and only ever shows a masked hint', async () => {
    const owner = await registerOwner(app);

    const created = await request(app)
      .post('/api/credentials')
      .set(as(owner.token))
      .send({ name: 'OpenAI', type: 'api_key', data: { apiKey: CANARY } });
    const listed = await request(app).get('/api/credentials').set(as(owner.token));
    const one = await request(app).get(`/api/credentials/${created.body.id}`).set(as(owner.token));

    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ name: 'OpenAI', type: 'api_key', hint: 'sk-…x9Qa' });
    for (const res of [created, listed, one]) expect(JSON.stringify(res.body)).not.toContain('CANARY');
    const { rows } = await test.db.query<{ data_ciphertext: string; key_id: string }>(
      'SELECT data_ciphertext, key_id FROM credentials WHERE id = $1',
      [created.body.id],
    );
    expect(rows[0]?.data_ciphertext).toMatch(/^v1\.k1\./);
    expect(rows[0]?.data_ciphertext).not.toContain('CANARY');
    expect(logs.text()).not.toContain('CANARY');
  });

  it('decrypts only for its own organization and record', async () => {
    const owner = await registerOwner(app);
    const other = await registerOwner(app);
    const mine = await request(app)
      .post('/api/credentials')
      .set(as(owner.token))
      .send({ name: 'Bearer', type: 'http_bearer', data: { token: 'token-abcdefghijkl' } });
    const theirs = await request(app)
      .post('/api/credentials')
      .set(as(other.token))
      .send({ name: 'Bearer', type: 'http_bearer', data: { token: 'other-token-123456' } });
    const service = createCredentialsService({
      db: test.db,
      encryptor: createEncryptor(new Map([['k1', Buffer.alloc(32, 9)]]), 'k1'),
    });

    const resolved = await service.resolve(owner.user.organizationId, mine.body.id);
    await test.db.query(
      'UPDATE credentials SET data_ciphertext = (SELECT data_ciphertext FROM credentials WHERE id = $1) WHERE id = $2',
      [mine.body.id, theirs.body.id],
    );

    expect(resolved).toEqual({ type: 'http_bearer', data: { token: 'token-abcdefghijkl' } });
    await expect(service.resolve(other.user.organizationId, theirs.body.id)).rejects.toThrow('Ciphertext failed authentication');
    await expect(service.resolve(other.user.organizationId, mine.body.id)).rejects.toMatchObject({ status: 404 });
  });

  it('renames, replaces the secret with type validation, and deletes', async () => {
    const owner = await registerOwner(app);
    const { body } = await request(app)
      .post('/api/credentials')
      .set(as(owner.token))
      .send({ name: 'Basic', type: 'http_basic', data: { username: 'u', password: 'first-password-1' } });

    const renamed = await request(app).put(`/api/credentials/${body.id}`).set(as(owner.token)).send({ name: 'Basic auth' });
    const wrongShape = await request(app)
      .put(`/api/credentials/${body.id}`)
      .set(as(owner.token))
      .send({ data: { token: 'x' } });
    const replaced = await request(app)
      .put(`/api/credentials/${body.id}`)
      .set(as(owner.token))
      .send({ data: { username: 'u', password: 'second-password-2' } });
    const duplicate = await request(app)
      .post('/api/credentials')
      .set(as(owner.token))
      .send({ name: 'Basic auth', type: 'http_bearer', data: { token: 't' } });
    const deleted = await request(app).delete(`/api/credentials/${body.id}`).set(as(owner.token));
    const gone = await request(app).get(`/api/credentials/${body.id}`).set(as(owner.token));

    expect(renamed.body).toMatchObject({ name: 'Basic auth', hint: '…rd-1' });
    expect(wrongShape.status).toBe(400);
    expect(wrongShape.body.details.issues.map((i: { path: string }) => i.path)).toContain('body.data.username');
    expect(replaced.body.hint).toBe('…rd-2');
    expect(duplicate.status).toBe(409);
    expect(deleted.status).toBe(204);
    expect(gone.status).toBe(404);
  });

  it('lets viewers see names but not write', async () => {
    const owner = await registerOwner(app);
    const viewer = await addMember(app, test.db, owner.user.organizationId, 'viewer');

    const write = await request(app)
      .post('/api/credentials')
      .set(as(viewer.token))
      .send({ name: 'x', type: 'http_bearer', data: { token: 'abc' } });
    const read = await request(app).get('/api/credentials').set(as(viewer.token));

    expect(write.status).toBe(403);
    expect(read.status).toBe(200);
  });

  it('rotates every credential to the active key, resumably, and they still decrypt', async () => {
    const k1 = Buffer.alloc(32, 9);
    const k2 = randomBytes(32);
    const owner = await registerOwner(app);
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) {
      const res = await request(app)
        .post('/api/credentials')
        .set(as(owner.token))
        .send({ name: `key ${i}`, type: 'api_key', data: { apiKey: `sk-rotate-${i}-0123456789` } });
      ids.push(res.body.id);
    }
    const rotated = createCredentialsService({
      db: test.db,
      encryptor: createEncryptor(
        new Map([
          ['k1', k1],
          ['k2', k2],
        ]),
        'k2',
      ),
    });

    // One row was tampered with by an earlier test in this file: rotation must skip and report it.
    const first = await rotated.rotateKeys(2);
    const again = await rotated.rotateKeys(2);

    expect(first.rotated).toBeGreaterThanOrEqual(5);
    expect(first.failed).toHaveLength(1);
    expect(again.rotated).toBe(0);
    expect((await rotated.countByKey()).k1).toBe(1);
    const onlyK2 = createCredentialsService({ db: test.db, encryptor: createEncryptor(new Map([['k2', k2]]), 'k2') });
    for (const [i, id] of ids.entries()) {
      expect((await onlyK2.resolve(owner.user.organizationId, id)).data.apiKey).toBe(`sk-rotate-${i}-0123456789`);
    }
  });
});

describe('maskSecret', () => {
  it.each([
    ['sk-proj-abcdefghijklmnop9Qa1', 'sk-…9Qa1'],
    ['ghp_0123456789abcdefABCD', 'ghp_…ABCD'],
    ['plainsecretvalue1234', '…1234'],
    ['short', '…'],
  ])('%s → %s', (secret, masked) => {
    expect(maskSecret(secret)).toBe(masked);
  });
});
