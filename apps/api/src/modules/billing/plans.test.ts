import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ConfigError, loadConfig } from '../../config';
import { createPlanBook, loadPlanCatalog, PlanCatalogError } from './plans';

function file(content: string): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'plans-unit-'));
  const target = path.join(dir, 'plans.json');
  writeFileSync(target, content);
  return target;
}

describe('plan catalog', () => {
  it('loads the bundled catalog with the four plans, Free first', () => {
    const book = createPlanBook(loadPlanCatalog());

    expect(book.list().map((p) => p.id)).toEqual(['free', 'starter', 'professional', 'enterprise']);
    expect(book.catalog.trial).toBeNull();
  });

  it.each([
    ['a missing file', () => path.join(tmpdir(), 'no-such-dir', 'plans.json'), /^cannot read /],
    ['invalid JSON', () => file('{ not json'), /^cannot read /],
    ['a plan twice', () => file(JSON.stringify({ plans: [] })), /^plans plan "free" must appear exactly once$/],
    ['an unknown field', () => file(JSON.stringify({ plans: [], extra: 1 })), /Unrecognized key/],
  ])('refuses %s', (_name, make, message) => {
    const target = make();

    expect(() => loadPlanCatalog(target)).toThrow(PlanCatalogError);
    expect(() => loadPlanCatalog(target)).toThrow(message);
  });

  it('stops the configuration with one line naming PLANS_FILE', () => {
    const target = file('[]');

    expect(() => loadConfig({ NODE_ENV: 'test', PLANS_FILE: target })).toThrow(ConfigError);
    expect(() => loadConfig({ NODE_ENV: 'test', PLANS_FILE: target })).toThrow(/^PLANS_FILE: /);
  });

  it('answers each limit of a plan (null: unlimited), Free for an unknown plan, and ranks plans', () => {
    const book = createPlanBook(loadPlanCatalog());

    expect(
      (['active_workflows', 'executions', 'ai_cost_usd', 'members', 'api_requests'] as const).map((m) => book.limitOf('free', m)),
    ).toEqual([5, 1000, 5, 3, 60]);
    expect(book.limitOf('enterprise', 'ai_cost_usd')).toBeNull();
    expect(book.plan('platinum').id).toBe('free');
    expect(book.rank('starter')).toBeGreaterThan(book.rank('free'));
  });
});
