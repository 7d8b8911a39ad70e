import { expect, test, type APIRequestContext, type Page } from '@playwright/test';
import { blockingAxeFindings, navigateInApp } from './support';

const PASSWORD = 'a calm and long passphrase';
const SHOTS = process.env.E2E_SCREENSHOT_DIR ?? 'test-results';

interface GraphNode {
  id: string;
  type: string;
  config: Record<string, unknown>;
  label?: string;
}

/** A straight line of nodes, left to right, in the stored graph format. */
function chain(nodes: readonly GraphNode[]) {
  return {
    version: 1,
    nodes: nodes.map((n, index) => ({
      id: n.id,
      type: n.type,
      position: { x: index * 280, y: 80 },
      data: { config: n.config, ...(n.label ? { label: n.label } : {}) },
    })),
    edges: nodes.slice(1).map((n, index) => ({ id: `e${index}`, source: nodes[index]?.id ?? '', target: n.id })),
  };
}

/** The API as the signed-in owner (same organization as the page). */
class Api {
  constructor(
    private readonly request: APIRequestContext,
    private readonly token: string,
  ) {}

  private get headers() {
    return { authorization: `Bearer ${this.token}` };
  }

  async createWorkflow(name: string, nodes: readonly GraphNode[]): Promise<string> {
    const response = await this.request.post('/api/workflows', {
      headers: this.headers,
      data: { name, canvasData: chain(nodes) },
    });
    expect(response.status(), await response.text()).toBe(201);
    return ((await response.json()) as { id: string }).id;
  }

  /** Starts a run; with `wait` the answer is the finished execution. */
  async execute(workflowId: string, input: unknown, wait = 15): Promise<{ id: string; status: string }> {
    const response = await this.request.post(`/api/workflows/${workflowId}/execute?wait=${wait}`, {
      headers: this.headers,
      data: { input },
    });
    expect(response.ok(), await response.text()).toBe(true);
    return (await response.json()) as { id: string; status: string };
  }
}

// One owner and one page for the whole file, in order: sign-in routes are rate limited per IP.
test.describe.configure({ mode: 'serial' });
let page: Page;

const go = (path: string) => navigateInApp(page, path);
let api: Api;
const errors: string[] = [];
const ids: Record<'greeting' | 'failing' | 'slow', string> = { greeting: '', failing: '', slow: '' };
const runs: Record<'greeting' | 'failing', string> = { greeting: '', failing: '' };

test.beforeAll(async ({ browser }) => {
  // axe needs a page of a context made with newContext().
  page = await (await browser.newContext()).newPage();
  page.on('pageerror', (err) => errors.push(err.message));
  // Registering through the API sets the refresh cookie in this context; the page signs in with it.
  const email = `executions-${Date.now()}-${Math.floor(Math.random() * 1e6)}@example.com`;
  const registered = await page.request.post('/api/auth/register', {
    data: { organizationName: 'Acme Runs', email, password: PASSWORD, firstName: 'Grace', lastName: 'Hopper' },
  });
  expect(registered.status(), await registered.text()).toBe(201);
  api = new Api(page.request, ((await registered.json()) as { token: string }).token);

  ids.greeting = await api.createWorkflow('Greeting', [
    { id: 'start', type: 'trigger.manual', config: {} },
    { id: 'greet', type: 'text', config: { text: 'Hello {{ name }}' }, label: 'Greet' },
    { id: 'shout', type: 'transform', config: { expression: '$uppercase($)' }, label: 'Shout' },
  ]);
  ids.failing = await api.createWorkflow('Failing fetch', [
    { id: 'start', type: 'trigger.manual', config: {} },
    {
      id: 'fetch',
      type: 'http.request',
      config: { method: 'GET', url: 'http://127.0.0.1:9/unreachable', timeoutMs: 2000 },
      label: 'Fetch orders',
    },
    { id: 'after', type: 'text', config: { text: 'never' }, label: 'Report' },
  ]);
  ids.slow = await api.createWorkflow('Slow wait', [
    { id: 'start', type: 'trigger.manual', config: {} },
    { id: 'wait', type: 'delay', config: { ms: 20_000 }, label: 'Wait' },
    { id: 'done', type: 'text', config: { text: 'done' }, label: 'Done' },
  ]);

  const greeting = await api.execute(ids.greeting, { name: 'Ada' });
  expect(greeting.status).toBe('succeeded');
  runs.greeting = greeting.id;
  const failing = await api.execute(ids.failing, {});
  expect(failing.status).toBe('failed');
  runs.failing = failing.id;

  await page.goto('/dashboard');
  await expect(page.getByTestId('executions-nav')).toBeVisible();
});

