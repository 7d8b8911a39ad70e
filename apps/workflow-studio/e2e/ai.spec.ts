import { expect, test, type Page } from '@playwright/test';

const PASSWORD = 'a calm and long passphrase';
const SHOTS = process.env.E2E_SCREENSHOT_DIR ?? 'test-results';

async function registerOwner(page: Page) {
  const email = `ai-${Date.now()}-${Math.floor(Math.random() * 1e6)}@example.com`;
  await page.goto('/register');
  await page.getByTestId('register-organization-input').fill('Acme Robotics');
  await page.getByLabel('First name').fill('Ada');
  await page.getByLabel('Last name').fill('Lovelace');
  await page.getByTestId('register-email-input').fill(email);
  await page.getByTestId('register-password-input').fill(PASSWORD);
  await page.getByTestId('register-button').click();
  await expect(page).toHaveURL(/\/dashboard$/);
}

// One owner and one page for the whole file, in order: sign-in routes are rate limited per IP, and
// the dashboard test reads the usage the workflow run produced.
test.describe.configure({ mode: 'serial' });
let page: Page;
const errors: string[] = [];

test.beforeAll(async ({ browser }) => {
  page = await browser.newPage();
  page.on('pageerror', (err) => errors.push(err.message));
  await registerOwner(page);
});

test.afterAll(async () => {
  await page.context().close();
});

test.afterEach(() => {
  expect(errors).toEqual([]);
});

test('the providers page lists every provider, with the local one configured and reachable', async () => {
  await page.getByTestId('ai-nav').click();
  await expect(page).toHaveURL(/\/ai\/providers$/);
  await expect(page.getByRole('heading', { name: 'AI providers', level: 1 })).toBeVisible();
  const rows = page.getByTestId('ai-providers-page').locator('[data-testid^="provider-row-"]');
  await expect(rows.first()).toBeVisible();
  expect(await rows.count()).toBeGreaterThanOrEqual(25);

  const local = page.getByTestId('provider-row-local');
  await expect(local).toContainText('Configured');
  await expect(local).toContainText('Local');
  await expect(page.getByTestId('provider-add-key-local')).toHaveCount(0);
  await page.getByTestId('provider-test-local').click();
  const result = page.getByTestId('provider-test-result');
  await expect(result).toHaveAttribute('data-ok', 'true', { timeout: 15_000 });
  await expect(result).toContainText(/connected/);
  await expect(result).toContainText(/\d+ ms/);
  await page.screenshot({ path: `${SHOTS}/ai-providers.png`, fullPage: true });
});

test('a provider key is added through the dialog and removed again', async () => {
  const row = page.getByTestId('provider-row-openai');
  await expect(row).toContainText('Not configured');
  await page.getByTestId('provider-add-key-openai').click();
  const dialog = page.getByRole('dialog', { name: 'Add a key for OpenAI' });
  await dialog.getByTestId('provider-base-url-input').fill('not a url');
  await dialog.getByRole('button', { name: 'Save key' }).click();
  await expect(dialog.getByText('API key is required')).toBeVisible();
  await expect(dialog.getByText('Use an http(s) URL')).toBeVisible();
  await page.screenshot({ path: `${SHOTS}/ai-provider-key-dialog.png` });
  await dialog.getByTestId('provider-base-url-input').fill('');
  await dialog.getByLabel('API key').fill('sk-test-not-a-real-key-1234');
  await dialog.getByRole('button', { name: 'Save key' }).click();
  await expect(dialog).toBeHidden();
  await expect(row).toContainText('Configured');
  await expect(row).not.toContainText('Not configured');

  // The key is a vault credential like any other.
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Credentials' }).click();
  await expect(page.getByRole('heading', { name: 'Credentials', level: 1 })).toBeVisible();
  await expect(page.getByRole('row', { name: /OpenAI API key/ })).toContainText('sk-…1234');

  await page.getByTestId('ai-nav').click();
  await page.getByTestId('provider-remove-key-openai').click();
  await page.getByTestId('provider-remove-key-confirm').click();
  await expect(page.getByTestId('provider-row-openai')).toContainText('Not configured');
});

