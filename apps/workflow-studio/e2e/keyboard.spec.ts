import { expect, test } from '@playwright/test';

const PASSWORD = 'a calm and long passphrase';
const SHOTS = process.env.E2E_SCREENSHOT_DIR ?? 'test-results';

// Every step after sign-in uses only the keyboard: focus moves with Tab or to a named control, and
// actions are Enter, Space, typing and arrow keys. No clicks, no drags.
test('builds, connects, configures, saves and runs a two-node workflow with the keyboard only', async ({ page }) => {
  const errors: string[] = [];
  page.on('pageerror', (err) => errors.push(err.message));
  const email = `keyboard-${Date.now()}-${Math.floor(Math.random() * 1e6)}@example.com`;
  await page.goto('/register');
  await page.getByTestId('register-organization-input').fill('Acme Robotics');
  await page.getByTestId('register-email-input').fill(email);
  await page.getByTestId('register-password-input').fill(PASSWORD);
  await page.getByTestId('register-button').click();
  await expect(page).toHaveURL(/\/dashboard$/);
  // The URL changes before the dashboard replaces the form: a Tab pressed in between lands on the
  // form's next control, which then disappears. Wait for the dashboard itself.
  await expect(page.getByRole('heading', { name: /^Welcome/ })).toBeVisible();

  // The skip link is the first stop, then the main navigation.
  await page.keyboard.press('Tab');
  await expect(page.getByRole('link', { name: 'Skip to content' })).toBeFocused();
  await page.getByTestId('workflows-nav').focus();
  await page.keyboard.press('Enter');
  await expect(page).toHaveURL(/\/workflows$/);

  await page.getByTestId('create-workflow-button').first().focus();
  await page.keyboard.press('Enter');
  await page.getByTestId('workflow-name-input').focus();
  await page.keyboard.type('Keyboard workflow');
  await page.keyboard.press('Enter');
  await expect(page).toHaveURL(/\/workflows\/[0-9a-f-]{36}$/);
  await expect(page.getByTestId('canvas-drop-zone')).toBeVisible();

  // Palette: Enter adds the focused node type and selects the new node.
  await page.getByTestId('trigger.manual-node').focus();
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('node-inspector')).toContainText('Manual trigger');
  await page.getByTestId('text-node').focus();
  await page.keyboard.press('Space');
  await expect(page.getByTestId('node-inspector')).toContainText('Text');
  await expect(page.locator('.react-flow__node')).toHaveCount(2);

  // Configure the selected Text node.
  await page.getByTestId('node-config-input').focus();
  await page.keyboard.type('Hello from the keyboard');

  // Select the trigger on the canvas (nodes are focusable; Enter selects) and connect it.
  const trigger = page.locator('.react-flow__node-trigger\\.manual');
  await trigger.focus();
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('node-inspector')).toContainText('Manual trigger');
  const target = page.getByTestId('connect-target-select');
  await target.focus();
  await expect(target.locator('option')).toHaveCount(1);
  await page.getByTestId('connect-node-button').focus();
  await page.keyboard.press('Enter');
  await expect(page.locator('.react-flow__edge')).toHaveCount(1);
  await expect(page.getByTestId('node-connection')).toHaveCount(1);
  await page.screenshot({ path: `${SHOTS}/keyboard-connected.png` });

  await page.getByTestId('save-workflow-button').focus();
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('save-state')).toHaveText('All changes saved');

  await page.getByTestId('execute-workflow-button').focus();
  await page.keyboard.press('Enter');
  // A manual trigger may ask for the run's input first; Enter accepts the default.
  const runDialog = page.getByRole('dialog');
  if (await runDialog.isVisible().catch(() => false)) {
    await runDialog.getByRole('button', { name: /Run/ }).focus();
    await page.keyboard.press('Enter');
  }
  await expect(page.getByTestId('execution-completed')).toBeVisible({ timeout: 30_000 });
  await expect(page.getByTestId('execution-output')).toContainText('Hello from the keyboard');
  await expect(page.locator('.wf-node[data-status="succeeded"]')).toHaveCount(2);
  await page.screenshot({ path: `${SHOTS}/keyboard-run.png` });
  expect(errors).toEqual([]);
});
