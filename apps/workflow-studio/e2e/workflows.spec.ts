import { readFile } from 'node:fs/promises';
import { expect, test, type Page } from '@playwright/test';

const PASSWORD = 'a calm and long passphrase';
const XSS_NAME = '<img src=x onerror="window.__xss=1">';
const SHOTS = process.env.E2E_SCREENSHOT_DIR ?? 'test-results';

async function registerOwner(page: Page) {
  const email = `workflows-${Date.now()}-${Math.floor(Math.random() * 1e6)}@example.com`;
  await page.goto('/register');
  await page.getByTestId('register-organization-input').fill('Acme Robotics');
  await page.getByLabel('First name').fill('Ada');
  await page.getByLabel('Last name').fill('Lovelace');
  await page.getByTestId('register-email-input').fill(email);
  await page.getByTestId('register-password-input').fill(PASSWORD);
  await page.getByTestId('register-button').click();
  await expect(page).toHaveURL(/\/dashboard$/);
}

/** Creates a blank workflow through the list's dialog and waits for its editor. */
async function createWorkflow(page: Page, name: string, description = '') {
  await page.getByTestId('workflows-nav').click();
  await page.getByTestId('create-workflow-button').first().click();
  await page.getByTestId('workflow-name-input').fill(name);
  if (description) await page.getByTestId('workflow-description-input').fill(description);
  await page.getByTestId('save-workflow-button').click();
  await expect(page).toHaveURL(/\/workflows\/[0-9a-f-]{36}$/);
  await expect(page.getByTestId('canvas-drop-zone')).toBeVisible();
}

// One owner and one page for the whole file, in order: sign-in routes are rate limited per IP
// (30 a minute), and every fresh page load spends one on the session refresh.
test.describe.configure({ mode: 'serial' });
let page: Page;
const errors: string[] = [];

test.beforeAll(async ({ browser }) => {
  const context = await browser.newContext();
  await context.grantPermissions(['clipboard-read', 'clipboard-write']);
  page = await context.newPage();
  page.on('pageerror', (err) => errors.push(err.message));
  await registerOwner(page);
});

test.afterAll(async () => {
  await page.context().close();
});

test.afterEach(() => {
  expect(errors).toEqual([]);
});

async function dropNode(page: Page, testId: string) {
  await page.dragAndDrop(`[data-testid="node-palette"] [data-testid="${testId}"]`, '[data-testid="canvas-drop-zone"]');
}

test('creates a workflow and finds it in the list', async () => {
  await page.getByTestId('workflows-nav').click();
  await expect(page.getByText('Build your first workflow')).toBeVisible();
  await page.screenshot({ path: `${SHOTS}/workflows-empty.png`, fullPage: true });
  await createWorkflow(page, 'Test Workflow', 'A workflow made by the end-to-end suite');

  await page.getByTestId('workflows-nav').click();
  const list = page.getByTestId('workflow-list');
  await expect(list).toContainText('Test Workflow');
  await expect(list).toContainText('A workflow made by the end-to-end suite');
  await page.screenshot({ path: `${SHOTS}/workflows-list.png`, fullPage: true });
});

test('builds a Text workflow on the canvas and runs it', async () => {
  await createWorkflow(page, 'Simple Test Workflow');

  await dropNode(page, 'text-node');
  await page.getByTestId('node-config-input').fill('Hello World');
  await expect(page.getByTestId('save-state')).toHaveText('Unsaved changes');
  await page.getByTestId('save-workflow-button').click();
  await expect(page.getByTestId('save-state')).toHaveText('All changes saved');
  await page.getByTestId('execute-workflow-button').click();

  await expect(page.getByTestId('execution-completed')).toBeVisible({ timeout: 30_000 });
  await expect(page.getByTestId('execution-output')).toContainText('Hello World');
  await expect(page.locator('.wf-node[data-status="succeeded"]')).toHaveCount(1);
  await page.screenshot({ path: `${SHOTS}/workflow-editor-hello.png` });
});

