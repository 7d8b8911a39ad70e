import { expect, test, type APIRequestContext } from '@playwright/test';
import { blockingAxeFindings } from './support';

const PASSWORD = 'a calm and long passphrase';
const SHOTS = process.env.E2E_SCREENSHOT_DIR ?? 'test-results';
/** Granted platform administration by scripts/e2e-server.mjs (PLATFORM_ADMIN_EMAILS). */
const PLATFORM_ADMIN = 'e2e-platform-admin@example.com';

const uniqueEmail = (label: string) => `${label}-${Date.now()}-${Math.floor(Math.random() * 1e6)}@example.com`;

/** Registers through the API; the context gets the refresh cookie, so the page is signed in. */
async function register(request: APIRequestContext, organizationName: string, email = uniqueEmail('billing')) {
  const res = await request.post('/api/auth/register', {
    data: { organizationName, email, password: PASSWORD, firstName: 'Ada' },
  });
  expect(res.status(), await res.text()).toBe(201);
  const body = (await res.json()) as { token: string; user: { organizationId: string } };
  return { email, token: body.token, organizationId: body.user.organizationId };
}

const graph = { nodes: [{ id: 't', type: 'text', position: { x: 0, y: 0 }, data: { config: { text: 'hi' } } }], edges: [] };

test.describe('subscription limits', () => {
  test('should respect subscription limits', async ({ page }) => {
    const errors: string[] = [];
    page.on('pageerror', (err) => errors.push(err.message));
    // A Free organization with its 5 active workflows in use.
    const owner = await register(page.request, 'Limited Workflows Inc');
    const headers = { authorization: `Bearer ${owner.token}` };
    for (let i = 1; i <= 5; i++) {
      const created = await page.request.post('/api/workflows', { headers, data: { name: `Flow ${i}`, canvasData: graph } });
      expect(created.status()).toBe(201);
    }
    await page.goto('/dashboard');
    await expect(page.getByTestId('usage-meter-active_workflows')).toContainText('5 of 5');

    await page.click('[data-testid="workflows-nav"]');
    await page.click('[data-testid="create-workflow-button"]');

    const prompt = page.locator('[data-testid="upgrade-prompt"]');
    await expect(prompt).toBeVisible();
    await expect(prompt).toContainText('Active workflows: 5 of 5 on the Free plan.');
    await expect(prompt.getByTestId('plan-comparison')).toContainText('Professional');
    await page.screenshot({ path: `${SHOTS}/upgrade-prompt.png`, fullPage: true });
    expect(await blockingAxeFindings(page)).toEqual([]);

    // The API refuses it the same way when the studio did not know yet: the dialog hands over to the prompt.
    await page.getByRole('button', { name: 'Not now' }).click();
    await expect(prompt).toBeHidden();
    await page.request.put(`/api/workflows/${await firstWorkflowId(page.request, owner.token)}`, {
      headers,
      data: { isActive: false },
    });
    await page.reload();
    await page.click('[data-testid="create-workflow-button"]');
    await expect(page.getByRole('dialog', { name: 'New workflow' })).toBeVisible();
    await page.request.post('/api/workflows', { headers, data: { name: 'Sneaky', canvasData: graph } });
    await page.getByTestId('workflow-name-input').fill('One too many');
    await page.getByTestId('save-workflow-button').click();
    await expect(prompt).toBeVisible();
    await expect(prompt).toContainText('5 of 5');
    expect(errors).toEqual([]);
  });

  test('the billing page shows the plan, usage meters and the plan comparison', async ({ page }) => {
    const errors: string[] = [];
    page.on('pageerror', (err) => errors.push(err.message));
    await register(page.request, 'Billing Page Ltd');
    await page.goto('/dashboard');

    await page.getByTestId('billing-nav').click();
    await expect(page).toHaveURL(/\/settings\/billing$/);
    const billing = page.getByTestId('billing-page');
    await expect(billing).toBeVisible();
    await expect(page.getByTestId('billing-plan')).toHaveText('Free');
    await expect(page.getByTestId('billing-status')).toHaveText('Active');
    await expect(page.getByTestId('usage-meter-members')).toContainText('1 of 3');
    await expect(page.getByTestId('usage-meter-executions')).toContainText('0 of 1,000');
    await expect(page.getByTestId('plan-comparison')).toContainText('$29.00 / month');
    await page.getByLabel('Billing cycle').selectOption('yearly');
    await expect(page.getByTestId('plan-comparison')).toContainText('$290.00 / year');
    await page.screenshot({ path: `${SHOTS}/billing.png`, fullPage: true });
    expect(await blockingAxeFindings(page)).toEqual([]);
    expect(errors).toEqual([]);
  });
});

