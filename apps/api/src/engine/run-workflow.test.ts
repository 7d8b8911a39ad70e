import type { NodeType, WorkflowGraph } from '@auterity/workflow-contracts';
import { OutboundRequestError } from '../lib/http-client';
import { capPayload, runWorkflow } from './run-workflow';
import type { EngineServices, RunRequest } from './types';
import { validateForRun } from './validate';
import { evaluateExpression, renderTemplate } from './expressions';

type N = { id: string; type: NodeType; config?: Record<string, unknown>; settings?: Record<string, unknown> };

function graph(nodes: N[], edges: [string, string, string?][]): WorkflowGraph {
  return {
    version: 1,
    nodes: nodes.map((n) => ({
      id: n.id,
      type: n.type,
      position: { x: 0, y: 0 },
      data: { config: n.config ?? {}, ...(n.settings ? { settings: n.settings } : {}) },
    })),
    edges: edges.map(([source, target, sourceHandle], i) => ({
      id: `e${i}`,
      source,
      target,
      ...(sourceHandle ? { sourceHandle } : {}),
    })),
  };
}

function services(overrides: Partial<EngineServices> = {}): EngineServices {
  return {
    http: {
      request: async () => ({ status: 200, headers: { 'content-type': 'application/json' }, body: '{"ok":true}', url: 'x' }),
    },
    ai: {
      generate: async (r) => ({
        text: `echo: ${r.prompt}`,
        model: 'm',
        provider: 'p',
        usage: { inputTokens: 3, outputTokens: 4 },
        costUsd: '0.000100',
      }),
    },
    resolveCredential: async () => ({ type: 'http_bearer', data: { token: 'secret-token' } }),
    runSubWorkflow: async (r) => ({ status: 'succeeded', output: { sub: r.input }, error: null }),
    ...overrides,
  };
}

function request(g: WorkflowGraph, input: unknown = {}, extra: Partial<RunRequest> = {}): RunRequest {
  return { executionId: 'x1', organizationId: 'o1', workflowId: 'w1', graph: g, input, depth: 0, timeoutMs: 5000, ...extra };
}

