import { expect, test, type Page } from '@playwright/test';

const PASSWORD = 'a calm and long passphrase';
const SHOTS = process.env.E2E_SCREENSHOT_DIR ?? 'test-results';

async function registerOwner(page: Page): Promise<string> {
  const email = `collab-${Date.now()}-${Math.floor(Math.random() * 1e6)}@example.com`;
  await page.goto('/register');
  await page.getByTestId('register-organization-input').fill('Acme Robotics');
  await page.getByTestId('register-email-input').fill(email);
  await page.getByTestId('register-password-input').fill(PASSWORD);
  await page.getByTestId('register-button').click();
  await expect(page).toHaveURL(/\/dashboard$/);
  return email;
}

async function signIn(page: Page, email: string) {
  await page.goto('/login');
  await page.getByTestId('email-input').fill(email);
  await page.getByTestId('password-input').fill(PASSWORD);
  await page.getByTestId('login-button').click();
  await expect(page).toHaveURL(/\/dashboard$/);
}

test('two editors on one workflow: A adds a node and B sees it and A’s pointer; B edits a config field and A sees it', async ({
  browser,
}) => {
  const errors: string[] = [];
  const contextA = await browser.newContext();
  const contextB = await browser.newContext();
  const a = await contextA.newPage();
  const b = await contextB.newPage();
  for (const page of [a, b]) page.on('pageerror', (err) => errors.push(err.message));

  const email = await registerOwner(a);
  await a.getByTestId('workflows-nav').click();
  await a.getByTestId('create-workflow-button').first().click();
  await a.getByTestId('workflow-name-input').fill('Shared canvas');
  await a.getByTestId('save-workflow-button').click();
  await expect(a).toHaveURL(/\/workflows\/[0-9a-f-]{36}$/);
  const url = a.url();

  // B signs in in another browser (a second session) and opens the same workflow.
  await signIn(b, email);
  await b.goto(url);
  await expect(a.getByTestId('collaborator-avatar')).toHaveCount(1);
  await expect(b.getByTestId('collaborator-avatar')).toHaveCount(1);

  // A adds a node: B sees it appear.
  await a.getByTestId('text-node').click();
  await expect(a.locator('.react-flow__node-text')).toHaveCount(1);
  await expect(b.locator('.react-flow__node-text')).toHaveCount(1);

  // A's pointer moves on the canvas: B sees it, with A's name.
  const box = await a.getByTestId('canvas-drop-zone').boundingBox();
  if (!box) throw new Error('no canvas');
  await a.mouse.move(box.x + 80, box.y + 80);
  await a.mouse.move(box.x + 140, box.y + 120, { steps: 5 });
  await expect(b.getByTestId('collaborator-cursor')).toBeVisible();
  // A's selection (the new node) is outlined for B.
  await expect(b.getByTestId('collaborator-selection')).toHaveCount(1);

  // B edits the node's text: A (whose inspector shows that node) sees the new value.
  await b.locator('.react-flow__node-text').click();
  const field = b.getByTestId('node-config-input');
  await field.fill('Hello from B');
  await expect(a.getByTestId('node-config-input')).toHaveValue('Hello from B');
  await a.screenshot({ path: `${SHOTS}/collaboration-editor-a.png` });
  await b.screenshot({ path: `${SHOTS}/collaboration-editor-b.png` });

  // A saves the shared graph (B's edit included) as a version.
  await a.getByTestId('save-workflow-button').click();
  await expect(a.getByTestId('save-state')).toHaveText('All changes saved');

  await contextA.close();
  await contextB.close();
  expect(errors).toEqual([]);
});