test('the model catalog shows prices per million tokens and filters by capability and availability', async () => {
  await page.getByRole('navigation', { name: 'AI sections' }).getByRole('link', { name: 'Model catalog' }).click();
  await expect(page).toHaveURL(/\/ai\/models$/);
  const catalog = page.getByTestId('ai-models-page');
  const rows = catalog.getByTestId('model-row');
  await expect(rows.first()).toBeVisible();
  expect(await rows.count()).toBeGreaterThan(10);
  await expect(rows.first().getByTestId('model-input-price')).toHaveText(/^\$\d/);
  await expect(rows.first().getByTestId('model-output-price')).toHaveText(/^\$\d/);
  await expect(catalog.getByRole('columnheader', { name: /Input/ })).toContainText('/ 1M');
  await page.screenshot({ path: `${SHOTS}/ai-models.png`, fullPage: true });

  await catalog.getByTestId('model-available-filter').check();
  await expect(rows.first()).toContainText('Available');
  for (const text of await rows.allTextContents()) expect(text).toContain('Available');
  await expect(catalog.getByRole('rowheader', { name: /local\// }).first()).toBeVisible();

  await catalog.getByTestId('model-available-filter').uncheck();
  await catalog.getByLabel('Capability').selectOption('vision');
  await expect(rows.first()).toBeVisible();
  for (const text of await rows.allTextContents()) expect(text).toContain('Vision');
});

test('an AI node set to auto:cheapest runs, and the run shows its model, tokens and cost', async () => {
  await page.getByTestId('workflows-nav').click();
  await page.getByTestId('create-workflow-button').first().click();
  await page.getByTestId('workflow-name-input').fill('Summarize feedback');
  await page.getByTestId('save-workflow-button').click();
  await expect(page).toHaveURL(/\/workflows\/[0-9a-f-]{36}$/);

  await page.dragAndDrop('[data-testid="node-palette"] [data-testid="ai.generate-node"]', '[data-testid="canvas-drop-zone"]');
  await page
    .getByTestId('node-config-input')
    .fill(
      'Summarize this review: The delivery was fast and the robot arm works well, but the manual is confusing and the setup took hours.',
    );
  const picker = page.getByTestId('ai-model-picker');
  await expect(picker).toHaveValue('auto');
  await expect(picker.locator('option[value="auto:cheapest"]')).toHaveCount(1);
  // Catalog models are grouped by provider; models without a configured provider cannot be picked.
  await expect(picker.locator('option[value^="local/"]').first()).toBeEnabled();
  await expect(picker.locator('option[disabled]').first()).toBeAttached();
  await picker.selectOption('auto:best');
  await expect(page.getByTestId('ai-max-price')).toBeVisible();
  await picker.selectOption('auto:cheapest');
  await expect(page.getByTestId('ai-max-price')).toHaveCount(0);
  await page.getByTestId('ai-fallback-select').selectOption('auto:fastest');
  await page.getByTestId('ai-fallback-add').click();
  await expect(page.getByTestId('ai-fallbacks').getByRole('listitem')).toHaveCount(1);
  await page.screenshot({ path: `${SHOTS}/ai-node-model-picker.png` });

  await page.getByTestId('save-workflow-button').click();
  await expect(page.getByTestId('save-state')).toHaveText('All changes saved');
  await page.getByTestId('execute-workflow-button').click();
  await expect(page.getByTestId('execution-completed')).toBeVisible({ timeout: 30_000 });

  const step = page.getByTestId('step-ai');
  await expect(step.getByTestId('step-ai-model')).toHaveText(/^[a-z0-9-]+\/.+/);
  await expect(step.getByTestId('step-ai-tokens')).toHaveText(/^[\d,]+ in \/ [\d,]+ out tokens$/);
  await expect(step.getByTestId('step-ai-cost')).toHaveText(/^\$\d/);
  await step.getByText(/^1 call/).click();
  await expect(step.getByTestId('step-ai-attempts').getByRole('listitem')).toHaveCount(1);
  await expect(step.getByTestId('step-ai-attempts')).toContainText('OK');
  await expect(page.getByTestId('execution-ai-cost')).toContainText('tokens');
  await page.screenshot({ path: `${SHOTS}/ai-run-step.png` });

  // The choice is saved with the workflow.
  await page.reload();
  await page.getByTestId('canvas-node-ai-generate-1').click();
  await expect(page.getByTestId('ai-model-picker')).toHaveValue('auto:cheapest');
});

test('the owner sets a monthly budget, and the dashboard shows usage against it', async () => {
  await page.getByTestId('ai-nav').click();
  await page.getByRole('navigation', { name: 'AI sections' }).getByRole('link', { name: 'Usage & budget' }).click();
  await expect(page).toHaveURL(/\/ai\/usage$/);
  await page.getByTestId('ai-budget-input').fill('abc');
  await page.getByTestId('ai-budget-save').click();
  await expect(page.getByText('Use a decimal amount such as 12.50')).toBeVisible();
  // An override can only lower the plan's limit.
  await page.getByTestId('ai-budget-input').fill('999999');
  await page.getByTestId('ai-budget-save').click();
  await expect(page.getByText(/Your plan allows at most \$[\d.,]+ a month/)).toBeVisible();
  await page.getByTestId('ai-budget-input').fill('2.50');
  await page.getByTestId('ai-budget-save').click();
  await expect(page.getByText('The monthly limit is saved.')).toBeVisible();
  await expect(page.getByTestId('ai-budget').getByRole('progressbar')).toBeVisible();
  await expect(page.getByTestId('budget-spent')).toContainText('of $2.50');
  await page.getByLabel('Group by').selectOption('model');
  await expect(page.getByTestId('ai-usage-report').getByRole('table')).toContainText('/');
  await page.screenshot({ path: `${SHOTS}/ai-usage.png`, fullPage: true });

  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Dashboard' }).click();
  const card = page.getByTestId('ai-usage-card');
  await expect(card).toBeVisible();
  await expect(card.getByRole('progressbar', { name: 'Organization AI budget used' })).toBeVisible();
  await expect(card.getByRole('list', { name: 'Top models by cost' }).getByRole('listitem').first()).toBeVisible();
  await page.screenshot({ path: `${SHOTS}/ai-dashboard.png`, fullPage: true });
});
