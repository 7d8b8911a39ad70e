import { expect, test, type Page } from '@playwright/test';

const PASSWORD = 'a calm and long passphrase';
const SECRET = 'sk_live_4eC39HqLyjWDarjtT1zdp7dcQx9Qa';
const XSS_NAME = '<img src=x onerror="window.__xss=1">';

async function registerOwner(page: Page) {
  const email = `security-${Date.now()}-${Math.floor(Math.random() * 1e6)}@example.com`;
  await page.goto('/register');
  await page.getByTestId('register-organization-input').fill('Acme Robotics');
  await page.getByLabel('First name').fill('Ada');
  await page.getByLabel('Last name').fill('Lovelace');
  await page.getByTestId('register-email-input').fill(email);
  await page.getByTestId('register-password-input').fill(PASSWORD);
  await page.getByTestId('register-button').click();
  await expect(page).toHaveURL(/\/dashboard$/);
}

async function createCredential(page: Page, name: string, secret: string) {
  await page.getByRole('button', { name: 'New credential' }).first().click();
  const dialog = page.getByRole('dialog', { name: 'New credential' });
  await dialog.getByLabel('Name').fill(name);
  await dialog.getByLabel('API key', { exact: true }).fill(secret);
  await dialog.getByRole('button', { name: 'Save credential' }).click();
  await expect(dialog).toBeHidden();
}

test('credentials, API keys and the audit log through the app shell', async ({ page, context }) => {
  await context.grantPermissions(['clipboard-read', 'clipboard-write']);
  const errors: string[] = [];
  page.on('pageerror', (err) => errors.push(err.message));
  await registerOwner(page);
  const nav = page.getByRole('navigation', { name: 'Main' });
  for (const label of ['Dashboard', 'Workflows', 'Credentials', 'API keys', 'Audit log']) {
    await expect(nav.getByRole('link', { name: label })).toBeVisible();
  }
  await page.screenshot({ path: '/tmp/security-dashboard.png', fullPage: true });

  await nav.getByRole('link', { name: 'Credentials' }).click();
  await expect(page.getByRole('heading', { name: 'Credentials', level: 1 })).toBeVisible();
  await expect(page.getByText('No credentials yet')).toBeVisible();
  await page.screenshot({ path: '/tmp/security-credentials-empty.png', fullPage: true });

  // Validation comes from the contract schema and lands next to the field.
  await page.getByRole('button', { name: 'New credential' }).first().click();
  const dialog = page.getByRole('dialog', { name: 'New credential' });
  await expect(dialog).toHaveAttribute('aria-modal', 'true');
  await dialog.getByRole('button', { name: 'Save credential' }).click();
  await expect(dialog.getByText('Name is required')).toBeVisible();
  await expect(dialog.getByText('API key is required')).toBeVisible();
  await dialog.getByLabel('Type').selectOption('http_basic');
  await expect(dialog.getByLabel('Username')).toBeVisible();
  await dialog.getByLabel('Type').selectOption('api_key');
  await page.screenshot({ path: '/tmp/security-credential-dialog.png' });
  await page.keyboard.press('Escape');
  await expect(dialog).toBeHidden();

  await createCredential(page, 'Stripe production', SECRET);
  const row = page.getByRole('row', { name: /Stripe production/ });
  await expect(row).toContainText('sk_…x9Qa');
  expect(await page.content()).not.toContain(SECRET);
  await page.screenshot({ path: '/tmp/security-credentials.png', fullPage: true });

  await nav.getByRole('link', { name: 'API keys' }).click();
  await expect(page.getByRole('heading', { name: 'API keys', level: 1 })).toBeVisible();
  await page.getByRole('button', { name: 'New API key' }).first().click();
  const keyDialog = page.getByRole('dialog', { name: 'New API key' });
  await keyDialog.getByLabel('Name').fill('Zapier production');
  await keyDialog.getByRole('button', { name: 'Create key' }).click();
  await expect(keyDialog.getByText('Choose at least one scope')).toBeVisible();
  await keyDialog.getByRole('checkbox', { name: /workflows:read/ }).check();
  await keyDialog.getByRole('checkbox', { name: /workflows:execute/ }).check();
  await page.screenshot({ path: '/tmp/security-api-key-dialog.png' });
  await keyDialog.getByRole('button', { name: 'Create key' }).click();

  const created = page.getByRole('dialog', { name: 'Copy your new API key' });
  await expect(created.getByText('This is the only time the key is shown')).toBeVisible();
  const key = await created.getByTestId('created-api-key').inputValue();
  expect(key.length).toBeGreaterThan(20);
  await created.getByRole('button', { name: 'Copy' }).click();
  await expect(created.getByText('Copied to the clipboard.')).toBeVisible();
  expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(key);
  await page.screenshot({ path: '/tmp/security-api-key-created.png' });
  await created.getByRole('button', { name: 'I have stored the key' }).click();
  await expect(created).toBeHidden();
  expect(await page.content()).not.toContain(key);
  const keyRow = page.getByRole('row', { name: /Zapier production/ });
  await expect(keyRow).toContainText('Active');
  await page.screenshot({ path: '/tmp/security-api-keys.png', fullPage: true });

  await keyRow.getByRole('button', { name: 'Revoke Zapier production' }).click();
  const confirm = page.getByRole('alertdialog', { name: 'Revoke API key?' });
  await expect(confirm.getByRole('button', { name: 'Cancel' })).toBeFocused();
  await confirm.getByRole('button', { name: 'Revoke key' }).click();
  await expect(confirm).toBeHidden();
  await expect(keyRow).toContainText('Revoked');
  await expect(keyRow.getByRole('button', { name: /Revoke/ })).toHaveCount(0);

  await nav.getByRole('link', { name: 'Audit log' }).click();
  await expect(page.getByRole('heading', { name: 'Audit log', level: 1 })).toBeVisible();
  const log = page.getByRole('table', { name: 'Audit log' });
  await expect(log.getByRole('row', { name: /credential\.created/ })).toContainText('Stripe production');
  await expect(log.getByRole('row', { name: /api_key\.created/ })).toContainText('Ada Lovelace');
  await expect(log.getByRole('row', { name: /api_key\.revoked/ })).toBeVisible();
  await page.screenshot({ path: '/tmp/security-audit-log.png', fullPage: true });

  await page.getByLabel('Filter by action').selectOption('credential.created');
  await expect(page).toHaveURL(/action=credential\.created/);
  await expect(log.getByRole('row', { name: /api_key\.created/ })).toHaveCount(0);
  await expect(log.getByRole('row', { name: /credential\.created/ })).toHaveCount(1);
  expect(errors).toEqual([]);
});

