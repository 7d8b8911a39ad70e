import type { NodeType, WorkflowNode } from '@auterity/workflow-contracts';
import { OutboundRequestError, type OutboundRequest } from '../lib/http-client';
import { NodeFailure, runNode, type NodeRun } from './nodes';
import type { EngineServices } from './types';

function nodeRun(type: NodeType, config: Record<string, unknown>, input: unknown = {}): NodeRun {
  const node: WorkflowNode = { id: 'n', type, position: { x: 0, y: 0 }, data: { config } };
  return {
    node,
    config,
    input,
    scope: { input, trigger: input, nodes: {} },
    signal: new AbortController().signal,
    request: {
      executionId: 'x',
      organizationId: 'o',
      workflowId: 'w',
      graph: { version: 1, nodes: [node], edges: [] },
      input,
      depth: 0,
      timeoutMs: 1000,
    },
  };
}

function services(overrides: Partial<EngineServices> = {}, seen: OutboundRequest[] = []): EngineServices {
  return {
    http: {
      request: async (req) => {
        seen.push(req);
        return { status: 200, headers: { 'content-type': 'text/plain' }, body: 'plain', url: req.url };
      },
    },
    ai: {
      generate: async () => ({
        text: 'not json',
        model: 'm',
        provider: 'p',
        usage: { inputTokens: 1, outputTokens: 1 },
        costUsd: '0',
      }),
    },
    resolveCredential: async () => ({ type: 'http_basic', data: { username: 'ada', password: 'pw' } }),
    runSubWorkflow: async () => ({ status: 'failed', output: null, error: { code: 'x', message: 'boom' } }),
    ...overrides,
  };
}

async function failure(promise: Promise<unknown>): Promise<NodeFailure> {
  try {
    await promise;
  } catch (err) {
    if (err instanceof NodeFailure) return err;
    throw err;
  }
  throw new Error('expected a NodeFailure');
}

describe('HTTP request node', () => {
  it.each([
    ['http_basic', { username: 'ada', password: 'pw' }, { authorization: `Basic ${Buffer.from('ada:pw').toString('base64')}` }],
    ['http_header', { name: 'X-Token', value: 'abc' }, { 'x-token': 'abc' }],
    ['api_key', { apiKey: 'sk-1' }, { authorization: 'Bearer sk-1' }],
    ['oauth2', { accessToken: 'at-1' }, { authorization: 'Bearer at-1' }],
  ])('authenticates with a %s credential', async (type, data, expected) => {
    const seen: OutboundRequest[] = [];
    const s = services({ resolveCredential: async () => ({ type, data }) }, seen);

    await runNode(nodeRun('http.request', { method: 'GET', url: 'https://x.test/', credentialId: 'c' }), s);

    expect(seen[0]?.headers).toMatchObject(expected);
  });

  it('refuses a credential type that cannot authenticate HTTP', async () => {
    const s = services({ resolveCredential: async () => ({ type: 'smtp', data: {} }) });

    const err = await failure(runNode(nodeRun('http.request', { url: 'https://x.test/', credentialId: 'c' }), s));

    expect(err.code).toBe('credential_unsupported');
  });

  it('reports a deleted credential without details', async () => {
    const s = services({ resolveCredential: async () => Promise.reject(new Error('row gone: SELECT …')) });

    const err = await failure(runNode(nodeRun('http.request', { url: 'https://x.test/', credentialId: 'c' }), s));

    expect(err).toMatchObject({
      code: 'credential_unavailable',
      message: 'The credential this node uses was deleted or cannot be read',
    });
  });

  it.each([
    ['not a url', 'The URL is not valid'],
    ['ftp://x.test/file', 'The URL must start with http:// or https://'],
  ])('refuses the URL %s', async (url, message) => {
    const err = await failure(runNode(nodeRun('http.request', { url }), services()));

    expect(err).toMatchObject({ code: 'invalid_url', message });
  });

  it('sends string bodies as they are and no body on GET', async () => {
    const seen: OutboundRequest[] = [];
    const s = services({}, seen);

    await runNode(nodeRun('http.request', { method: 'POST', url: 'https://x.test/', body: 'raw {{ a }}' }, { a: 1 }), s);
    await runNode(nodeRun('http.request', { method: 'GET', url: 'https://x.test/', body: { ignored: true } }), s);

    expect(seen[0]).toMatchObject({ body: 'raw 1' });
    expect(seen[0]?.headers?.['content-type']).toBeUndefined();
    expect(seen[1]?.body).toBeUndefined();
  });

  it('keeps non-JSON and malformed JSON bodies as text, and can accept error statuses', async () => {
    const http = {
      request: async () => ({ status: 404, headers: { 'content-type': 'application/json' }, body: '{not json', url: 'x' }),
    };

    const result = await runNode(nodeRun('http.request', { url: 'https://x.test/', failOnHttpError: false }), services({ http }));
    const plain = await runNode(nodeRun('http.request', { url: 'https://x.test/' }), services());

    expect(result.output).toEqual({ status: 404, headers: { 'content-type': 'application/json' }, body: '{not json' });
    expect(plain.output).toMatchObject({ body: 'plain' });
  });

  it('maps guarded-client errors to their code and anything else to network_error', async () => {
    const blocked = services({
      http: { request: async () => Promise.reject(new OutboundRequestError('timeout', 'The request timed out')) },
    });
    const broken = services({ http: { request: async () => Promise.reject(new Error('socket hang up at 10.0.0.1')) } });

    const a = await failure(runNode(nodeRun('http.request', { url: 'https://x.test/' }), blocked));
    const b = await failure(runNode(nodeRun('http.request', { url: 'https://x.test/' }), broken));

    expect(a).toMatchObject({ code: 'timeout', message: 'The request timed out' });
    expect(b).toMatchObject({ code: 'network_error', message: 'The request to x.test failed' });
  });
});

describe('other nodes', () => {
  it('fails an AI node whose JSON answer does not parse', async () => {
    const err = await failure(
      runNode(
        nodeRun('ai.generate', { prompt: 'x', json: true, system: 'be brief', temperature: 0, maxTokens: 5, credentialId: 'c' }),
        services(),
      ),
    );

    expect(err.code).toBe('ai_invalid_json');
  });

  it('fails a sub-workflow call when the child fails', async () => {
    const err = await failure(runNode(nodeRun('workflow.call', { workflowId: 'w2' }), services()));

    expect(err).toMatchObject({ code: 'subworkflow_failed', message: 'The sub-workflow failed: boom' });
  });

  it('merges branches into an array, and a switch on a number matches its case', async () => {
    const merged = await runNode(
      nodeRun('merge', { mode: 'array' }, [
        { source: 'a', value: 1 },
        { source: 'b', value: 2 },
      ]),
      services(),
    );
    const switched = await runNode(
      nodeRun('switch', { expression: 'n', cases: [{ value: '1' }, { value: 2 }] }, { n: 2 }),
      services(),
    );

    expect(merged.output).toEqual([1, 2]);
    expect(switched.handles).toEqual(['case-1']);
  });

  it('renders the Respond value, the node input by default', async () => {
    const result = await runNode(nodeRun('respond', {}, { a: 1 }), services());

    expect(result.output).toEqual({ a: 1 });
  });

  it('stops a delay when aborted', async () => {
    const controller = new AbortController();
    const run = { ...nodeRun('delay', { ms: 10_000 }), signal: controller.signal };
    controller.abort(new Error('stop'));

    await expect(runNode(run, services())).rejects.toThrow('stop');
  });
});
