import { z } from 'zod';
import { AiModelSelectorSchema } from '../ai/ai';
import { findCycle, type GraphIssue, type NodeType, type WorkflowGraph, type WorkflowNode } from './graph';

export const TEXT_MAX = 100_000;
export const EXPRESSION_MAX = 10_000;
export const DELAY_MAX_MS = 300_000;
export const SWITCH_CASES_MAX = 20;
export const HTTP_METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD'] as const;

const required = (label: string, max: number) =>
  z
    .string({ error: `${label} is required` })
    .trim()
    .min(1, `${label} is required`)
    .max(max);
const expression = (label: string) => required(label, EXPRESSION_MAX);
const stringMap = z.record(z.string().max(200), z.string().max(10_000));

/** Config of each node type, checked strictly (unknown keys are errors) before a workflow runs. */
export const NodeConfigSchemas = {
  'trigger.manual': z.object({}).strict(),
  'trigger.webhook': z
    .object({
      /** Requests per minute accepted on this workflow's webhook URL. */
      rateLimitPerMinute: z.number().int().min(1).max(100_000).optional(),
    })
    .strict(),
  'trigger.schedule': z
    .object({
      /** Five- or six-field cron expression, e.g. `0 9 * * 1-5`. */
      cron: required('Cron expression', 120),
      /** IANA time zone the cron expression is read in. */
      timezone: z.string().max(64).default('UTC'),
    })
    .strict(),
  text: z.object({ text: z.string({ error: 'Text is required' }).max(TEXT_MAX) }).strict(),
  'ai.generate': z
    .object({
      prompt: required('Prompt', TEXT_MAX),
      system: z.string().max(TEXT_MAX).optional(),
      /** `provider/model`, or `auto` / `auto:cheapest|fastest|best` to let the router pick. */
      model: AiModelSelectorSchema.default('auto'),
      /** Models tried in this order when the chosen one fails (429, 5xx, timeout, outage). */
      fallbacks: z.array(AiModelSelectorSchema).max(5).optional(),
      /** For `auto:best`: only models whose output price (USD per million tokens) is at most this. */
      maxPricePerMTok: z.number().min(0).max(10_000).optional(),
      temperature: z.number().min(0).max(2).optional(),
      maxTokens: z.number().int().min(1).max(200_000).optional(),
      /** Ask for a JSON answer; the output is then parsed. */
      json: z.boolean().optional(),
      credentialId: z.uuid().optional(),
    })
    .strict(),
  'http.request': z
    .object({
      method: z.enum(HTTP_METHODS).default('GET'),
      url: required('URL', 4000),
      headers: stringMap.optional(),
      query: stringMap.optional(),
      body: z.unknown().optional(),
      credentialId: z.uuid().optional(),
      timeoutMs: z.number().int().min(1).max(300_000).optional(),
      /** When true (default) a 4xx/5xx answer fails the node. */
      failOnHttpError: z.boolean().optional(),
    })
    .strict(),
  transform: z.object({ expression: expression('Expression') }).strict(),
  condition: z.object({ expression: expression('Condition') }).strict(),
  switch: z
    .object({
      expression: expression('Expression'),
      cases: z
        .array(z.object({ value: z.union([z.string().max(1000), z.number(), z.boolean()]) }).strict())
        .min(1, 'Add at least one case')
        .max(SWITCH_CASES_MAX),
    })
    .strict(),
  merge: z.object({ mode: z.enum(['object', 'array']).default('object') }).strict(),
  delay: z.object({ ms: z.number({ error: 'Delay is required' }).int().min(0).max(DELAY_MAX_MS) }).strict(),
  'workflow.call': z.object({ workflowId: z.uuid({ error: 'Pick a workflow' }), input: z.unknown().optional() }).strict(),
  respond: z
    .object({
      value: z.unknown().optional(),
      /** HTTP status a webhook caller receives. */
      status: z.number().int().min(200).max(599).default(200),
    })
    .strict(),
} satisfies Record<NodeType, z.ZodType>;

export type NodeConfig<T extends NodeType> = z.output<(typeof NodeConfigSchemas)[T]>;

