import { readFile } from 'node:fs/promises';
import AxeBuilder from '@axe-core/playwright';
import { expect, test, type Page } from '@playwright/test';

const PASSWORD = 'a calm and long passphrase';
const SHOTS = process.env.E2E_SCREENSHOT_DIR ?? 'test-results';

/** No serious or critical WCAG 2.1 A/AA findings, on the page or only inside `selector` (an open dialog). */
async function expectAccessible(page: Page, selector?: string) {
  const builder = new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']);
  const results = await (selector ? builder.include(selector) : builder).analyze();
  const blocking = results.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.impact} ${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
  expect(blocking).toEqual([]);
}

async function registerOwner(page: Page) {
  const email = `manage-${Date.now()}-${Math.floor(Math.random() * 1e6)}@example.com`;
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
// each test builds on the workflows the previous one left.
test.describe.configure({ mode: 'serial' });
let page: Page;
const errors: string[] = [];

test.beforeAll(async ({ browser }) => {
  // A page of an explicit context: axe needs one.
  const context = await browser.newContext({ viewport: { width: 1500, height: 950 } });
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

test('starts a workflow from the template gallery', async () => {
  await page.getByTestId('workflows-nav').click();
  const gallery = page.getByTestId('template-gallery');
  await expect(gallery).toContainText('Hello world');
  await page.screenshot({ path: `${SHOTS}/workflows-templates.png`, fullPage: true });
  await expectAccessible(page);

  await page.getByTestId('use-template-hello-world').click();
  const dialog = page.getByRole('dialog', { name: 'New workflow' });
  await expect(page.getByTestId('workflow-name-input')).toHaveValue('Hello world');
  await expect(dialog.getByRole('radio', { name: /Hello world/ })).toBeChecked();
  await page.getByTestId('workflow-name-input').fill('Greeter');
  await page.getByTestId('save-workflow-button').click();

  await expect(page).toHaveURL(/\/workflows\/[0-9a-f-]{36}$/);
  // The first visit loads the editor's code-split chunk.
  await expect(page.getByTestId('canvas-node-greet')).toBeVisible({ timeout: 15_000 });
  await expect(page.locator('.react-flow__edge')).toHaveCount(1);
});

test('runs with an input dialog, remembers the input, and Run reuses it', async () => {
  await page.getByTestId('run-with-input-button').click();
  const dialog = page.getByRole('dialog', { name: 'Run with input' });
  const input = page.getByTestId('run-input-text');
  await expect(input).toBeFocused();

  await input.fill('{ "name": ');
  await page.getByTestId('run-input-confirm').click();
  await expect(dialog.getByRole('alert')).toContainText('not valid JSON');
  await expect(dialog).toBeVisible();

  await input.fill('{ "name": "Ada" }');
  await dialog.getByRole('button', { name: 'Format' }).click();
  await expect(input).toHaveValue('{\n  "name": "Ada"\n}');
  await page.screenshot({ path: `${SHOTS}/workflow-run-input.png` });
  await expectAccessible(page, '[role="dialog"]');
  await page.getByTestId('run-input-confirm').click();
  await expect(dialog).toBeHidden();
  await expect(page.getByTestId('execution-completed')).toBeVisible({ timeout: 30_000 });
  await expect(page.getByTestId('execution-output')).toContainText('Hello Ada!');

  // The input is remembered for this workflow, across a reload, and the plain Run button uses it.
  await page.reload();
  await page.getByTestId('execute-workflow-button').click();
  await expect(page.getByRole('list', { name: 'Recent runs' }).getByRole('listitem')).toHaveCount(2);
  await expect(page.getByTestId('execution-output')).toContainText('Hello Ada!');
  await page.getByTestId('run-with-input-button').click();
  await expect(page.getByTestId('run-input-text')).toHaveValue('{\n  "name": "Ada"\n}');
  await page.keyboard.press('Escape');
});

test('guards unsaved changes when leaving the editor', async () => {
  await page.getByTestId('canvas-node-greet').click();
  await page.getByTestId('node-config-input').fill('Hi {{ name }}, welcome!');
  await expect(page.getByTestId('save-state')).toHaveText('Unsaved changes');

  await page.getByTestId('workflows-nav').click();
  const guard = page.getByRole('alertdialog', { name: 'Leave without saving?' });
  await expect(guard).toBeVisible();
  await guard.getByRole('button', { name: 'Stay' }).click();
  await expect(page).toHaveURL(/\/workflows\/[0-9a-f-]{36}$/);

  await page.getByTestId('save-workflow-button').click();
  await expect(page.getByTestId('save-state')).toHaveText('All changes saved');
});

test('compares two versions on a highlighted drawing, restores one, and publishes with a canary', async () => {
  // v3: one more node, connected to the greeting.
  await page.getByRole('button', { name: 'Close the inspector' }).click();
  await page.getByTestId('respond-node').focus();
  await page.keyboard.press('Enter');
  await page.getByRole('button', { name: 'Close the inspector' }).click();
  await page
    .getByTestId('canvas-node-greet')
    .locator('.react-flow__handle.source')
    .dragTo(page.getByTestId('canvas-node-respond-1').locator('.react-flow__handle.target'));
  await expect(page.locator('.react-flow__edge')).toHaveCount(2);
  await page.getByTestId('save-workflow-button').click();
  await expect(page.getByTestId('save-state')).toHaveText('All changes saved');

  await page.getByRole('button', { name: 'History' }).click();
  const history = page.getByRole('dialog', { name: 'Version history' });
  await history.getByRole('button', { name: /^v3/ }).click();
  // Compared with the version before by default: the new node is added, the greeting changed.
  const diff = page.getByTestId('version-diff');
  await expect(diff.getByRole('list', { name: 'Changes from v2 to v3' })).toContainText('Added Respond');
  await expect(diff.locator('.react-flow__node.diff-added')).toHaveCount(1);
  await expect(diff.locator('.react-flow__edge.diff-added')).toHaveCount(1);
  await history.getByTestId('compare-version-select').selectOption('1');
  await expect(diff.getByRole('list', { name: 'Changes from v1 to v3' })).toContainText('Changed Greet (text)');
  await expect(diff.locator('.react-flow__node.diff-changed')).toHaveCount(1);
  await page.screenshot({ path: `${SHOTS}/workflow-version-diff.png` });
  await expectAccessible(page, '[role="dialog"]');

  // Publish: v3 is live (saving published it); make v2 the canary for 25% of triggers.
  await expect(history.getByTestId('deployment-status')).toHaveText('Triggers run v3.');
  await history.getByTestId('canary-version-select').selectOption('2');
  await history.getByTestId('canary-percent-input').fill('25');
  await history.getByTestId('save-deployment-button').click();
  await expect(history.getByTestId('deployment-status')).toHaveText('Triggers run v3, and v2 for 25% of them.');
  await expect(history.getByRole('button', { name: /^v2/ })).toContainText('Canary 25%');
  await page.screenshot({ path: `${SHOTS}/workflow-deployment.png` });

  // While the canary runs, a save keeps the rollout: the new version waits to be published.
  await history.getByRole('button', { name: 'Close' }).click();
  await page.getByTestId('canvas-node-greet').click();
  await page.getByTestId('node-config-input').fill('Hey {{ name }}');
  await page.getByTestId('save-workflow-button').click();
  await expect(page.getByTestId('save-state')).toHaveText('All changes saved');
  await expect(page.getByTestId('live-version')).toHaveText('live: v3 + v2 at 25%');
  await page.getByRole('button', { name: 'Close the inspector' }).click();
  await page.getByRole('button', { name: 'History' }).click();
  await expect(history.getByTestId('deployment-status')).toHaveText('Triggers run v3, and v2 for 25% of them.');
  await expect(history.getByRole('button', { name: /^v4/ })).toBeVisible();

  // Publish v1 from its preview; the canary ends.
  await history.getByRole('button', { name: /^v1/ }).click();
  await history.getByRole('button', { name: 'Publish v1' }).click();
  await expect(history.getByTestId('deployment-status')).toHaveText('Triggers run v1.');

  // Restore v1: a new version (v5) with v1's graph, published.
  await history.getByRole('button', { name: 'Restore v1' }).click();
  await expect(history).toBeHidden();
  await expect(page.locator('.react-flow__edge')).toHaveCount(1);
  await expect(page.getByTestId('canvas-node-respond-1')).toHaveCount(0);
  await expect(page.getByText('v5', { exact: true })).toBeVisible();
  await expect(page.getByTestId('live-version')).toHaveCount(0);
});

test('searches, duplicates, deletes with a confirmation, and round-trips export and import', async () => {
  await page.getByTestId('workflows-nav').click();
  const list = page.getByTestId('workflow-list');
  // The name links only (rows also link to their runs).
  const names = list.getByTestId('workflow-link');
  await expect(names.getByText('Greeter', { exact: true })).toBeVisible();

  await page.getByRole('button', { name: 'Duplicate Greeter' }).click();
  await expect(page.getByText(/Created “Greeter \(copy\)”/)).toBeVisible();
  await expect(names.filter({ hasText: /^Greeter/ })).toHaveCount(2);

  const download = page.waitForEvent('download');
  await page.getByRole('button', { name: 'Export Greeter', exact: true }).click();
  const exported = await download;
  expect(exported.suggestedFilename()).toBe('greeter.workflow.json');
  const json = JSON.parse(await readFile(await exported.path(), 'utf8')) as { format: string; name: string };
  expect(json.format).toBe('auterity.workflow');

  // A file that is not an export is refused with a reason, and nothing is created.
  await page.getByTestId('import-workflow-input').setInputFiles({
    name: 'notes.json',
    mimeType: 'application/json',
    buffer: Buffer.from(JSON.stringify({ hello: 'world' })),
  });
  await expect(page.getByText(/notes\.json is not an Auterity workflow export/)).toBeVisible();
  await page.getByTestId('import-workflow-input').setInputFiles({
    name: 'broken.json',
    mimeType: 'application/json',
    buffer: Buffer.from('{ nope'),
  });
  await expect(page.getByText('broken.json is not valid JSON.')).toBeVisible();

  await page.getByTestId('import-workflow-input').setInputFiles({
    name: 'greeter.workflow.json',
    mimeType: 'application/json',
    buffer: Buffer.from(JSON.stringify({ ...json, name: 'Imported greeter' })),
  });
  await expect(page.getByText('Imported “Imported greeter”.')).toBeVisible();
  await expect(names.getByText('Imported greeter', { exact: true })).toBeVisible();

  // Search narrows the list (and lands in the URL); delete asks first.
  await page.getByLabel('Search workflows').fill('copy');
  await expect(page).toHaveURL(/search=copy/);
  await expect(names).toHaveCount(1);
  await page.getByRole('button', { name: 'Delete Greeter (copy)' }).click();
  const confirm = page.getByRole('alertdialog', { name: 'Delete workflow?' });
  await expect(confirm).toContainText('Greeter (copy)');
  await page.screenshot({ path: `${SHOTS}/workflows-delete-confirm.png` });
  await confirm.getByRole('button', { name: 'Cancel' }).click();
  await expect(names).toHaveCount(1);
  await page.getByRole('button', { name: 'Delete Greeter (copy)' }).click();
  await confirm.getByRole('button', { name: 'Delete workflow' }).click();
  await expect(page.getByText('No workflows match these filters')).toBeVisible();

  await page.getByRole('button', { name: 'Clear filters' }).click();
  await expect(names.filter({ hasText: /greeter/i })).toHaveCount(2);
  await page.getByLabel('Status').selectOption('active');
  await expect(page).toHaveURL(/status=active/);
  // The import starts inactive.
  await expect(names).toHaveCount(1);
  await page.screenshot({ path: `${SHOTS}/workflows-manage-list.png`, fullPage: true });
});

test('node forms pick a vault credential and a sub-workflow by name', async () => {
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Credentials' }).click();
  await page.getByRole('button', { name: 'New credential' }).first().click();
  const dialog = page.getByRole('dialog', { name: 'New credential' });
  await dialog.getByLabel('Name').fill('Billing API');
  await dialog.getByLabel('API key', { exact: true }).fill('sk_live_picker_x9Qa');
  await dialog.getByRole('button', { name: 'Save credential' }).click();
  await expect(dialog).toBeHidden();

  await page.getByTestId('workflows-nav').click();
  await page.getByTestId('create-workflow-button').first().click();
  await page.getByTestId('workflow-name-input').fill('Caller');
  await page.getByTestId('save-workflow-button').click();
  await expect(page.getByTestId('canvas-drop-zone')).toBeVisible();

  // HTTP request: the credential is a select of the vault's credentials, by name and masked hint.
  await page.getByTestId('api-node').focus();
  await page.keyboard.press('Enter');
  const credential = page.getByTestId('credential-picker');
  await expect(credential.locator('option')).toHaveText(['No credential', 'Billing API · API key (sk_…x9Qa)']);
  await credential.selectOption({ label: 'Billing API · API key (sk_…x9Qa)' });
  await expect(credential).toHaveValue(/^[0-9a-f-]{36}$/);
  await page.getByTestId('node-config-input').fill('https://example.com/');
  await page.screenshot({ path: `${SHOTS}/workflow-credential-picker.png` });
  await page.getByRole('button', { name: 'Close the inspector' }).click();

  // Sub-workflow: other workflows by name; the workflow being edited is not offered.
  await page.getByTestId('workflow.call-node').focus();
  await page.keyboard.press('Enter');
  const target = page.getByTestId('workflow-picker');
  await expect(target.locator('option', { hasText: 'Greeter' })).toHaveCount(2);
  await expect(target.locator('option', { hasText: 'Caller' })).toHaveCount(0);
  await target.selectOption({ label: 'Greeter' });
  await expect(page.getByRole('link', { name: 'Open it in a new tab' })).toBeVisible();
  await page.screenshot({ path: `${SHOTS}/workflow-subworkflow-picker.png` });

  await page.getByTestId('save-workflow-button').click();
  await expect(page.getByTestId('save-state')).toHaveText('All changes saved');
  await page.reload();
  await page.getByTestId('canvas-node-http-request-1').click();
  await expect(page.getByTestId('credential-picker').locator('option:checked')).toHaveText('Billing API · API key (sk_…x9Qa)');
  await page.getByRole('button', { name: 'Close the inspector' }).click();
  await page.getByTestId('canvas-node-workflow-call-1').click();
  await expect(page.getByTestId('workflow-picker').locator('option:checked')).toHaveText('Greeter');
});