test.afterAll(async () => {
  await page.context().close();
});

test.afterEach(() => {
  expect(errors).toEqual([]);
});

test('lists the organization’s executions and filters them by status and workflow', async () => {
  await page.getByTestId('executions-nav').click();
  await expect(page).toHaveURL(/\/executions$/);
  await expect(page.getByTestId('executions-page')).toBeVisible();
  const rows = page.getByTestId('execution-row');
  await expect(rows).toHaveCount(2);
  // Newest first.
  await expect(rows.first()).toContainText('Failing fetch');
  await expect(rows.first()).toContainText('Failed');
  await expect(rows.nth(1)).toContainText('Greeting');
  await expect(rows.nth(1)).toContainText('Succeeded');
  await expect(rows.nth(1)).toContainText('Manual');
  await page.screenshot({ path: `${SHOTS}/executions-list.png`, fullPage: true });
  expect(await blockingAxeFindings(page)).toEqual([]);

  await page.getByTestId('executions-status-filter').selectOption('failed');
  await expect(page).toHaveURL(/status=failed/);
  await expect(rows).toHaveCount(1);
  await expect(rows.first()).toContainText('Failing fetch');

  await page.getByTestId('executions-status-filter').selectOption('running');
  await expect(page.getByText('No executions match these filters')).toBeVisible();
  await page.screenshot({ path: `${SHOTS}/executions-empty-filter.png` });

  await page.getByRole('button', { name: 'Clear filters' }).click();
  await page.getByTestId('executions-workflow-filter').selectOption({ label: 'Greeting' });
  await page.getByTestId('executions-range-filter').selectOption('1h');
  await expect(rows).toHaveCount(1);
  await expect(rows.first()).toContainText('Greeting');
});

test('an execution’s page shows the graph coloured by step status and each step’s input and output', async () => {
  await go('/executions');
  await page.getByTestId('execution-row').filter({ hasText: 'Greeting' }).getByTestId('execution-link').click();
  await expect(page).toHaveURL(new RegExp(`/executions/${runs.greeting}`));
  const detail = page.getByTestId('execution-detail');
  await expect(detail).toBeVisible();
  await expect(detail.getByTestId('execution-status')).toContainText('Succeeded');
  await expect(detail).toContainText('v1');
  await expect(detail).toContainText('Manual');

  const graph = page.getByTestId('execution-graph');
  await expect(graph.locator('.wf-node')).toHaveCount(3);
  await expect(graph.locator('.wf-node[data-status="succeeded"]')).toHaveCount(3);

  await graph.getByTestId('canvas-node-greet').click();
  const inspector = page.getByTestId('step-inspector');
  await expect(inspector).toContainText('Greet');
  await expect(inspector.getByTestId('step-input')).toContainText('Ada');
  await expect(inspector.getByTestId('step-output')).toContainText('Hello Ada');
  await expect(inspector.getByTestId('step-attempts')).toHaveText('1');
  await expect(page).toHaveURL(/step=greet/);
  await expect(graph.locator('.wf-node--selected')).toHaveAttribute('data-testid', 'canvas-node-greet');

  // The step list picks a node too (keyboard users get there without the canvas).
  await page.getByTestId('step-row').filter({ hasText: 'Shout' }).click();
  await expect(inspector.getByTestId('step-output')).toContainText('HELLO ADA');
  await page.screenshot({ path: `${SHOTS}/execution-detail.png`, fullPage: true });
  expect(await blockingAxeFindings(page)).toEqual([]);
});

test('re-run starts a new execution of the same version and opens it', async () => {
  await go(`/executions/${runs.greeting}`);
  await page.getByTestId('rerun-button').click();
  await expect(page).not.toHaveURL(new RegExp(`/executions/${runs.greeting}`));
  await expect(page).toHaveURL(/\/executions\/[0-9a-f-]{36}/);
  const detail = page.getByTestId('execution-detail');
  await expect(detail.getByTestId('execution-status')).toContainText('Succeeded', { timeout: 15_000 });
  await expect(detail).toContainText('Re-run');
  await expect(page.getByTestId('execution-graph').locator('.wf-node[data-status="succeeded"]')).toHaveCount(3);

  await page.getByTestId('executions-nav').click();
  await expect(page.getByTestId('execution-row')).toHaveCount(3);
  await expect(page.getByTestId('execution-row').first()).toContainText('Re-run');
});