export type NodeCategory = 'trigger' | 'ai' | 'action' | 'logic' | 'data' | 'output';

/** What the palette shows and the engine needs to know about a node type. */
export interface NodeTypeDefinition {
  type: NodeType;
  label: string;
  description: string;
  /** Icon name from the studio's icon set. */
  icon: string;
  category: NodeCategory;
  /** Input handle ids; triggers have none. */
  inputs: readonly string[];
  /** Output handle ids for a given config (a switch has one per case). */
  outputs(config: Record<string, unknown>): string[];
  /** Config a new node of this type starts with. */
  defaults: Record<string, unknown>;
}

const single = () => ['out'];
const IN = ['in'] as const;

/** The one registry of node types: the API validates and runs from it, the studio draws from it. */
export const NODE_TYPE_DEFINITIONS: Readonly<Record<NodeType, NodeTypeDefinition>> = {
  'trigger.manual': {
    type: 'trigger.manual',
    label: 'Manual trigger',
    description: 'Starts the workflow from the studio or the API with a JSON input',
    icon: 'play',
    category: 'trigger',
    inputs: [],
    outputs: single,
    defaults: {},
  },
  'trigger.webhook': {
    type: 'trigger.webhook',
    label: 'Webhook',
    description: 'Starts the workflow when its secret URL is called; body and query are the input',
    icon: 'webhook',
    category: 'trigger',
    inputs: [],
    outputs: single,
    defaults: {},
  },
  'trigger.schedule': {
    type: 'trigger.schedule',
    label: 'Schedule',
    description: 'Starts the workflow on a cron schedule in a time zone',
    icon: 'clock',
    category: 'trigger',
    inputs: [],
    outputs: single,
    defaults: { cron: '0 9 * * *', timezone: 'UTC' },
  },
  text: {
    type: 'text',
    label: 'Text',
    description: 'Emits a text; {{ }} templates insert earlier values',
    icon: 'type',
    category: 'data',
    inputs: IN,
    outputs: single,
    defaults: { text: '' },
  },
  'ai.generate': {
    type: 'ai.generate',
    label: 'AI: generate text',
    description: 'Calls a language model with a prompt template',
    icon: 'sparkles',
    category: 'ai',
    inputs: IN,
    outputs: single,
    defaults: { prompt: '', model: 'auto' },
  },
  'http.request': {
    type: 'http.request',
    label: 'HTTP request',
    description: 'Calls an HTTP API (public addresses only unless allowed by the administrator)',
    icon: 'globe',
    category: 'action',
    inputs: IN,
    outputs: single,
    defaults: { method: 'GET', url: '' },
  },
  transform: {
    type: 'transform',
    label: 'Transform',
    description: 'Reshapes data with a JSONata expression',
    icon: 'shuffle',
    category: 'data',
    inputs: IN,
    outputs: single,
    defaults: { expression: '$' },
  },
  condition: {
    type: 'condition',
    label: 'If / else',
    description: 'Takes the true or the false branch',
    icon: 'git-branch',
    category: 'logic',
    inputs: IN,
    outputs: () => ['true', 'false'],
    defaults: { expression: '' },
  },
  switch: {
    type: 'switch',
    label: 'Switch',
    description: 'Takes the branch whose case equals the expression, or the default branch',
    icon: 'list-tree',
    category: 'logic',
    inputs: IN,
    outputs: (config) => {
      const cases = Array.isArray(config['cases']) ? config['cases'] : [];
      return [...cases.map((_, i) => `case-${i}`), 'default'];
    },
    defaults: { expression: '', cases: [{ value: '' }] },
  },
  merge: {
    type: 'merge',
    label: 'Merge',
    description: 'Waits for every incoming branch and combines their outputs',
    icon: 'merge',
    category: 'logic',
    inputs: IN,
    outputs: single,
    defaults: { mode: 'object' },
  },
  delay: {
    type: 'delay',
    label: 'Delay',
    description: 'Waits before going on (up to 5 minutes)',
    icon: 'hourglass',
    category: 'logic',
    inputs: IN,
    outputs: single,
    defaults: { ms: 1000 },
  },
  'workflow.call': {
    type: 'workflow.call',
    label: 'Sub-workflow',
    description: 'Runs another workflow of the organization and returns its output',
    icon: 'workflow',
    category: 'action',
    inputs: IN,
    outputs: single,
    defaults: {},
  },
  respond: {
    type: 'respond',
    label: 'Respond',
    description: 'The value returned to the caller or webhook',
    icon: 'reply',
    category: 'output',
    inputs: IN,
    outputs: () => [],
    defaults: { value: '{{ $ }}', status: 200 },
  },
};