test('an HTTP node without a URL reports the problem on the run and on the node', async () => {
  await createWorkflow(page, 'Broken HTTP Workflow');

  await dropNode(page, 'api-node');
  await page.getByTestId('execute-workflow-button').click();

  await expect(page.getByTestId('execution-error')).toBeVisible({ timeout: 30_000 });
  await expect(page.getByTestId('error-message')).not.toBeEmpty();
  await expect(page.getByTestId('validation-issues')).toContainText('URL is required');
  await expect(page.getByTestId('node-issue')).toContainText('URL is required');
  await page.screenshot({ path: `${SHOTS}/workflow-editor-invalid.png` });
});

test('a workflow name is rendered as text, never as markup', async () => {
  await createWorkflow(page, XSS_NAME);
  await expect(page.getByTestId('workflow-title')).toHaveText(XSS_NAME);

  await page.getByTestId('workflows-nav').click();
  await expect(page.getByTestId('workflow-list')).toContainText(XSS_NAME);
  await expect(page.locator('img[src="x"]')).toHaveCount(0);
  expect(await page.evaluate(() => Reflect.get(window, '__xss'))).toBeUndefined();
});

test('a long run shows progress on the canvas and can be cancelled', async () => {
  await createWorkflow(page, 'Slow workflow');
  await dropNode(page, 'delay-node');
  await page.getByLabel('Delay (ms)').fill('3000');
  await page.getByTestId('execute-workflow-button').click();

  await expect(page.locator('.wf-node[data-status="running"]')).toHaveCount(1);
  await page.getByRole('button', { name: 'Cancel run' }).click();
  await expect(page.getByTestId('execution-error')).toContainText('Cancelled', { timeout: 15_000 });
  await expect(page.getByRole('list', { name: 'Recent runs' })).toContainText('Cancelled');
});

