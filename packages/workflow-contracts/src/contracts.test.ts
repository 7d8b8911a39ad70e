import {
  ApiErrorSchema,
  ErrorCodeSchema,
  HealthDtoSchema,
  LoginBodySchema,
  PASSWORD_MAX,
  PASSWORD_MIN,
  ReadyDtoSchema,
  RegisterBodySchema,
} from './index';

describe('LoginBodySchema', () => {
  it.each([[{ email: 'ada@example.com', password: 'x' }], [{ email: 'ADA@example.co.uk', password: 'p'.repeat(PASSWORD_MAX) }]])(
    'accepts %j',
    (body) => {
      expect(LoginBodySchema.safeParse(body).success).toBe(true);
    },
  );

  it.each([
    [{ email: 'not-an-email', password: 'x' }, 'email'],
    [{ email: 'ada@example.com', password: '' }, 'password'],
    [{ email: 'ada@example.com', password: 'p'.repeat(PASSWORD_MAX + 1) }, 'password'],
    [{ email: ['ada@example.com'], password: 'x' }, 'email'],
    [{ password: 'x' }, 'email'],
  ])('rejects %j at %s', (body, path) => {
    const result = LoginBodySchema.safeParse(body);

    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.path).toEqual([path]);
  });
});

describe('RegisterBodySchema', () => {
  const valid = { organizationName: '  Acme  ', email: 'ada@example.com', password: 'correct horse battery' };

  it('trims names and accepts optional fields', () => {
    const parsed = RegisterBodySchema.parse({ ...valid, firstName: ' Ada ', lastName: 'Lovelace' });

    expect(parsed).toEqual({ ...valid, organizationName: 'Acme', firstName: 'Ada', lastName: 'Lovelace' });
  });

  it('strips fields the server owns', () => {
    const parsed = RegisterBodySchema.parse({ ...valid, id: 'x', role: 'owner', organizationId: 'y', createdAt: 'z' });

    expect(Object.keys(parsed).sort()).toEqual(['email', 'organizationName', 'password']);
  });

  it.each([
    [{ ...valid, password: 'p'.repeat(PASSWORD_MIN - 1) }, 'password', `at least ${PASSWORD_MIN}`],
    [{ ...valid, password: 'p'.repeat(PASSWORD_MAX + 1) }, 'password', `at most ${PASSWORD_MAX}`],
    [{ ...valid, organizationName: '   ' }, 'organizationName', ''],
    [{ ...valid, email: 'x@' }, 'email', ''],
  ])('rejects %j at %s', (body, path, message) => {
    const result = RegisterBodySchema.safeParse(body);

    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.path).toEqual([path]);
    expect(result.error?.issues[0]?.message).toContain(message);
  });
});

describe('ApiErrorSchema', () => {
  it('accepts the envelope with and without details', () => {
    expect(ApiErrorSchema.safeParse({ error: 'Nope', code: 'not_found', requestId: 'r1' }).success).toBe(true);
    expect(
      ApiErrorSchema.safeParse({ error: 'Bad', code: 'validation_failed', details: { issues: [] }, requestId: 'r1' }).success,
    ).toBe(true);
  });

  it('rejects unknown codes and a missing request id', () => {
    expect(ApiErrorSchema.safeParse({ error: 'x', code: 'teapot', requestId: 'r' }).success).toBe(false);
    expect(ApiErrorSchema.safeParse({ error: 'x', code: 'not_found' }).success).toBe(false);
    expect(ErrorCodeSchema.options).toContain('internal_error');
  });
});

describe('health DTOs', () => {
  it('describe liveness and readiness', () => {
    expect(HealthDtoSchema.safeParse({ status: 'ok', uptimeSec: 3 }).success).toBe(true);
    expect(HealthDtoSchema.safeParse({ status: 'ok', uptimeSec: -1 }).success).toBe(false);
    expect(ReadyDtoSchema.safeParse({ status: 'ready', checks: { database: 'up', redis: 'not_configured' } }).success).toBe(true);
    expect(ReadyDtoSchema.safeParse({ status: 'ready', checks: { database: 'sideways' } }).success).toBe(false);
  });
});
