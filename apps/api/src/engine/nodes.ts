import type { WorkflowNode } from '@auterity/workflow-contracts';
import { OutboundRequestError } from '../lib/http-client';
import { evaluateExpression, ExpressionError, isTruthy, renderTemplate, type ExpressionScope } from './expressions';
import { sleep } from './sleep';
import type { EngineServices, RunRequest, StepRecord } from './types';

/** Deepest sub-workflow nesting; a call beyond it fails instead of recursing forever. */
export const MAX_SUBWORKFLOW_DEPTH = 5;

/** A node failure with a stable code and a message safe to show users. */
export class NodeFailure extends Error {
  override name = 'NodeFailure';
  constructor(
    readonly code: string,
    message: string,
    /** What the failed step still records (an AI node's attempts). */
    readonly usage?: Pick<StepRecord, 'aiAttempts'>,
  ) {
    super(message);
  }
}

/** What a node produced, and which output handles it took (all of them when undefined). */
export interface NodeOutcome {
  output: unknown;
  handles?: string[];
  usage?: Pick<StepRecord, 'model' | 'tokens' | 'cost' | 'aiAttempts'>;
}

export interface NodeRun {
  node: WorkflowNode;
  config: Record<string, unknown>;
  input: unknown;
  scope: ExpressionScope;
  signal: AbortSignal;
  request: RunRequest;
}

type Runner = (run: NodeRun, services: EngineServices) => Promise<NodeOutcome>;

const str = (v: unknown) => (typeof v === 'string' ? v : v === undefined || v === null ? '' : JSON.stringify(v));

async function evaluate(source: unknown, scope: ExpressionScope): Promise<unknown> {
  try {
    return await evaluateExpression(String(source), scope);
  } catch (err) {
    if (err instanceof ExpressionError) throw new NodeFailure('expression_error', err.message);
    throw err;
  }
}

async function render(value: unknown, scope: ExpressionScope): Promise<unknown> {
  try {
    return await renderTemplate(value, scope);
  } catch (err) {
    if (err instanceof ExpressionError) throw new NodeFailure('expression_error', err.message);
    throw err;
  }
}

function authHeaders(credential: { type: string; data: Record<string, unknown> }): Record<string, string> {
  const d = credential.data;
  switch (credential.type) {
    case 'http_bearer':
      return { authorization: `Bearer ${str(d['token'])}` };
    case 'oauth2':
      return { authorization: `Bearer ${str(d['accessToken'])}` };
    case 'http_basic':
      return { authorization: `Basic ${Buffer.from(`${str(d['username'])}:${str(d['password'])}`).toString('base64')}` };
    case 'http_header':
      return { [str(d['name']).toLowerCase()]: str(d['value']) };
    case 'api_key':
      return { authorization: `Bearer ${str(d['apiKey'])}` };
    default:
      throw new NodeFailure('credential_unsupported', `A ${credential.type} credential cannot authenticate an HTTP request`);
  }
}

async function resolveCredential(run: NodeRun, services: EngineServices, id: string) {
  try {
    return await services.resolveCredential(run.request.organizationId, id);
  } catch {
    throw new NodeFailure('credential_unavailable', 'The credential this node uses was deleted or cannot be read');
  }
}

const passThrough: Runner = async (run) => ({ output: run.input });

const httpRequest: Runner = async (run, services) => {
  const c = run.config;
  let target: URL;
  try {
    target = new URL(str(await render(c['url'], run.scope)).trim());
  } catch (err) {
    if (err instanceof NodeFailure) throw err;
    throw new NodeFailure('invalid_url', 'The URL is not valid');
  }
  if (target.protocol !== 'http:' && target.protocol !== 'https:') {
    throw new NodeFailure('invalid_url', 'The URL must start with http:// or https://');
  }
  const query = (await render(c['query'] ?? {}, run.scope)) as Record<string, unknown>;
  for (const [k, v] of Object.entries(query)) target.searchParams.set(k, str(v));
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries((await render(c['headers'] ?? {}, run.scope)) as Record<string, unknown>))
    headers[k.toLowerCase()] = str(v);
  let body: string | undefined;
  if (c['body'] !== undefined && c['method'] !== 'GET' && c['method'] !== 'HEAD') {
    const rendered = await render(c['body'], run.scope);
    body = typeof rendered === 'string' ? rendered : JSON.stringify(rendered);
    if (typeof rendered !== 'string') headers['content-type'] ??= 'application/json';
  }
  if (typeof c['credentialId'] === 'string')
    Object.assign(headers, authHeaders(await resolveCredential(run, services, c['credentialId'])));
  let res;
  try {
    res = await services.http.request({
      method: str(c['method'] ?? 'GET'),
      url: target.toString(),
      headers,
      ...(body !== undefined ? { body } : {}),
      ...(typeof c['timeoutMs'] === 'number' ? { timeoutMs: c['timeoutMs'] } : {}),
      signal: run.signal,
    });
  } catch (err) {
    if (run.signal.aborted) throw run.signal.reason;
    if (err instanceof OutboundRequestError) throw new NodeFailure(err.code, err.message);
    throw new NodeFailure('network_error', `The request to ${target.host} failed`);
  }
  let parsed: unknown = res.body;
  if ((res.headers['content-type'] ?? '').includes('json')) {
    try {
      parsed = JSON.parse(res.body);
    } catch {
      parsed = res.body;
    }
  }
  if (res.status >= 400 && c['failOnHttpError'] !== false) {
    throw new NodeFailure('http_error', `${target.host} answered HTTP ${res.status}`);
  }
  return { output: { status: res.status, headers: res.headers, body: parsed } };
};