test('any refusal by a plan limit offers the upgrade: an invite beyond the seats', async ({ page }) => {
  const errors: string[] = [];
  page.on('pageerror', (err) => errors.push(err.message));
  const owner = await register(page.request, 'Full House LLC');
  const headers = { authorization: `Bearer ${owner.token}` };
  for (const email of [uniqueEmail('seat'), uniqueEmail('seat')]) {
    const invited = await page.request.post('/api/invites', { headers, data: { email, role: 'viewer' } });
    expect(invited.status()).toBe(201);
  }
  await page.goto('/settings/members');

  await page.getByTestId('invite-member-button').click();
  const dialog = page.getByRole('dialog', { name: 'Invite a member' });
  await dialog.getByLabel('Email').fill(uniqueEmail('fourth'));
  await dialog.getByRole('button', { name: 'Send invitation' }).click();

  const prompt = page.getByTestId('upgrade-prompt');
  await expect(prompt).toBeVisible();
  await expect(prompt).toContainText('Members: 3 of 3 on the Free plan.');
  await expect(page.getByRole('dialog', { name: 'Upgrade your plan' })).toContainText('add more members');
  expect(errors).toEqual([]);
});

async function firstWorkflowId(request: APIRequestContext, token: string): Promise<string> {
  const res = await request.get('/api/workflows', { headers: { authorization: `Bearer ${token}` } });
  return ((await res.json()) as { items: { id: string }[] }).items[0]?.id ?? '';
}

test('platform administrators change plans, suspend and reactivate organizations, and find users', async ({ browser }) => {
  const errors: string[] = [];
  const target = await browser.newContext();
  const customer = await register(target.request, `Customer ${Date.now()}`);
  const context = await browser.newContext();
  const page = await context.newPage();
  page.on('pageerror', (err) => errors.push(err.message));
  const existing = await page.request.post('/api/auth/login', { data: { email: PLATFORM_ADMIN, password: PASSWORD } });
  if (existing.status() !== 200) await register(page.request, 'Platform Operators', PLATFORM_ADMIN);
  await page.goto('/dashboard');

  await page.getByTestId('admin-nav').click();
  await expect(page).toHaveURL(/\/admin$/);
  await page.getByTestId('admin-org-search').fill(customer.organizationId);
  const row = page.getByTestId(`admin-org-${customer.organizationId}`);
  await expect(row).toContainText('Free');
  await expect(row).toContainText('active');
  await page.screenshot({ path: `${SHOTS}/admin.png`, fullPage: true });
  expect(await blockingAxeFindings(page)).toEqual([]);

  await page.getByTestId(`admin-manage-${customer.organizationId}`).click();
  const dialog = page.getByTestId('admin-manage-dialog');
  await dialog.getByLabel('Plan', { exact: true }).selectOption('professional');
  await dialog.getByTestId('admin-change-plan').click();
  await expect(dialog).toContainText('Plan updated.');
  await dialog.getByTestId('admin-suspend-reason').fill('Unpaid invoices');
  await dialog.getByTestId('admin-suspend').click();
  await expect(dialog).toContainText('Organization suspended.');
  await page.screenshot({ path: `${SHOTS}/admin-manage.png` });

  const refused = await target.request.get('/api/workflows', { headers: { authorization: `Bearer ${customer.token}` } });
  expect(refused.status()).toBe(403);
  expect(((await refused.json()) as { error: string }).error).toContain('This organization is suspended: Unpaid invoices');

  await dialog.getByTestId('admin-reactivate').click();
  await expect(dialog).toContainText('Organization reactivated.');
  await page.getByRole('button', { name: 'Done' }).click();
  await expect(row).toContainText('Professional');
  const allowed = await target.request.get('/api/workflows', { headers: { authorization: `Bearer ${customer.token}` } });
  expect(allowed.status()).toBe(200);

  await page.getByTestId('admin-user-search').fill(customer.email);
  await expect(page.getByTestId('admin-console')).toContainText(customer.email);
  expect(errors).toEqual([]);
  await target.close();
  await context.close();
});
