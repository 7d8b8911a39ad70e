import { expect, test, type Page } from '@playwright/test';
import { blockingAxeFindings, twoNodes, navigateInApp } from './support';

const PASSWORD = 'a calm and long passphrase';
const SHOTS = process.env.E2E_SCREENSHOT_DIR ?? 'test-results';

// One owner and one page for the whole file, in order: sign-in routes are rate limited per IP.
test.describe.configure({ mode: 'serial' });
let page: Page;
let token = '';
const errors: string[] = [];

const go = (path: string) => navigateInApp(page, path);

async function createAndRun(name: string, second: Parameters<typeof twoNodes>[0]): Promise<{ id: string; status: string }> {
  const headers = { authorization: `Bearer ${token}` };
  const created = await page.request.post('/api/workflows', { headers, data: { name, canvasData: twoNodes(second) } });
  expect(created.status(), await created.text()).toBe(201);
  const { id } = (await created.json()) as { id: string };
  const run = await page.request.post(`/api/workflows/${id}/execute?wait=15`, { headers, data: { input: {} } });
  expect(run.ok(), await run.text()).toBe(true);
  return (await run.json()) as { id: string; status: string };
}

test.beforeAll(async ({ browser }) => {
  page = await (await browser.newContext()).newPage();
  page.on('pageerror', (err) => errors.push(err.message));
  // Registering through the API sets the refresh cookie in this context; the page signs in with it.
  const email = `dashboard-${Date.now()}-${Math.floor(Math.random() * 1e6)}@example.com`;
  const registered = await page.request.post('/api/auth/register', {
    data: { organizationName: 'Acme Dashboards', email, password: PASSWORD, firstName: 'Katherine' },
  });
  expect(registered.status(), await registered.text()).toBe(201);
  token = ((await registered.json()) as { token: string }).token;
  await page.goto('/dashboard');
});

test.afterAll(async () => {
  await page.context().close();
});

test.afterEach(() => {
  expect(errors).toEqual([]);
});

test('a new user’s dashboard asks for the first workflow', async () => {
  const empty = page.getByTestId('dashboard-empty');

  await expect(page.getByRole('heading', { name: 'Welcome, Katherine' })).toBeVisible();
  await expect(empty).toBeVisible();
  await expect(empty.getByRole('button', { name: 'Create your first workflow' })).toBeVisible();
  await expect(page.getByTestId('dashboard-recent-executions')).toContainText('No runs yet');
  await expect(page.getByTestId('dashboard-no-failures')).toBeVisible();
  await expect(page.getByTestId('ai-usage-card')).toBeVisible();
  await page.screenshot({ path: `${SHOTS}/dashboard-empty.png`, fullPage: true });
  expect(await blockingAxeFindings(page)).toEqual([]);

  await empty.getByRole('button', { name: 'Create your first workflow' }).click();
  await expect(page.getByRole('dialog')).toBeVisible();
  await page.keyboard.press('Escape');
  await expect(page.getByRole('dialog')).toBeHidden();
});

test('after a successful and a failed run the dashboard lists both and groups the failure', async () => {
  const ok = await createAndRun('Say hello', { id: 'say', type: 'text', config: { text: 'Hello World' } });
  const failed = await createAndRun('Broken fetch', {
    id: 'fetch',
    type: 'http.request',
    config: { method: 'GET', url: 'http://127.0.0.1:9/unreachable', timeoutMs: 2000 },
  });
  expect(ok.status).toBe('succeeded');
  expect(failed.status).toBe('failed');

  // Away and back: the dashboard's queries refetch when it mounts again.
  await go('/workflows');
  await expect(page.getByTestId('workflow-list')).toBeVisible();
  await go('/dashboard');

  const recent = page.getByTestId('dashboard-recent-executions');
  const failures = page.getByTestId('dashboard-failures');
  await expect(page.getByTestId('dashboard-empty')).toHaveCount(0);
  await expect(recent.getByTestId('dashboard-execution-row')).toHaveCount(2);
  await expect(recent.getByTestId('dashboard-execution-row').first()).toContainText('Broken fetch');
  await expect(recent.getByTestId('dashboard-execution-row').first()).toContainText('Failed');
  await expect(recent.getByTestId('dashboard-execution-row').nth(1)).toContainText('Say hello');
  await expect(recent.getByTestId('dashboard-execution-row').nth(1)).toContainText('Succeeded');
  await expect(failures.getByTestId('dashboard-failure-group')).toHaveCount(1);
  await expect(failures.getByTestId('dashboard-failure-group')).toContainText('Broken fetch');
  await expect(failures.getByTestId('dashboard-failure-count')).toHaveText('1 failure');
  await page.screenshot({ path: `${SHOTS}/dashboard-runs.png`, fullPage: true });
  expect(await blockingAxeFindings(page)).toEqual([]);

  await recent.getByRole('link', { name: 'Say hello' }).click();
  await expect(page).toHaveURL(new RegExp(`/executions/${ok.id}$`));
  await page.goBack();
  await failures.getByRole('link', { name: 'Broken fetch' }).click();
  await expect(page).toHaveURL(/\/executions\?/);
  const url = new URL(page.url());
  expect(url.searchParams.get('status')).toBe('failed');
  expect(url.searchParams.get('range')).toBe('24h');
  await expect(page.getByTestId('execution-row')).toHaveCount(1);
});

test('the owner renames the organization, and the new name persists', async () => {
  await go('/settings/organization');

  await expect(page.getByTestId('organization-name')).toHaveText('Acme Dashboards');
  await expect(page.getByTestId('organization-tier')).toHaveText('Free');
  await expect(page.getByTestId('organization-member-count')).toHaveText('1');
  await page.getByTestId('organization-name-input').fill('   ');
  await page.getByTestId('save-organization-button').click();
  await expect(page.getByText('Organization name is required')).toBeVisible();
  await page.getByTestId('organization-name-input').fill('Acme Dashboards International');
  await page.getByTestId('save-organization-button').click();
  await expect(page.getByText('Organization renamed.')).toBeVisible();
  await expect(page.getByTestId('organization-name')).toHaveText('Acme Dashboards International');
  await page.screenshot({ path: `${SHOTS}/organization.png`, fullPage: true });
  expect(await blockingAxeFindings(page)).toEqual([]);

  await page.reload();
  await expect(page.getByTestId('organization-name')).toHaveText('Acme Dashboards International');
  await expect(page.getByTestId('organization-name-input')).toHaveValue('Acme Dashboards International');
});
