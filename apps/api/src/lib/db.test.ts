import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createTestDatabase, usesPostgres, type TestDatabase } from '../../test/db';
import { createPgliteDatabase, createPostgresDatabase } from './db';

describe('Database', () => {
  let test: TestDatabase;

  beforeAll(async () => {
    test = await createTestDatabase();
  });
  afterAll(async () => {
    await test.drop();
  });

  async function insertOrganization(name: string): Promise<string> {
    const { rows } = await test.db.query<{ id: string }>('INSERT INTO organizations (name) VALUES ($1) RETURNING id', [name]);
    const id = rows[0]?.id;
    if (!id) throw new Error('insert returned no id');
    return id;
  }

  it('commits a transaction that resolves', async () => {
    const id = await test.db.withTransaction(async (tx) => {
      const { rows } = await tx.query<{ id: string }>('INSERT INTO organizations (name) VALUES ($1) RETURNING id', ['Committed']);
      return rows[0]?.id;
    });

    const { rows } = await test.db.query('SELECT name FROM organizations WHERE id = $1', [id]);
    expect(rows).toEqual([{ name: 'Committed' }]);
  });

  it('rolls back every statement of a transaction that throws', async () => {
    await expect(
      test.db.withTransaction(async (tx) => {
        await tx.query('INSERT INTO organizations (name) VALUES ($1)', ['Rolled back']);
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');

    const { rowCount } = await test.db.query('SELECT 1 FROM organizations WHERE name = $1', ['Rolled back']);
    expect(rowCount).toBe(0);
  });

  it('returns the same value types in both modes', async () => {
    const { rows } = await test.db.query<Record<string, unknown>>(
      'SELECT 9007199254740993::int8 AS big, 1.50::numeric AS money, now() AS at, $1::jsonb AS doc, 7::int AS small',
      [JSON.stringify({ nested: [1, 2] })],
    );

    expect(rows[0]).toEqual({ big: '9007199254740993', money: '1.50', at: expect.any(Date), doc: { nested: [1, 2] }, small: 7 });
  });

  it('reports affected rows', async () => {
    await insertOrganization('Count me');

    const result = await test.db.query("UPDATE organizations SET domain = NULL WHERE name = 'Count me'");

    expect(result.rowCount).toBe(1);
  });

  it('maintains updated_at on update', async () => {
    const id = await insertOrganization('Timestamps');
    const before = await test.db.query<{ updated_at: Date }>('SELECT updated_at FROM organizations WHERE id = $1', [id]);
    await new Promise((r) => setTimeout(r, 15));

    await test.db.query('UPDATE organizations SET name = $2 WHERE id = $1', [id, 'Timestamps 2']);

    const after = await test.db.query<{ updated_at: Date }>('SELECT updated_at FROM organizations WHERE id = $1', [id]);
    expect(after.rows[0]?.updated_at.getTime()).toBeGreaterThan(before.rows[0]?.updated_at.getTime() ?? Infinity);
  });

  it('guards status columns and tenant ownership with constraints', async () => {
    const organizationId = await insertOrganization('Constraints');
    const { rows } = await test.db.query<{ id: string }>(
      'INSERT INTO workflows (organization_id, name, canvas_data) VALUES ($1, $2, $3) RETURNING id',
      [organizationId, 'wf', JSON.stringify({ nodes: [], edges: [] })],
    );
    const workflowId = rows[0]?.id;

    await expect(
      test.db.query("INSERT INTO workflow_executions (organization_id, workflow_id, status) VALUES ($1, $2, 'exploded')", [
        organizationId,
        workflowId,
      ]),
    ).rejects.toMatchObject({ code: '23514' });
    await expect(
      test.db.query("INSERT INTO workflow_executions (workflow_id, status) VALUES ($1, 'pending')", [workflowId]),
    ).rejects.toMatchObject({ code: '23502' });
    await expect(
      test.db.query("INSERT INTO users (organization_id, email, role) VALUES ($1, 'a@b.c', 'superuser')", [organizationId]),
    ).rejects.toMatchObject({ code: '23514' });
  });

  it('keeps emails unique regardless of case', async () => {
    const organizationId = await insertOrganization('Emails');
    await test.db.query('INSERT INTO users (organization_id, email) VALUES ($1, $2)', [organizationId, 'Ada@Example.com']);

    await expect(
      test.db.query('INSERT INTO users (organization_id, email) VALUES ($1, $2)', [organizationId, 'ada@example.com']),
    ).rejects.toMatchObject({ code: '23505' });
  });

  it('has the composite tenant index on executions', async () => {
    const { rows } = await test.db.query<{ indexdef: string }>(
      "SELECT indexdef FROM pg_indexes WHERE indexname = 'idx_workflow_executions__organization_id_status'",
    );

    expect(rows[0]?.indexdef).toMatch(/\(organization_id, status\)/);
  });

  it('recovers after a statement fails on bad input', async () => {
    await expect(test.db.query('SELECT $1::uuid', ['not-a-uuid'])).rejects.toMatchObject({ code: '22P02' });

    const { rows } = await test.db.query<{ ok: number }>('SELECT 1 AS ok');
    expect(rows).toEqual([{ ok: 1 }]);
  });
});

(usesPostgres ? describe : describe.skip)('a Postgres connection lost while checked out', () => {
  it('fails the transaction or session, reports the error, and the next query opens a new connection', async () => {
    const test = await createTestDatabase();
    const errors: Error[] = [];
    const db = createPostgresDatabase({
      connectionString: test.url ?? '',
      maxConnections: 2,
      statementTimeoutMs: 5000,
      connectionTimeoutMs: 5000,
      onError: (err) => errors.push(err),
    });
    // The server ends the backend mid-transaction (a restart, as the client sees it).
    const killOwnBackend = (tx: { query: (text: string) => Promise<unknown> }) =>
      tx.query('SELECT pg_terminate_backend(pg_backend_pid())');

    const inTransaction = db.withTransaction(killOwnBackend);
    await expect(inTransaction).rejects.toMatchObject({ code: '57P01' });
    const inSession = db.withSession(killOwnBackend);
    await expect(inSession).rejects.toMatchObject({ code: '57P01' });
    await new Promise((r) => setTimeout(r, 50));
    const after = await db.withTransaction((tx) => tx.query<{ one: number }>('SELECT 1 AS one'));

    expect(errors.length).toBeGreaterThanOrEqual(2);
    expect(after.rows).toEqual([{ one: 1 }]);
    await db.close();
    await test.drop();
  });
});

describe('embedded database on disk', () => {
  it('keeps its data across close and reopen', async () => {
    const dir = path.join(mkdtempSync(path.join(tmpdir(), 'auterity-pglite-')), 'pglite');
    const first = await createPgliteDatabase({ dataDir: dir });
    await first.query('CREATE TABLE kept (v text)');
    await first.query('INSERT INTO kept VALUES ($1)', ['survives']);
    await first.close();

    const second = await createPgliteDatabase({ dataDir: dir });
    const { rows } = await second.query('SELECT v FROM kept');
    await second.close();

    expect(rows).toEqual([{ v: 'survives' }]);
    // Two cold PGlite starts on disk: seconds each on a loaded 2-core machine.
  }, 90_000);
});
