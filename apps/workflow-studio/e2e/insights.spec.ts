import { expect, test, type Page } from '@playwright/test';
import { blockingAxeFindings, twoNodes, navigateInApp } from './support';

const PASSWORD = 'a calm and long passphrase';
const SHOTS = process.env.E2E_SCREENSHOT_DIR ?? 'test-results';

// One owner and one page for the whole file, in order: sign-in routes are rate limited per IP.
test.describe.configure({ mode: 'serial' });
let page: Page;
let token = '';
let failingWorkflowId = '';
const errors: string[] = [];

const go = (path: string) => navigateInApp(page, path);

async function createWorkflow(name: string, second: Parameters<typeof twoNodes>[0]): Promise<string> {
  const created = await page.request.post('/api/workflows', {
    headers: { authorization: `Bearer ${token}` },
    data: { name, canvasData: twoNodes(second) },
  });
  expect(created.status(), await created.text()).toBe(201);
  return ((await created.json()) as { id: string }).id;
}

async function run(workflowId: string): Promise<string> {
  const res = await page.request.post(`/api/workflows/${workflowId}/execute?wait=15`, {
    headers: { authorization: `Bearer ${token}` },
    data: { input: {} },
  });
  expect(res.ok(), await res.text()).toBe(true);
  return ((await res.json()) as { status: string }).status;
}

test.beforeAll(async ({ browser }) => {
  page = await (await browser.newContext()).newPage();
  page.on('pageerror', (err) => errors.push(err.message));
  const email = `insights-${Date.now()}-${Math.floor(Math.random() * 1e6)}@example.com`;
  const registered = await page.request.post('/api/auth/register', {
    data: { organizationName: 'Acme Insights', email, password: PASSWORD, firstName: 'Grace' },
  });
  expect(registered.status(), await registered.text()).toBe(201);
  token = ((await registered.json()) as { token: string }).token;
  // A call to an internal address fails (the SSRF guard) the same way whatever the path.
  failingWorkflowId = await createWorkflow('Sync orders', {
    id: 'fetch',
    type: 'http.request',
    config: { method: 'GET', url: 'http://127.0.0.1:9/orders/{{ $trigger.id }}' },
  });
  const okWorkflow = await createWorkflow('Say hello', { id: 'say', type: 'text', config: { text: 'hello' } });
  expect(await run(failingWorkflowId)).toBe('failed');
  expect(await run(failingWorkflowId)).toBe('failed');
  expect(await run(okWorkflow)).toBe('succeeded');
  await page.goto('/dashboard');
});

test.afterAll(async () => {
  await page.context().close();
});

test.afterEach(() => {
  expect(errors).toEqual([]);
});

test('the analytics dashboard charts runs, requests and AI use, and drills down to failed runs', async () => {
  await page.getByTestId('analytics-nav').click();

  await expect(page.getByRole('heading', { name: 'Analytics', level: 1 })).toBeVisible();
  await expect(page.getByTestId('stat-executions')).toContainText('3');
  await expect(page.getByTestId('stat-success-rate')).toContainText('33.3%');
  await expect(page.getByTestId('analytics-executions').locator('.recharts-wrapper')).toBeVisible();
  await expect(page.getByTestId('analytics-requests').locator('.recharts-wrapper')).toBeVisible();
  await expect(page.getByRole('table', { name: 'Failing nodes' })).toContainText('fetch');
  await page.getByTestId('analytics-range').selectOption('7d');
  await expect(page).toHaveURL(/range=7d/);
  await expect(page.getByTestId('stat-executions')).toContainText('3');
  expect(await blockingAxeFindings(page)).toEqual([]);
  await page.screenshot({ path: `${SHOTS}/analytics-dashboard.png`, fullPage: true });

  await page.getByTestId('drill-failed-runs').first().click();

  await expect(page).toHaveURL(new RegExp(`/executions\\?workflowId=${failingWorkflowId}&status=failed`));
  await expect(page.getByRole('heading', { name: 'Executions', level: 1 })).toBeVisible();
});

test('the Error-IQ inbox groups the two failures, explains them, and resolve/regression work', async () => {
  await go('/errors');

  const rows = page.getByTestId('error-group-row');
  await expect(rows).toHaveCount(1);
  await expect(rows.first()).toContainText('http.request');
  await expect(rows.first()).toContainText('2');
  await expect(rows.first().locator('svg.sparkline')).toBeVisible();
  expect(await blockingAxeFindings(page)).toEqual([]);
  await page.screenshot({ path: `${SHOTS}/errors-inbox.png`, fullPage: true });

  await rows.first().getByTestId('error-group-link').click();
  await expect(page.getByTestId('occurrence-row')).toHaveCount(2);
  await expect(page.getByTestId('occurrence-execution-link').first()).toHaveAttribute('href', /\/executions\//);
  await page.getByRole('button', { name: 'Explain' }).click();
  await expect(page.getByTestId('error-explanation')).toContainText(/internal/i);
  expect(await blockingAxeFindings(page)).toEqual([]);
  await page.screenshot({ path: `${SHOTS}/error-detail.png`, fullPage: true });

  await page.getByRole('button', { name: 'Resolve' }).click();
  await expect(page.getByRole('button', { name: 'Reopen' })).toBeVisible();
  expect(await run(failingWorkflowId)).toBe('failed');
  await page.reload();

  await expect(page.getByText('Regressed 1×')).toBeVisible();
  await expect(page.getByTestId('occurrence-row')).toHaveCount(3);
  await page.getByTestId('occurrence-execution-link').first().click();
  await expect(page).toHaveURL(/\/executions\/[0-9a-f-]{36}$/);
});

test('an owner sets where alerts go; the webhook URL is never shown again, only its host', async () => {
  await go('/errors');
  await page.getByTestId('alert-settings-toggle').click();
  const form = page.getByTestId('alert-settings');

  await form.getByLabel('Webhook URL').fill('https://hooks.example.com/services/T000?token=secret-hook-token');
  await form.getByLabel('Alert email').fill('oncall@example.com');
  await form.getByLabel('Spike: occurrences within one hour').fill('25');
  await form.getByLabel('An error spikes').uncheck();
  await page.getByTestId('alert-settings-save').click();

  await expect(form.getByText('Alert settings saved.')).toBeVisible();
  await expect(form.getByLabel('Webhook URL')).toHaveAttribute('placeholder', /Saved \(hooks\.example\.com\)/);
  await expect(form.getByLabel('Webhook URL')).toHaveValue('');
  await expect(page.locator('body')).not.toContainText('secret-hook-token');
  expect(await blockingAxeFindings(page)).toEqual([]);
  await page.screenshot({ path: `${SHOTS}/errors-alert-settings.png`, fullPage: true });

  await form.getByLabel('Alert email').fill('not an email');
  await page.getByTestId('alert-settings-save').click();
  await expect(form.getByText(/email/i).first()).toBeVisible();
});