test('a credential name is rendered as text, never as markup', async ({ page }) => {
  await registerOwner(page);
  await page.goto('/credentials');

  await createCredential(page, XSS_NAME, 'a-long-enough-secret-value');

  await expect(page.getByRole('rowheader', { name: XSS_NAME })).toBeVisible();
  await expect(page.locator('img[src="x"]')).toHaveCount(0);
  expect(await page.evaluate(() => Reflect.get(window, '__xss'))).toBeUndefined();

  await page.getByRole('button', { name: `Delete ${XSS_NAME}` }).click();
  const confirm = page.getByRole('alertdialog', { name: 'Delete credential?' });
  await expect(confirm).toContainText(XSS_NAME);
  await confirm.getByRole('button', { name: 'Delete credential' }).click();
  await expect(page.getByText('No credentials yet')).toBeVisible();
  expect(await page.evaluate(() => Reflect.get(window, '__xss'))).toBeUndefined();
});

test('dark theme follows the operating system', async ({ page }) => {
  await page.emulateMedia({ colorScheme: 'dark' });
  await registerOwner(page);
  await page.goto('/credentials');
  await createCredential(page, 'GitHub token', 'ghp_abcdefghijklmnopqrstuvwxyz0123');
  await page.screenshot({ path: '/tmp/security-credentials-dark.png', fullPage: true });

  const background = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
  expect(background).toBe('rgb(15, 17, 23)');
});