test('connects nodes, edits by keyboard, keeps versions and manages the list', async () => {
  await page.setViewportSize({ width: 1600, height: 1000 });

  // The Free plan keeps 5 workflows active and the tests above made 5: the slow one goes first.
  await page.getByTestId('workflows-nav').click();
  await page.getByRole('button', { name: 'Delete Slow workflow' }).click();
  await page.getByRole('alertdialog', { name: 'Delete workflow?' }).getByRole('button', { name: 'Delete workflow' }).click();
  await expect(page.getByRole('button', { name: 'Delete Slow workflow' })).toHaveCount(0);

  // From a template: trigger → condition → two texts, already connected.
  await page.getByTestId('create-workflow-button').first().click();
  await page.getByTestId('workflow-name-input').fill('Approval router');
  await page.getByTestId('template-branch-on-amount').click();
  await page.screenshot({ path: `${SHOTS}/workflows-create-dialog.png` });
  await page.getByTestId('save-workflow-button').click();
  await expect(page.locator('.react-flow__edge')).toHaveCount(3);

  // Keyboard users add nodes without dragging; the new node is selected for the inspector.
  await page.getByTestId('respond-node').focus();
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('node-inspector')).toContainText('Respond');
  await page.getByRole('button', { name: 'Close the inspector' }).click();

  // Connect "Large" → Respond by dragging between handles.
  const large = page.getByTestId('canvas-node-large');
  const respond = page.getByTestId('canvas-node-respond-1');
  await large.locator('.react-flow__handle.source').dragTo(respond.locator('.react-flow__handle.target'));
  await expect(page.locator('.react-flow__edge')).toHaveCount(4);
  // A trigger never takes an input: the drag is refused.
  await respond.locator('.react-flow__handle.target').dragTo(page.getByTestId('canvas-node-trigger'));
  await expect(page.locator('.react-flow__edge')).toHaveCount(4);

  await page.keyboard.press('Control+s');
  await expect(page.getByTestId('save-state')).toHaveText('All changes saved');
  await page.getByText('Input (JSON)').click();
  await page.getByTestId('execution-input').fill('{ "amount": 250 }');
  await page.getByTestId('execute-workflow-button').click();
  await expect(page.getByTestId('execution-completed')).toBeVisible({ timeout: 30_000 });
  await expect(page.getByTestId('execution-output')).toContainText('Needs approval: 250');
  await expect(page.locator('.wf-node[data-status="skipped"]')).toHaveCount(1);
  await page.screenshot({ path: `${SHOTS}/workflow-editor-run.png` });
  // Re-run: same version and input, a new execution on display and in the history.
  await page.getByRole('button', { name: 'Re-run' }).click();
  await expect(page.getByRole('list', { name: 'Recent runs' }).getByRole('listitem')).toHaveCount(2);
  await expect(page.getByTestId('execution-output')).toContainText('Needs approval: 250');

  // Delete removes the selected node and its edges.
  await respond.click();
  await page.keyboard.press('Delete');
  await expect(page.locator('.react-flow__edge')).toHaveCount(3);
  await page.getByTestId('save-workflow-button').click();
  await expect(page.getByTestId('save-state')).toHaveText('All changes saved');

  // Version history: restore the version that still had the Respond node.
  await page.getByRole('button', { name: 'History' }).click();
  const history = page.getByRole('dialog', { name: 'Version history' });
  await history.getByRole('button', { name: /^v2/ }).click();
  await expect(history.getByText('5 nodes · 4 connections')).toBeVisible();
  await page.screenshot({ path: `${SHOTS}/workflow-versions.png` });
  await history.getByRole('button', { name: 'Restore v2' }).click();
  await expect(history).toBeHidden();
  await expect(page.locator('.react-flow__edge')).toHaveCount(4);

  // Webhook trigger: the URL appears once saved, and rotating replaces it.
  await dropNode(page, 'trigger.webhook-node');
  await page.getByRole('button', { name: 'Close the inspector' }).click();
  await page.getByTestId('save-workflow-button').click();
  const webhookUrl = page.getByTestId('webhook-url');
  await expect(webhookUrl).toHaveValue(/\/api\/hooks\/wh_/);
  const before = await webhookUrl.inputValue();
  await page.getByRole('button', { name: 'Copy' }).click();
  expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(before);
  await page.getByRole('button', { name: 'Rotate URL…' }).click();
  await page.getByRole('alertdialog', { name: 'Rotate the webhook URL?' }).getByRole('button', { name: 'Rotate URL' }).click();
  await expect(webhookUrl).not.toHaveValue(before);

  // The list: duplicate, export, filter, delete.
  await page.getByTestId('workflows-nav').click();
  const list = page.getByTestId('workflow-list');
  // Name links only: each row also links to its runs ("Runs of …").
  const routers = list.getByTestId('workflow-link').filter({ hasText: /Approval router/ });
  await page.getByRole('button', { name: 'Duplicate Approval router' }).click();
  await expect(routers).toHaveCount(2);
  const download = page.waitForEvent('download');
  await page.getByRole('button', { name: 'Export Approval router', exact: true }).click();
  const exported = await download;
  expect(exported.suggestedFilename()).toBe('approval-router.workflow.json');
  await page.getByTestId('import-workflow-input').setInputFiles({
    name: 'approval-router.workflow.json',
    mimeType: 'application/json',
    buffer: await readFile(await exported.path()),
  });
  await expect(page.getByText('Imported “Approval router”.')).toBeVisible();
  await expect(routers).toHaveCount(3);
  await page.getByLabel('Search workflows').fill('copy');
  await expect(page).toHaveURL(/search=copy/);
  await expect(routers).toHaveCount(1);
  const copyName = (await routers.textContent()) ?? '';
  await page.getByRole('button', { name: `Delete ${copyName}` }).click();
  await page.getByRole('alertdialog', { name: 'Delete workflow?' }).getByRole('button', { name: 'Delete workflow' }).click();
  await expect(page.getByText('No workflows match these filters')).toBeVisible();
});
