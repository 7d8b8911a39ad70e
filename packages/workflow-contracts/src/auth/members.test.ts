import { ORGANIZATION_NAME_MAX, UpdateOrganizationBodySchema } from '../index';

describe('UpdateOrganizationBodySchema', () => {
  it.each([
    [{ name: 'Acme' }, 'Acme'],
    [{ name: '  Acme Robotics  ' }, 'Acme Robotics'],
    [{ name: 'x'.repeat(ORGANIZATION_NAME_MAX) }, 'x'.repeat(ORGANIZATION_NAME_MAX)],
  ])('accepts %j', (body, name) => {
    expect(UpdateOrganizationBodySchema.parse(body)).toEqual({ name });
  });

  it.each([
    [{}, ['name']],
    [{ name: '' }, ['name']],
    [{ name: '   ' }, ['name']],
    [{ name: 'x'.repeat(ORGANIZATION_NAME_MAX + 1) }, ['name']],
    [{ name: 42 }, ['name']],
  ])('rejects %j at %j', (body, path) => {
    const result = UpdateOrganizationBodySchema.safeParse(body);

    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.path).toEqual(path);
  });

  it('strips server-owned fields', () => {
    const parsed = UpdateOrganizationBodySchema.parse({
      name: 'Acme',
      id: '00000000-0000-4000-8000-000000000000',
      subscriptionTier: 'enterprise',
      memberCount: 99,
      createdAt: '2026-01-01T00:00:00Z',
    });

    expect(parsed).toEqual({ name: 'Acme' });
  });
});