const RUNNERS: Record<WorkflowNode['type'], Runner> = {
  'trigger.manual': passThrough,
  'trigger.webhook': passThrough,
  'trigger.schedule': passThrough,
  text: async (run) => ({ output: str(await render(run.config['text'], run.scope)) }),
  transform: async (run) => ({ output: await evaluate(run.config['expression'], run.scope) }),
  condition: async (run) => ({
    output: run.input,
    handles: [isTruthy(await evaluate(run.config['expression'], run.scope)) ? 'true' : 'false'],
  }),
  switch: async (run) => {
    const value = await evaluate(run.config['expression'], run.scope);
    const cases = (run.config['cases'] as { value: unknown }[] | undefined) ?? [];
    const index = cases.findIndex((c) => c.value === value || str(c.value) === str(value));
    return { output: run.input, handles: [index >= 0 ? `case-${index}` : 'default'] };
  },
  merge: async (run) => {
    const parts = run.input as { source: string; value: unknown }[];
    return {
      output:
        run.config['mode'] === 'array' ? parts.map((p) => p.value) : Object.fromEntries(parts.map((p) => [p.source, p.value])),
    };
  },
  delay: async (run) => {
    await sleep(Number(run.config['ms'] ?? 0), run.signal);
    return { output: run.input };
  },
  respond: async (run) => ({ output: await render(run.config['value'] ?? '{{ $ }}', run.scope) }),
  'http.request': httpRequest,
  'ai.generate': async (run, services) => {
    const c = run.config;
    const result = await services.ai.generate({
      organizationId: run.request.organizationId,
      workflowId: run.request.workflowId,
      executionId: run.request.executionId,
      nodeId: run.node.id,
      prompt: str(await render(c['prompt'], run.scope)),
      ...(c['system'] !== undefined ? { system: str(await render(c['system'], run.scope)) } : {}),
      model: str(c['model'] ?? 'auto'),
      ...(typeof c['temperature'] === 'number' ? { temperature: c['temperature'] } : {}),
      ...(typeof c['maxTokens'] === 'number' ? { maxTokens: c['maxTokens'] } : {}),
      ...(c['json'] === true ? { json: true } : {}),
      ...(typeof c['credentialId'] === 'string' ? { credentialId: c['credentialId'] } : {}),
      ...(Array.isArray(c['fallbacks']) ? { fallbacks: c['fallbacks'].map(String) } : {}),
      ...(typeof c['maxPricePerMTok'] === 'number' ? { maxPricePerMTok: c['maxPricePerMTok'] } : {}),
      signal: run.signal,
    });
    let output: unknown = result.text;
    if (c['json'] === true) {
      try {
        output = JSON.parse(result.text);
      } catch {
        throw new NodeFailure('ai_invalid_json', 'The model did not answer with valid JSON', {
          ...(result.attempts ? { aiAttempts: result.attempts } : {}),
        });
      }
    }
    return {
      output,
      usage: {
        model: result.model.includes('/') ? result.model : `${result.provider}/${result.model}`,
        tokens: { input: result.usage.inputTokens, output: result.usage.outputTokens },
        cost: result.costUsd,
        ...(result.attempts ? { aiAttempts: result.attempts } : {}),
      },
    };
  },
  'workflow.call': async (run, services) => {
    if (run.request.depth + 1 > MAX_SUBWORKFLOW_DEPTH) {
      throw new NodeFailure('depth_exceeded', `Sub-workflows nest at most ${MAX_SUBWORKFLOW_DEPTH} levels deep`);
    }
    const input = run.config['input'] === undefined ? run.input : await render(run.config['input'], run.scope);
    const result = await services.runSubWorkflow({
      organizationId: run.request.organizationId,
      workflowId: str(run.config['workflowId']),
      input,
      depth: run.request.depth + 1,
      parentExecutionId: run.request.executionId,
      signal: run.signal,
    });
    if (result.status !== 'succeeded') {
      throw new NodeFailure(
        'subworkflow_failed',
        `The sub-workflow ${result.status.replace('_', ' ')}: ${result.error?.message ?? 'no details'}`,
      );
    }
    return { output: result.output };
  },
};

/** Runs one node once; throws NodeFailure (or the abort reason) when it fails. */
export function runNode(run: NodeRun, services: EngineServices): Promise<NodeOutcome> {
  return RUNNERS[run.node.type](run, services);
}
