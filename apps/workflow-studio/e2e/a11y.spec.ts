import AxeBuilder from '@axe-core/playwright';
import { expect, test, type Page } from '@playwright/test';

const PASSWORD = 'a calm and long passphrase';
const SHOTS = process.env.E2E_SCREENSHOT_DIR ?? 'test-results';
const BLOCKING = new Set(['serious', 'critical']);

/** Runs axe (WCAG 2.1 A/AA) on the page as it is and fails softly on serious or critical findings. */
async function checkPage(page: Page, name: string) {
  await page.screenshot({ path: `${SHOTS}/a11y-${name}.png`, fullPage: true });
  const results = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
  const blocking = results.violations
    .filter((v) => BLOCKING.has(v.impact ?? ''))
    .map((v) => `${v.impact} ${v.id}: ${v.help}\n    ${v.nodes.map((n) => n.target.join(' ')).join('\n    ')}`);
  // Proof that axe ran its rules on this page, not on an empty document.
  expect(results.passes.length, `axe rules passed on ${name}`).toBeGreaterThan(10);
  expect.soft(blocking, `axe on ${name}`).toEqual([]);
}

// One page for the whole file: sign-in routes are rate limited per IP, and every fresh page load
// spends one on the session refresh, so the signed-in pages are reached through the navigation.
test.describe.configure({ mode: 'serial' });

test('no serious or critical axe violations on the main pages', async ({ page }) => {
  test.setTimeout(120_000);
  const errors: string[] = [];
  page.on('pageerror', (err) => errors.push(err.message));
  await page.goto('/login');
  await expect(page.getByTestId('login-button')).toBeVisible();
  await checkPage(page, 'login');

  await page.goto('/register');
  await expect(page.getByTestId('register-button')).toBeVisible();
  await checkPage(page, 'register');

  const email = `a11y-${Date.now()}-${Math.floor(Math.random() * 1e6)}@example.com`;
  await page.getByTestId('register-organization-input').fill('Acme Robotics');
  await page.getByLabel('First name').fill('Ada');
  await page.getByLabel('Last name').fill('Lovelace');
  await page.getByTestId('register-email-input').fill(email);
  await page.getByTestId('register-password-input').fill(PASSWORD);
  await page.getByTestId('register-button').click();
  await expect(page).toHaveURL(/\/dashboard$/);
  await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
  await checkPage(page, 'dashboard');

  const nav = page.getByRole('navigation', { name: 'Main' });
  const visit = async (label: string, name: string, ready: () => Promise<void>) => {
    await nav.getByRole('link', { name: label, exact: true }).click();
    await ready();
    await checkPage(page, name);
  };
  const heading = (text: string) => async () => {
    await expect(page.getByRole('heading', { name: text, level: 1 })).toBeVisible();
    await expect(page.getByRole('status', { name: /Loading/ })).toHaveCount(0);
  };

  await visit('Workflows', 'workflows', heading('Workflows'));
  await page.getByTestId('create-workflow-button').first().click();
  await checkPage(page, 'create-workflow-dialog');
  await page.getByTestId('workflow-name-input').fill('Accessible workflow');
  await page.getByTestId('save-workflow-button').click();
  await expect(page).toHaveURL(/\/workflows\/[0-9a-f-]{36}$/);
  await expect(page.getByTestId('canvas-drop-zone')).toBeVisible();
  await checkPage(page, 'editor');
  await page.getByTestId('trigger.manual-node').focus();
  await page.keyboard.press('Enter');
  await page.getByTestId('text-node').focus();
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('node-connections')).toBeVisible();
  await checkPage(page, 'editor-inspector');
  await page.getByTestId('node-config-input').fill('Hello axe');
  await page.getByTestId('save-workflow-button').click();
  await expect(page.getByTestId('save-state')).toHaveText('All changes saved');
  await page.getByTestId('execute-workflow-button').click();
  await expect(page.getByTestId('execution-completed')).toBeVisible({ timeout: 30_000 });
  await checkPage(page, 'editor-run');

  await visit('Executions', 'executions', heading('Executions'));
  await page.getByTestId('execution-link').first().click();
  await expect(page.getByTestId('execution-detail')).toBeVisible();
  await expect(page.getByTestId('execution-graph').locator('.wf-node')).toHaveCount(2);
  await checkPage(page, 'execution-detail');
  await visit('Credentials', 'credentials', heading('Credentials'));
  await visit('API keys', 'api-keys', heading('API keys'));
  await visit('Audit log', 'audit-log', heading('Audit log'));
  await visit('AI', 'ai-providers', heading('AI providers'));
  await page.goto('/ai/models');
  await heading('Model catalog')();
  await checkPage(page, 'ai-models');
  await page.goto('/ai/usage');
  await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
  await checkPage(page, 'ai-usage');
  await visit('Members', 'members', async () => {
    await expect(page.getByTestId('members-page')).toBeVisible();
    await expect(page.getByTestId('member-row')).toHaveCount(1);
  });
  await page.getByTestId('invite-member-button').click();
  await checkPage(page, 'invite-dialog');
  await page.keyboard.press('Escape');
  await visit('Organization', 'organization', heading('Organization'));
  expect(errors).toEqual([]);
});

test('no serious or critical axe violations in the dark theme', async ({ page }) => {
  test.setTimeout(90_000);
  await page.emulateMedia({ colorScheme: 'dark' });
  await page.goto('/login');
  await expect(page.getByTestId('login-button')).toBeVisible();
  await checkPage(page, 'dark-login');

  await page.goto('/register');
  const email = `a11y-dark-${Date.now()}-${Math.floor(Math.random() * 1e6)}@example.com`;
  await page.getByTestId('register-organization-input').fill('Acme Robotics');
  await page.getByTestId('register-email-input').fill(email);
  await page.getByTestId('register-password-input').fill(PASSWORD);
  await page.getByTestId('register-button').click();
  await expect(page).toHaveURL(/\/dashboard$/);
  await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
  await checkPage(page, 'dark-dashboard');

  const nav = page.getByRole('navigation', { name: 'Main' });
  await nav.getByRole('link', { name: 'Workflows', exact: true }).click();
  await page.getByTestId('create-workflow-button').first().click();
  await page.getByTestId('workflow-name-input').fill('Dark workflow');
  await page.getByTestId('save-workflow-button').click();
  await expect(page.getByTestId('canvas-drop-zone')).toBeVisible();
  await page.getByTestId('text-node').focus();
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('node-inspector')).toBeVisible();
  await checkPage(page, 'dark-editor');
  await page.getByTestId('save-workflow-button').click();
  await expect(page.getByTestId('save-state')).toHaveText('All changes saved');

  await nav.getByRole('link', { name: 'Members', exact: true }).click();
  await expect(page.getByTestId('member-row')).toHaveCount(1);
  await checkPage(page, 'dark-members');
});
