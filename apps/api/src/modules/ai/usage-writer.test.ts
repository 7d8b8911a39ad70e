import { randomUUID } from 'node:crypto';
import { createTestDatabase, type TestDatabase } from '../../../test/db';
import { captureLogger } from '../../../test/test-app';
import { createPostgresDatabase, type Database } from '../../lib/db';
import * as usageRepo from './usage.repo';
import { createUsageWriter } from './usage-writer';

describe('AI usage writer (rows written behind the answer)', () => {
  let test: TestDatabase;
  /** Nothing listens on port 1: every query fails to connect, as during a database outage. */
  let unreachable: Database;

  beforeAll(async () => {
    test = await createTestDatabase();
    unreachable = createPostgresDatabase({
      connectionString: 'postgres://postgres@127.0.0.1:1/none',
      maxConnections: 1,
      statementTimeoutMs: 1000,
      connectionTimeoutMs: 500,
    });
  });

  afterAll(async () => {
    await unreachable.close();
    await test.drop();
  });

  async function newOrganization(): Promise<string> {
    const { rows } = await test.db.query<{ id: string }>(`INSERT INTO organizations (name) VALUES ('Usage') RETURNING id`);
    return (rows[0] as { id: string }).id;
  }

  function row(organizationId: string, overrides: Partial<usageRepo.UsageRow> = {}): usageRepo.UsageRow {
    return {
      callId: `chatcmpl-${randomUUID()}`,
      organizationId,
      workflowId: null,
      executionId: null,
      nodeId: null,
      apiKeyId: null,
      provider: 'openai',
      model: 'gpt-4o-mini',
      inputTokens: 10,
      outputTokens: 5,
      costUsd: '0.000100000000',
      latencyMs: 3,
      ...overrides,
    };
  }

  async function stored(organizationId: string) {
    const usage = await test.db.query<{ call_id: string; cost_usd: string }>(
      'SELECT call_id, cost_usd::text AS cost_usd FROM ai_usage WHERE organization_id = $1 ORDER BY id',
      [organizationId],
    );
    const spend = await test.db.query<{ spent_usd: string; calls: string }>(
      `SELECT spent_usd::text AS spent_usd, calls::text AS calls FROM ai_spend WHERE organization_id = $1 AND scope = 'organization'`,
      [organizationId],
    );
    return { calls: usage.rows.map((r) => r.call_id), spend: spend.rows[0] ?? null };
  }

  it('queues without waiting and writes in batches; flush resolves once the rows are stored', async () => {
    const org = await newOrganization();
    const batches: number[] = [];
    const writer = createUsageWriter(async (rows) => {
      batches.push(rows.length);
      await usageRepo.insertUsage(test.db, rows);
    }, captureLogger().log);
    const rows = Array.from({ length: 5 }, () => row(org));

    for (const r of rows) expect(writer.write(r)).toBeUndefined();
    expect(writer.pending()).toBe(5);
    expect(await writer.flush()).toBe(true);

    expect(writer.pending()).toBe(0);
    // The first row goes out at once; the four that arrived while it was in flight go together.
    expect(batches).toEqual([1, 4]);
    expect(await stored(org)).toEqual({
      calls: rows.map((r) => r.callId),
      spend: { spent_usd: '0.000500000000', calls: '5' },
    });
  });

  it('keeps rows through a database outage and writes each once when the database is back', async () => {
    const org = await newOrganization();
    const logs = captureLogger();
    let target: Database = unreachable;
    let tries = 0;
    const writer = createUsageWriter(
      async (rows) => {
        tries += 1;
        await usageRepo.insertUsage(target, rows);
      },
      logs.log,
      { retryMs: 20, maxRetryMs: 40 },
    );
    const rows = [row(org), row(org), row(org)];
    for (const r of rows) writer.write(r);

    // Still unreachable: flush times out, nothing is lost, the outage is logged once.
    expect(await writer.flush(300)).toBe(false);
    expect(writer.pending()).toBe(3);
    expect(tries).toBeGreaterThanOrEqual(2);
    expect(logs.lines().filter((l) => l.msg === 'AI usage rows could not be written yet: kept for a retry')).toHaveLength(1);

    target = test.db;
    expect(await writer.flush(5000)).toBe(true);
    expect(await stored(org)).toEqual({
      calls: rows.map((r) => r.callId),
      spend: { spent_usd: '0.000300000000', calls: '3' },
    });
    expect(logs.lines().some((l) => l.msg === 'AI usage rows are being written again')).toBe(true);
  });

  it('bills a call once when a batch committed but its answer was lost (the resend is skipped)', async () => {
    const org = await newOrganization();
    let lost = 1;
    const writer = createUsageWriter(
      async (rows) => {
        await usageRepo.insertUsage(test.db, rows);
        if (lost-- > 0) throw new Error('Connection terminated unexpectedly');
      },
      captureLogger().log,
      { retryMs: 10 },
    );
    const r = row(org);
    writer.write(r);

    expect(await writer.flush(5000)).toBe(true);
    expect(await stored(org)).toEqual({ calls: [r.callId], spend: { spent_usd: '0.000100000000', calls: '1' } });
  });

  it('writes the good rows of a batch the database refused and logs the bad one in full', async () => {
    const org = await newOrganization();
    const logs = captureLogger();
    const seen: number[] = [];
    const writer = createUsageWriter(async (rows) => {
      seen.push(rows.length);
      await usageRepo.insertUsage(test.db, rows);
    }, logs.log);
    const first = row(org);
    const good = row(org);
    const bad = row(org, { inputTokens: -1 }); // ck_ai_usage__tokens
    const last = row(org);
    writer.write(first);
    writer.write(good);
    writer.write(bad);
    writer.write(last);

    expect(await writer.flush()).toBe(true);
    expect(writer.pending()).toBe(0);
    expect(seen).toEqual([1, 3, 1, 1, 1]);
    expect((await stored(org)).calls).toEqual([first.callId, good.callId, last.callId]);
    const refused = logs.lines().filter((l) => l.msg === 'AI usage row refused by the database: not recorded');
    expect(refused).toHaveLength(1);
    expect(refused[0]?.['usage']).toMatchObject({ callId: bad.callId, inputTokens: -1 });
  });

  it('on shutdown lists the rows it could not write, so they can be replayed', async () => {
    const org = await newOrganization();
    const logs = captureLogger();
    const writer = createUsageWriter((rows) => usageRepo.insertUsage(unreachable, rows), logs.log, { retryMs: 20 });
    const r = row(org);
    writer.write(r);

    await writer.close(200);

    const line = logs
      .lines()
      .find((l) => l.msg === 'AI usage: 1 rows could not be written before shutdown (listed here for replay)');
    expect(line?.['unwritten']).toEqual([expect.objectContaining({ callId: r.callId, costUsd: r.costUsd })]);
    expect((await stored(org)).calls).toEqual([]);
  });

  it('flush with nothing queued resolves at once', async () => {
    const writer = createUsageWriter(() => Promise.reject(new Error('not called')), captureLogger().log);
    expect(await writer.flush(1)).toBe(true);
    await expect(writer.close(1)).resolves.toBeUndefined();
  });
});
