import { expect, test, type Page } from '@playwright/test';

const PASSWORD = 'a calm and long passphrase';
const SHOTS = process.env.E2E_SCREENSHOT_DIR ?? 'test-results';

async function registerOwner(page: Page) {
  const email = `editing-${Date.now()}-${Math.floor(Math.random() * 1e6)}@example.com`;
  await page.goto('/register');
  await page.getByTestId('register-organization-input').fill('Acme Robotics');
  await page.getByTestId('register-email-input').fill(email);
  await page.getByTestId('register-password-input').fill(PASSWORD);
  await page.getByTestId('register-button').click();
  await expect(page).toHaveURL(/\/dashboard$/);
}

/** Ids of the nodes on the canvas, in drawing order. */
async function nodeIds(page: Page): Promise<string[]> {
  return page.locator('.react-flow__node').evaluateAll((els) => els.map((el) => el.getAttribute('data-id') ?? ''));
}

/** Connects the selected node to the only target the inspector offers. */
async function connectSelected(page: Page) {
  await page.getByTestId('connect-node-button').click();
}

test('undo/redo, box select, copy/paste, delete and expression hints in the editor', async ({ page }) => {
  const errors: string[] = [];
  page.on('pageerror', (err) => errors.push(err.message));
  await registerOwner(page);
  await page.getByTestId('workflows-nav').click();
  await page.getByTestId('create-workflow-button').first().click();
  await page.getByTestId('workflow-name-input').fill('Editing workflow');
  await page.getByTestId('save-workflow-button').click();
  await expect(page).toHaveURL(/\/workflows\/[0-9a-f-]{36}$/);
  const nodes = page.locator('.react-flow__node');
  const edges = page.locator('.react-flow__edge');
  const undo = page.getByTestId('undo-button');
  const redo = page.getByTestId('redo-button');
  await expect(undo).toBeDisabled();
  await expect(redo).toBeDisabled();

  // Add two nodes (palette clicks), then step back and forth through them.
  await page.getByTestId('trigger.manual-node').click();
  await page.getByTestId('text-node').click();
  await expect(nodes).toHaveCount(2);
  await undo.click();
  await expect(nodes).toHaveCount(1);
  await expect(redo).toBeEnabled();
  await redo.click();
  await expect(nodes).toHaveCount(2);
  await expect(redo).toBeDisabled();
  // The keyboard does the same (focus is on the canvas, not in a field).
  await page.locator('.react-flow__node-text').click();
  await page.keyboard.press('Control+z');
  await expect(nodes).toHaveCount(1);
  await page.keyboard.press('Control+Shift+z');
  await expect(nodes).toHaveCount(2);
  expect(await nodeIds(page)).toEqual(['trigger-manual-1', 'text-1']);

  // A drag of many frames is one undo step.
  const textNode = page.locator('.react-flow__node-text');
  const before = await textNode.getAttribute('style');
  const box = await textNode.boundingBox();
  if (!box) throw new Error('the Text node is not drawn');
  await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
  await page.mouse.down();
  await page.mouse.move(box.x + box.width / 2 + 60, box.y + box.height / 2 + 90, { steps: 12 });
  await page.mouse.up();
  await expect(textNode).not.toHaveAttribute('style', before ?? '');
  await undo.click();
  await expect(textNode).toHaveAttribute('style', before ?? '');
  await expect(nodes).toHaveCount(2);
  await redo.click();
  await expect(textNode).not.toHaveAttribute('style', before ?? '');

  // Configure the Text node; typing a word is one undo step, not one per letter.
  await page.locator('.react-flow__node-text').click();
  await page.getByTestId('node-config-input').fill('Hello World');
  await page.locator('.react-flow__node-trigger\\.manual').click();
  await connectSelected(page);
  await expect(edges).toHaveCount(1);
  await undo.click();
  await expect(edges).toHaveCount(0);
  await redo.click();
  await expect(edges).toHaveCount(1);

  // Shift-drag a box around both nodes on the empty pane.
  await page.locator('.react-flow__pane').click({ position: { x: 5, y: 5 } });
  const boxes = await nodes.evaluateAll((els) =>
    els.map((el) => {
      const r = el.getBoundingClientRect();
      return { left: r.left, top: r.top, right: r.right, bottom: r.bottom };
    }),
  );
  const left = Math.min(...boxes.map((b) => b.left)) - 30;
  const top = Math.min(...boxes.map((b) => b.top)) - 30;
  const right = Math.max(...boxes.map((b) => b.right)) + 30;
  const bottom = Math.max(...boxes.map((b) => b.bottom)) + 30;
  await page.keyboard.down('Shift');
  await page.mouse.move(left, top);
  await page.mouse.down();
  await page.mouse.move((left + right) / 2, (top + bottom) / 2, { steps: 5 });
  await page.mouse.move(right, bottom, { steps: 5 });
  await page.mouse.up();
  await page.keyboard.up('Shift');
  await expect(page.locator('.react-flow__node.selected')).toHaveCount(2);

  // Copy and paste: copies with new ids, the edge between them, and the copies selected.
  await page.keyboard.press('Control+c');
  await page.keyboard.press('Control+v');
  await expect(nodes).toHaveCount(4);
  await expect(edges).toHaveCount(2);
  expect(await nodeIds(page)).toEqual(['trigger-manual-1', 'text-1', 'trigger-manual-2', 'text-2']);
  await expect(page.locator('.react-flow__node.selected')).toHaveCount(2);
  await expect(page.locator('.react-flow__node.selected[data-id="text-2"]')).toHaveCount(1);
  await expect(
    page.locator('[data-id="trigger-manual-2.out-text-2"], [data-testid="rf__edge-trigger-manual-2.out-text-2"]'),
  ).toHaveCount(1);
  await page.screenshot({ path: `${SHOTS}/editor-pasted.png` });

  // Delete removes the selection (both copies and their edge) as one step.
  await page.keyboard.press('Delete');
  await expect(nodes).toHaveCount(2);
  await expect(edges).toHaveCount(1);
  expect(await nodeIds(page)).toEqual(['trigger-manual-1', 'text-1']);

  // A second Text node after the first; its hints offer the first one's output.
  await page.getByTestId('text-node').click();
  await expect(nodes).toHaveCount(3);
  await page.locator('.react-flow__node[data-id="text-1"]').click();
  await connectSelected(page);
  await expect(edges).toHaveCount(2);
  await page.locator('.react-flow__node[data-id="text-2"]').click();
  const text = page.getByTestId('node-config-input');
  await text.click();
  await text.pressSequentially('Echo: ');
  const hints = page.getByTestId('expression-hints');
  await expect(hints).toBeVisible();
  await expect(hints.locator('[data-template="{{ $trigger }}"]')).toBeVisible();
  await expect(hints.locator('[data-template="{{ $ }}"]')).toBeVisible();
  await hints.locator('[data-template="{{ $nodes.`text-1` }}"]').click();
  await expect(text).toHaveValue('Echo: {{ $nodes.`text-1` }}');
  // Typing goes on after the inserted reference.
  await page.keyboard.type('!');
  await expect(text).toHaveValue('Echo: {{ $nodes.`text-1` }}!');
  // The field keeps its own undo; Delete while typing edits the text, not the canvas.
  await page.keyboard.press('Backspace');
  await expect(text).toHaveValue('Echo: {{ $nodes.`text-1` }}');
  await expect(nodes).toHaveCount(3);
  await page.screenshot({ path: `${SHOTS}/editor-expression-hints.png` });

  await page.getByTestId('save-workflow-button').click();
  await expect(page.getByTestId('save-state')).toHaveText('All changes saved');
  await page.getByTestId('execute-workflow-button').click();
  const runDialog = page.getByRole('dialog');
  if (await runDialog.isVisible().catch(() => false)) await runDialog.getByRole('button', { name: /Run/ }).click();
  await expect(page.getByTestId('execution-completed')).toBeVisible({ timeout: 30_000 });
  await expect(page.getByTestId('execution-output')).toContainText('Echo: Hello World');
  await page.screenshot({ path: `${SHOTS}/editor-editing-run.png` });
  expect(errors).toEqual([]);
});