test('a failed execution opens at the failed step with its error, and later nodes show as not run', async () => {
  await go(`/executions/${runs.failing}`);
  const detail = page.getByTestId('execution-detail');
  await expect(detail.getByTestId('execution-status')).toContainText('Failed');
  await expect(detail.getByTestId('execution-error')).toBeVisible();

  const graph = page.getByTestId('execution-graph');
  await expect(graph.locator('.wf-node[data-status="failed"]')).toHaveCount(1);
  await expect(graph.locator('.wf-node:not([data-status])')).toHaveCount(1);

  const inspector = page.getByTestId('step-inspector');
  await expect(inspector).toContainText('Fetch orders');
  await expect(inspector.getByTestId('step-error')).not.toBeEmpty();
  await page.screenshot({ path: `${SHOTS}/execution-failed.png`, fullPage: true });
  expect(await blockingAxeFindings(page)).toEqual([]);

  await graph.getByTestId('canvas-node-after').click();
  await expect(inspector.getByTestId('step-not-run')).toBeVisible();
});

test('a running execution updates live and can be cancelled', async () => {
  const started = await api.execute(ids.slow, {}, 0);
  await go(`/executions/${started.id}`);
  const detail = page.getByTestId('execution-detail');
  const graph = page.getByTestId('execution-graph');
  await expect(graph.locator('.wf-node[data-status="running"]')).toHaveCount(1);
  await expect(page.getByTestId('rerun-button')).toHaveCount(0);
  await expect(page.getByRole('button', { name: 'Wait Running' })).toBeVisible();
  await page.screenshot({ path: `${SHOTS}/execution-running.png`, fullPage: true });

  await page.getByTestId('cancel-execution-button').click();
  await expect(detail.getByTestId('execution-status')).toContainText('Cancelled', { timeout: 15_000 });
  await expect(page.getByTestId('cancel-execution-button')).toHaveCount(0);
  await expect(page.getByTestId('rerun-button')).toBeVisible();
});

test('an AI step shows its model, tokens, cost and provider calls, and the header sums the cost', async () => {
  const workflowId = await api.createWorkflow('Summarize review', [
    { id: 'start', type: 'trigger.manual', config: {} },
    {
      id: 'summarize',
      type: 'ai.generate',
      config: { prompt: 'Summarize: the robot arm works well, but the manual is confusing.', model: 'auto:cheapest' },
      label: 'Summarize',
    },
  ]);
  const run = await api.execute(workflowId, {});
  expect(run.status).toBe('succeeded');

  await go(`/executions/${run.id}?step=summarize`);
  await expect(page.getByTestId('execution-ai-cost')).toContainText('tokens');
  const inspector = page.getByTestId('step-inspector');
  await expect(inspector.getByTestId('step-ai-model')).toHaveText(/^[a-z0-9-]+\/.+/);
  await expect(inspector.getByTestId('step-ai-tokens')).toHaveText(/^[\d,]+ in \/ [\d,]+ out tokens$/);
  await expect(inspector.getByTestId('step-ai-cost')).toHaveText(/^\$\d/);
  await inspector.getByText(/^1 call/).click();
  await expect(inspector.getByTestId('step-ai-attempts')).toContainText('OK');
  await expect(inspector.getByTestId('step-output')).not.toBeEmpty();
  await page.screenshot({ path: `${SHOTS}/execution-ai-step.png`, fullPage: true });
});

test('the workflows list and the editor’s run panel link to the executions', async () => {
  await page.getByTestId('workflows-nav').click();
  await page
    .getByTestId('workflow-list')
    .getByRole('row', { name: /Greeting/ })
    .getByRole('link', { name: 'Runs' })
    .click();
  await expect(page).toHaveURL(new RegExp(`/executions\\?workflowId=${ids.greeting}`));
  await expect(page.getByTestId('executions-workflow-filter')).toHaveValue(ids.greeting);
  await expect(page.getByTestId('execution-row')).toHaveCount(2);

  await go(`/workflows/${ids.greeting}`);
  await page.getByTestId('execute-workflow-button').click();
  await expect(page.getByTestId('execution-completed')).toBeVisible({ timeout: 30_000 });
  await page.getByTestId('execution-details-link').click();
  await expect(page).toHaveURL(/\/executions\/[0-9a-f-]{36}/);
  await expect(page.getByTestId('execution-detail').getByTestId('execution-status')).toContainText('Succeeded');

  await go(`/workflows/${ids.greeting}`);
  await page.getByTestId('workflow-executions-link').click();
  await expect(page).toHaveURL(new RegExp(`/executions\\?workflowId=${ids.greeting}`));
  await expect(page.getByTestId('execution-row')).toHaveCount(3);
});
