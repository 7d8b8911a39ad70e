import { AnalyticsQuerySchema, ErrorAlertSettingsBodySchema, ListErrorGroupsQuerySchema, resolveAnalyticsRange } from '../index';

describe('AnalyticsQuerySchema', () => {
  it.each([
    [{}, { scope: 'organization' }],
    [{ from: '2026-01-01T00:00:00Z', to: '2026-01-02T00:00:00Z', bucket: 'hour' }, { bucket: 'hour' }],
    [{ from: '2026-01-01T00:00:00Z', to: '2026-01-01T20:00:00Z', bucket: 'minute' }, { bucket: 'minute' }],
    [{ scope: 'platform' }, { scope: 'platform' }],
  ])('accepts %j', (query, expected) => {
    expect(AnalyticsQuerySchema.parse(query)).toMatchObject(expected);
  });

  it.each([
    [{ from: '2026-01-02T00:00:00Z', to: '2026-01-01T00:00:00Z' }, ['from']],
    [{ from: '2026-01-01T00:00:00Z', to: '2026-01-01T00:00:00Z' }, ['from']],
    [{ from: '2020-01-01T00:00:00Z', to: '2026-01-01T00:00:00Z' }, ['from']],
    [{ from: '2026-01-01T00:00:00Z', to: '2026-01-03T00:00:00Z', bucket: 'minute' }, ['bucket']],
    [{ bucket: 'week' }, ['bucket']],
    [{ from: 'yesterday' }, ['from']],
    [{ scope: 'everything' }, ['scope']],
  ])('rejects %j at %j', (query, path) => {
    const result = AnalyticsQuerySchema.safeParse(query);

    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.path).toEqual(path);
  });

  it('strips unknown keys', () => {
    expect(
      AnalyticsQuerySchema.parse({
        organizationId: 'x',
        bucket: 'day',
        from: '2026-01-01T00:00:00Z',
        to: '2026-02-01T00:00:00Z',
      }),
    ).not.toHaveProperty('organizationId');
  });
});

describe('resolveAnalyticsRange', () => {
  const now = new Date('2026-03-01T12:00:00Z');

  it.each([
    [{}, '2026-02-28T12:00:00.000Z', 'hour'],
    [{ from: '2026-03-01T10:00:00Z' }, '2026-03-01T10:00:00.000Z', 'minute'],
    [{ from: '2026-01-01T00:00:00Z' }, '2026-01-01T00:00:00.000Z', 'day'],
  ])('fills in %j', (query, from, bucket) => {
    expect(resolveAnalyticsRange(query, now)).toEqual({ from, to: '2026-03-01T12:00:00.000Z', bucket, scope: 'organization' });
  });
});

describe('ListErrorGroupsQuerySchema', () => {
  it('defaults the page size and trims the search', () => {
    expect(ListErrorGroupsQuerySchema.parse({ q: '  timeout ', status: 'open' })).toEqual({
      q: 'timeout',
      status: 'open',
      limit: 50,
    });
  });

  it.each([
    [{ status: 'closed' }, ['status']],
    [{ limit: '0' }, ['limit']],
    [{ source: 'cron' }, ['source']],
  ])('rejects %j', (query, path) => {
    expect(ListErrorGroupsQuerySchema.safeParse(query).error?.issues[0]?.path).toEqual(path);
  });
});

describe('ErrorAlertSettingsBodySchema', () => {
  it.each([
    [{ webhookUrl: 'https://hooks.example.com/x?token=1', email: 'ops@example.com', spikePerHour: 5 }],
    [{ webhookUrl: null, email: null }],
    [{ onNew: false, onRegression: true, onSpike: false }],
  ])('accepts %j', (body) => {
    expect(ErrorAlertSettingsBodySchema.safeParse(body).success).toBe(true);
  });

  it.each([
    [{ webhookUrl: 'ftp://files.example.com' }, ['webhookUrl']],
    [{ webhookUrl: 'not a url' }, ['webhookUrl']],
    [{ email: 'nope' }, ['email']],
    [{ spikePerHour: 0 }, ['spikePerHour']],
    [{ spikePerHour: 1.5 }, ['spikePerHour']],
  ])('rejects %j at %j', (body, path) => {
    expect(ErrorAlertSettingsBodySchema.safeParse(body).error?.issues[0]?.path).toEqual(path);
  });

  it('strips server-owned fields', () => {
    expect(ErrorAlertSettingsBodySchema.parse({ email: 'a@example.com', organizationId: 'x', webhookConfigured: true })).toEqual({
      email: 'a@example.com',
    });
  });
});