describe('runWorkflow', () => {
  it('runs a lone Text node and outputs it by node id', async () => {
    const g = graph([{ id: 'hello', type: 'text', config: { text: 'Hello World' } }], []);

    const result = await runWorkflow(request(g), services());

    expect(result.status).toBe('succeeded');
    expect(result.output).toEqual({ hello: 'Hello World' });
    expect(result.steps.map((s) => [s.nodeId, s.status, s.attempts])).toEqual([['hello', 'succeeded', 1]]);
  });

  it('passes data from the trigger through a transform to the respond node', async () => {
    const g = graph(
      [
        { id: 't', type: 'trigger.manual' },
        { id: 'x', type: 'transform', config: { expression: '{ "total": $sum(items.price), "who": $trigger.name }' } },
        {
          id: 'r',
          type: 'respond',
          config: { value: { greeting: 'Hi {{ $trigger.name }}', total: '{{ total }}' }, status: 201 },
        },
      ],
      [
        ['t', 'x'],
        ['x', 'r'],
      ],
    );

    const result = await runWorkflow(request(g, { name: 'Ada', items: [{ price: 2 }, { price: 3 }] }), services());

    expect(result.status).toBe('succeeded');
    expect(result.output).toEqual({ greeting: 'Hi Ada', total: 5 });
    expect(result.response).toEqual({ status: 201, value: { greeting: 'Hi Ada', total: 5 } });
  });

  it('takes one branch of a condition and skips the other', async () => {
    const g = graph(
      [
        { id: 'c', type: 'condition', config: { expression: 'amount > 100' } },
        { id: 'big', type: 'text', config: { text: 'big' } },
        { id: 'small', type: 'text', config: { text: 'small' } },
        { id: 'after', type: 'text', config: { text: 'after small: {{ $ }}' } },
      ],
      [
        ['c', 'big', 'true'],
        ['c', 'small', 'false'],
        ['small', 'after'],
      ],
    );

    const result = await runWorkflow(request(g, { amount: 500 }), services());

    expect(result.status).toBe('succeeded');
    const status = Object.fromEntries(result.steps.map((s) => [s.nodeId, s.status]));
    expect(status).toEqual({ c: 'succeeded', big: 'succeeded', small: 'skipped', after: 'skipped' });
    expect(result.output).toEqual({ big: 'big' });
  });

  it('routes a switch to the matching case or the default', async () => {
    const g = graph(
      [
        { id: 's', type: 'switch', config: { expression: 'kind', cases: [{ value: 'a' }, { value: 'b' }] } },
        { id: 'A', type: 'text', config: { text: 'A' } },
        { id: 'B', type: 'text', config: { text: 'B' } },
        { id: 'D', type: 'text', config: { text: 'D' } },
      ],
      [
        ['s', 'A', 'case-0'],
        ['s', 'B', 'case-1'],
        ['s', 'D', 'default'],
      ],
    );

    expect((await runWorkflow(request(g, { kind: 'b' }), services())).output).toEqual({ B: 'B' });
    expect((await runWorkflow(request(g, { kind: 'zzz' }), services())).output).toEqual({ D: 'D' });
  });

  it('merges concurrent branches after both finish', async () => {
    const g = graph(
      [
        { id: 'a', type: 'delay', config: { ms: 30 } },
        { id: 'b', type: 'delay', config: { ms: 30 } },
        { id: 'ta', type: 'text', config: { text: 'A' } },
        { id: 'tb', type: 'text', config: { text: 'B' } },
        { id: 'm', type: 'merge', config: { mode: 'object' } },
      ],
      [
        ['a', 'ta'],
        ['b', 'tb'],
        ['ta', 'm'],
        ['tb', 'm'],
      ],
    );

    const result = await runWorkflow(request(g), services());

    expect(result.output).toEqual({ m: { ta: 'A', tb: 'B' } });
    // The two delays ran side by side: each started before the other finished.
    const step = (id: string) => result.steps.find((s) => s.nodeId === id);
    expect(step('b')?.startedAt.getTime()).toBeLessThan(step('a')?.completedAt.getTime() ?? 0);
    expect(step('a')?.startedAt.getTime()).toBeLessThan(step('b')?.completedAt.getTime() ?? 0);
  });

  it('retries a failing node with backoff and records the attempts', async () => {
    let calls = 0;
    const http = {
      request: async () => {
        calls++;
        if (calls < 3) throw new OutboundRequestError('network_error', 'connection refused');
        return { status: 200, headers: {}, body: 'fine', url: 'x' };
      },
    };
    const g = graph(
      [
        {
          id: 'h',
          type: 'http.request',
          config: { url: 'https://api.example.com/x' },
          settings: { retries: 2, retryBackoffMs: 5 },
        },
      ],
      [],
    );

    const result = await runWorkflow(request(g), services({ http }));

    expect(result.status).toBe('succeeded');
    expect(result.steps[0]?.attempts).toBe(3);
    expect(result.output).toEqual({ h: { status: 200, headers: {}, body: 'fine' } });
  });

  it('fails the execution with the node id and message when retries run out', async () => {
    const http = { request: async () => ({ status: 503, headers: {}, body: 'down', url: 'x' }) };
    const g = graph(
      [
        {
          id: 'h',
          type: 'http.request',
          config: { url: 'https://api.example.com/x' },
          settings: { retries: 1, retryBackoffMs: 1 },
        },
        { id: 'next', type: 'text', config: { text: 'never' } },
      ],
      [['h', 'next']],
    );

    const result = await runWorkflow(request(g), services({ http }));

    expect(result.status).toBe('failed');
    expect(result.error).toEqual({ code: 'http_error', message: 'api.example.com answered HTTP 503', nodeId: 'h' });
    expect(result.steps.map((s) => s.nodeId)).toEqual(['h']);
  });

  it('goes on after a failing node set to continue on error', async () => {
    const http = { request: async () => ({ status: 500, headers: {}, body: '', url: 'x' }) };
    const g = graph(
      [
        { id: 'h', type: 'http.request', config: { url: 'https://x.test/' }, settings: { continueOnError: true } },
        { id: 'n', type: 'transform', config: { expression: 'error.code' } },
      ],
      [['h', 'n']],
    );

    const result = await runWorkflow(request(g), services({ http }));

    expect(result.status).toBe('succeeded');
    expect(result.output).toEqual({ n: 'http_error' });
  });

  it('aborts a node that exceeds its timeout', async () => {
    const g = graph([{ id: 'd', type: 'delay', config: { ms: 5000 }, settings: { timeoutMs: 20 } }], []);

    const result = await runWorkflow(request(g), services());

    expect(result.status).toBe('failed');
    expect(result.error?.code).toBe('node_timeout');
  });

  it('ends timed_out when the whole execution runs out of time', async () => {
    const g = graph([{ id: 'd', type: 'delay', config: { ms: 5000 } }], []);

    const result = await runWorkflow(request(g, {}, { timeoutMs: 30 }), services());

    expect(result.status).toBe('timed_out');
    expect(result.steps[0]?.status).toBe('cancelled');
  });

  it('stops at cancellation, aborting the step in flight', async () => {
    const controller = new AbortController();
    const g = graph(
      [
        { id: 'd', type: 'delay', config: { ms: 5000 } },
        { id: 'after', type: 'text', config: { text: 'x' } },
      ],
      [['d', 'after']],
    );
    setTimeout(() => controller.abort(), 20);

    const result = await runWorkflow(request(g, {}, { signal: controller.signal }), services());

    expect(result.status).toBe('cancelled');
    expect(result.steps.map((s) => [s.nodeId, s.status])).toEqual([['d', 'cancelled']]);
    expect(result.durationMs).toBeLessThan(1000);
  });

  it('records model, tokens and cost of AI steps and parses JSON answers', async () => {
    const ai = {
      generate: async () => ({
        text: '{"a":1}',
        model: 'gpt',
        provider: 'openai',
        usage: { inputTokens: 10, outputTokens: 2 },
        costUsd: '0.002',
      }),
    };
    const g = graph([{ id: 'ai', type: 'ai.generate', config: { prompt: 'Say {{ word }}', json: true } }], []);

    const result = await runWorkflow(request(g, { word: 'hi' }), services({ ai }));

    expect(result.output).toEqual({ ai: { a: 1 } });
    expect(result.steps[0]).toMatchObject({ model: 'openai/gpt', tokens: { input: 10, output: 2 }, cost: '0.002' });
  });

  it('adds the credential to the HTTP call without recording it', async () => {
    const seen: Record<string, string>[] = [];
    const http = {
      request: async (r: { headers?: Record<string, string> }) => {
        seen.push(r.headers ?? {});
        return { status: 200, headers: {}, body: 'ok', url: 'x' };
      },
    };
    const g = graph(
      [
        {
          id: 'h',
          type: 'http.request',
          config: { url: 'https://x.test/', credentialId: '00000000-0000-4000-8000-000000000001' },
        },
      ],
      [],
    );

    const result = await runWorkflow(request(g), services({ http }));

    expect(seen[0]?.authorization).toBe('Bearer secret-token');
    expect(JSON.stringify(result)).not.toContain('secret-token');
  });

  it('refuses sub-workflows nested too deep', async () => {
    const g = graph([{ id: 'call', type: 'workflow.call', config: { workflowId: '00000000-0000-4000-8000-000000000001' } }], []);

    const ok = await runWorkflow(request(g, { a: 1 }), services());
    const deep = await runWorkflow(request(g, {}, { depth: 5 }), services());

    expect(ok.output).toEqual({ call: { sub: { a: 1 } } });
    expect(deep.error?.code).toBe('depth_exceeded');
  });

  it('reports an expression that fails at run time as a node failure', async () => {
    const g = graph([{ id: 'x', type: 'transform', config: { expression: '$number("abc") + 1' } }], []);

    const result = await runWorkflow(request(g), services());

    expect(result.status).toBe('failed');
    expect(result.error?.code).toBe('expression_error');
  });
});

