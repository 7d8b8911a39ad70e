import AxeBuilder from '@axe-core/playwright';
import { expect, type Page } from '@playwright/test';

/** Serious or critical axe findings (WCAG 2.1 A/AA) on the page as it is (after checking axe really ran). */
export async function blockingAxeFindings(page: Page): Promise<string[]> {
  const results = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
  expect(results.passes.length).toBeGreaterThan(10);
  return results.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.impact} ${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`);
}

/** A manual trigger followed by one node, in the stored graph format. */
export function twoNodes(second: { id: string; type: string; config: Record<string, unknown> }) {
  return {
    version: 1,
    nodes: [
      { id: 'start', type: 'trigger.manual', position: { x: 0, y: 80 }, data: { config: {} } },
      { id: second.id, type: second.type, position: { x: 280, y: 80 }, data: { config: second.config } },
    ],
    edges: [{ id: 'e0', source: 'start', target: second.id }],
  };
}

/**
 * Opens a path inside the app without reloading it, as a link would: a fresh page load spends a
 * session refresh, and those count against the per-IP limit the whole suite shares.
 */
export async function navigateInApp(page: Page, path: string): Promise<void> {
  await page.evaluate((to) => {
    window.history.pushState(null, '', to);
    window.dispatchEvent(new PopStateEvent('popstate'));
  }, path);
}