export function isTriggerType(type: NodeType): boolean {
  return NODE_TYPE_DEFINITIONS[type].category === 'trigger';
}

/** Parses a node's config strictly for its type; issues carry `config.<field>` paths. */
export function parseNodeConfig(
  node: Pick<WorkflowNode, 'id' | 'type' | 'data'>,
): { ok: true; config: Record<string, unknown> } | { ok: false; issues: GraphIssue[] } {
  const result = NodeConfigSchemas[node.type].safeParse(node.data.config);
  if (result.success) return { ok: true, config: result.data as Record<string, unknown> };
  return {
    ok: false,
    issues: result.error.issues.map((issue) => ({
      nodeId: node.id,
      field: ['config', ...issue.path.map(String)].join('.'),
      message: issue.code === 'unrecognized_keys' ? `Unknown field(s): ${issue.keys.join(', ')}` : issue.message,
    })),
  };
}

/**
 * Checks what can be checked without the server: known handles, no dangling edges, no cycles, at
 * most one trigger, unique ids, every node's config complete. The API adds expression, credential
 * and sub-workflow checks on top.
 */
export function validateGraph(graph: WorkflowGraph): GraphIssue[] {
  const issues: GraphIssue[] = [];
  const byId = new Map<string, WorkflowNode>();
  for (const node of graph.nodes) {
    if (byId.has(node.id)) issues.push({ nodeId: node.id, field: null, message: `Duplicate node id ${node.id}` });
    byId.set(node.id, node);
  }
  const triggers = graph.nodes.filter((n) => isTriggerType(n.type));
  if (triggers.length > 1) {
    for (const t of triggers.slice(1)) {
      issues.push({ nodeId: t.id, field: null, message: 'A workflow has at most one trigger' });
    }
  }
  const configs = new Map<string, Record<string, unknown>>();
  for (const node of graph.nodes) {
    const parsed = parseNodeConfig(node);
    if (parsed.ok) configs.set(node.id, parsed.config);
    else issues.push(...parsed.issues);
  }
  for (const edge of graph.edges) {
    const source = byId.get(edge.source);
    const target = byId.get(edge.target);
    if (!source || !target) {
      issues.push({
        nodeId: source ? null : edge.source,
        field: `edges.${edge.id}`,
        message: `Edge ${edge.id} connects a node that does not exist (${source ? edge.target : edge.source})`,
      });
      continue;
    }
    const outputs = NODE_TYPE_DEFINITIONS[source.type].outputs(configs.get(source.id) ?? source.data.config);
    const handle = edge.sourceHandle ?? outputs[0];
    if (!handle || !outputs.includes(handle)) {
      issues.push({
        nodeId: source.id,
        field: `edges.${edge.id}`,
        message: `${NODE_TYPE_DEFINITIONS[source.type].label} has no output "${edge.sourceHandle ?? 'out'}"`,
      });
    }
    const inputs = NODE_TYPE_DEFINITIONS[target.type].inputs;
    if (inputs.length === 0 || (edge.targetHandle && !inputs.includes(edge.targetHandle))) {
      issues.push({
        nodeId: target.id,
        field: `edges.${edge.id}`,
        message: `${NODE_TYPE_DEFINITIONS[target.type].label} has no input${edge.targetHandle ? ` "${edge.targetHandle}"` : ''}`,
      });
    }
  }
  const cycle = findCycle(graph);
  if (cycle) {
    issues.push({ nodeId: cycle[0] ?? null, field: null, message: `The workflow loops: ${[...cycle, cycle[0]].join(' → ')}` });
  }
  if (graph.nodes.length === 0) issues.push({ nodeId: null, field: null, message: 'The workflow has no nodes' });
  return issues;
}