describe('validateForRun', () => {
  it('lists every problem with the node and field it belongs to', () => {
    const g = graph(
      [
        { id: 'a', type: 'trigger.manual' },
        { id: 'b', type: 'trigger.schedule', config: { cron: 'not a cron', timezone: 'Mars/Base' } },
        { id: 'h', type: 'http.request', config: { url: '', bogus: 1 } },
        { id: 'x', type: 'transform', config: { expression: '$$$(' } },
        { id: 't', type: 'text', config: { text: 'hi {{ ( }}' } },
      ],
      [
        ['a', 'x'],
        ['x', 'a'],
        ['x', 'ghost'],
      ],
    );

    const issues = validateForRun(g);

    expect(issues).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ nodeId: 'b', message: 'A workflow has at most one trigger' }),
        expect.objectContaining({ nodeId: 'b', field: 'config.timezone' }),
        expect.objectContaining({ nodeId: 'h', field: 'config.url', message: 'URL is required' }),
        expect.objectContaining({ nodeId: 'h', field: 'config', message: 'Unknown field(s): bogus' }),
        expect.objectContaining({ nodeId: 'x', field: 'config.expression' }),
        expect.objectContaining({ nodeId: 't', field: 'config.text' }),
        expect.objectContaining({ field: 'edges.e2' }),
        expect.objectContaining({ nodeId: 'a', field: 'edges.e1' }),
      ]),
    );
    expect(issues.some((i) => i.message.startsWith('The workflow loops'))).toBe(true);
  });

  it('accepts a complete graph', () => {
    const g = graph(
      [
        { id: 's', type: 'trigger.schedule', config: { cron: '*/5 * * * *', timezone: 'Europe/Paris' } },
        { id: 't', type: 'text', config: { text: 'tick at {{ $trigger.firedAt }}' } },
      ],
      [['s', 't']],
    );

    expect(validateForRun(g)).toEqual([]);
  });
});

describe('expressions', () => {
  const scope = { input: { a: { b: [1, 2] }, n: 2 }, trigger: { t: 1 }, nodes: { x: { y: 'z' } } };

  it.each([
    ['a.b', [1, 2]],
    ['$', scope.input],
    ['$trigger.t', 1],
    ['$nodes.x.y', 'z'],
    ['n * 2', 4],
    ['missing.deep', undefined],
    ['true', true],
  ])('evaluates %s', async (expr, expected) => {
    expect(await evaluateExpression(expr, scope)).toEqual(expected);
  });

  it('renders whole templates as values and mixed ones as text', async () => {
    expect(await renderTemplate('{{ a }}', scope)).toEqual({ b: [1, 2] });
    expect(await renderTemplate('n={{ n }} a={{ a }} none={{ nope }}', scope)).toBe('n=2 a={"b":[1,2]} none=');
    expect(await renderTemplate(['{{ n }}', { k: 7 }], scope)).toEqual([2, { k: 7 }]);
  });

  it('caps big payloads with a marker', () => {
    expect(capPayload('x'.repeat(100), 50)).toEqual({ $truncated: true, bytes: 102, preview: expect.any(String) });
    expect(capPayload(undefined)).toBeNull();
  });

  it('keeps small payloads as they are and measures the unusual ones exactly', () => {
    const small = { a: [1, 'two', null, true], b: { c: 'é' } };
    expect(capPayload(small, 200)).toBe(small);
    // Over the cheap bound (6 bytes per character) but within the exact size: kept.
    expect(capPayload('x'.repeat(40), 50)).toBe('x'.repeat(40));
    // Many small values add up past the limit.
    expect(
      capPayload(
        Array.from({ length: 30 }, () => ({ k: 'v' })),
        100,
      ),
    ).toMatchObject({ $truncated: true });
    // Dates and toJSON are measured by JSON.stringify itself.
    const dated = { at: new Date(0) };
    expect(capPayload(dated, 100)).toBe(dated);
    expect(capPayload({ toJSON: () => 'x'.repeat(100) }, 50)).toMatchObject({ $truncated: true, bytes: 102 });
  });
});
