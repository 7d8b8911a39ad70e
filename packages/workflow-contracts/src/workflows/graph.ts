import { z } from 'zod';

/** Version of the stored graph format; bumped only with a migration of stored graphs. */
export const GRAPH_FORMAT_VERSION = 1;
export const GRAPH_NODES_MAX = 500;
export const GRAPH_EDGES_MAX = 2000;
export const NODE_ID_MAX = 64;
export const NODE_LABEL_MAX = 100;

/** Every node type the engine runs and the studio draws. */
export const NODE_TYPES = [
  'trigger.manual',
  'trigger.webhook',
  'trigger.schedule',
  'text',
  'ai.generate',
  'http.request',
  'transform',
  'condition',
  'switch',
  'merge',
  'delay',
  'workflow.call',
  'respond',
] as const;
export const NodeTypeSchema = z.enum(NODE_TYPES, {
  error: (issue) => `Unknown node type ${JSON.stringify(issue.input)}; expected one of ${NODE_TYPES.join(', ')}`,
});
export type NodeType = z.infer<typeof NodeTypeSchema>;

/**
 * Per-node execution settings, the same for every node type: retries with exponential backoff and
 * jitter, a timeout, and whether a failure stops the execution.
 */
export const NodeSettingsSchema = z
  .object({
    /** Extra attempts after the first failure (0 = no retry). */
    retries: z.number().int().min(0).max(10).optional(),
    /** Delay before the first retry; doubles each attempt, with up to 25% jitter. */
    retryBackoffMs: z.number().int().min(0).max(60_000).optional(),
    /** Upper bound of one attempt; the attempt is aborted after it. */
    timeoutMs: z.number().int().min(1).max(600_000).optional(),
    /** When true a failure of this node is recorded and the execution goes on without its output. */
    continueOnError: z.boolean().optional(),
  })
  .strict();
export type NodeSettings = z.infer<typeof NodeSettingsSchema>;

const nodeId = z
  .string()
  .min(1, 'Node id is required')
  .max(NODE_ID_MAX)
  .regex(/^[A-Za-z0-9_.-]+$/, 'Node ids use letters, digits, "_", "-" and "."');

/**
 * One node as React Flow draws it. `data.config` is checked per type when the workflow runs, so an
 * incomplete draft can be saved. React Flow's presentational fields are accepted and ignored.
 */
export const WorkflowNodeSchema = z
  .object({
    id: nodeId,
    type: NodeTypeSchema,
    position: z.object({ x: z.number(), y: z.number() }).strict(),
    data: z
      .object({
        label: z.string().max(NODE_LABEL_MAX).optional(),
        config: z.record(z.string(), z.unknown()).default({}),
        settings: NodeSettingsSchema.optional(),
      })
      .strict(),
    width: z.number().optional(),
    height: z.number().optional(),
    measured: z.object({ width: z.number().optional(), height: z.number().optional() }).optional(),
    selected: z.boolean().optional(),
    dragging: z.boolean().optional(),
  })
  .strict()
  .meta({ id: 'WorkflowNode' });
export type WorkflowNode = z.infer<typeof WorkflowNodeSchema>;

export const WorkflowEdgeSchema = z
  .object({
    id: z.string().min(1).max(200),
    source: nodeId,
    target: nodeId,
    sourceHandle: z.string().max(64).nullish(),
    targetHandle: z.string().max(64).nullish(),
    type: z.string().max(40).optional(),
    animated: z.boolean().optional(),
    selected: z.boolean().optional(),
  })
  .strict()
  .meta({ id: 'WorkflowEdge' });
export type WorkflowEdge = z.infer<typeof WorkflowEdgeSchema>;

/** The stored `canvas_data`: React Flow's own JSON shape, so the canvas saves what it draws. */
export const WorkflowGraphSchema = z
  .object({
    version: z.literal(GRAPH_FORMAT_VERSION).default(GRAPH_FORMAT_VERSION),
    nodes: z.array(WorkflowNodeSchema).max(GRAPH_NODES_MAX),
    edges: z.array(WorkflowEdgeSchema).max(GRAPH_EDGES_MAX),
    viewport: z.object({ x: z.number(), y: z.number(), zoom: z.number() }).strict().optional(),
  })
  .strict()
  .meta({ id: 'WorkflowGraph' });
export type WorkflowGraph = z.infer<typeof WorkflowGraphSchema>;

/** A problem that makes a workflow unable to run, pinned to a node (and a config field) when possible. */
export const GraphIssueSchema = z
  .object({
    nodeId: z.string().nullable(),
    /** `config.url`, `edges.e1`, or null for the whole graph. */
    field: z.string().nullable(),
    message: z.string(),
  })
  .meta({ id: 'GraphIssue' });
export type GraphIssue = z.infer<typeof GraphIssueSchema>;

/** An empty graph, what a new workflow starts with. */
export function emptyGraph(): WorkflowGraph {
  return { version: GRAPH_FORMAT_VERSION, nodes: [], edges: [] };
}

/** Node ids in an order where every node comes after all of its sources; null when there is a cycle. */
export function topologicalOrder(graph: Pick<WorkflowGraph, 'nodes' | 'edges'>): string[] | null {
  const indegree = new Map<string, number>(graph.nodes.map((n) => [n.id, 0]));
  const next = new Map<string, string[]>();
  for (const e of graph.edges) {
    if (!indegree.has(e.source) || !indegree.has(e.target)) continue;
    indegree.set(e.target, (indegree.get(e.target) ?? 0) + 1);
    next.set(e.source, [...(next.get(e.source) ?? []), e.target]);
  }
  const queue = graph.nodes.filter((n) => indegree.get(n.id) === 0).map((n) => n.id);
  const order: string[] = [];
  for (let i = 0; i < queue.length; i++) {
    const id = queue[i] as string;
    order.push(id);
    for (const t of next.get(id) ?? []) {
      const left = (indegree.get(t) ?? 0) - 1;
      indegree.set(t, left);
      if (left === 0) queue.push(t);
    }
  }
  return order.length === graph.nodes.length ? order : null;
}

/** The ids of one cycle (in edge order), or null when the graph is acyclic. */
export function findCycle(graph: Pick<WorkflowGraph, 'nodes' | 'edges'>): string[] | null {
  const next = new Map<string, string[]>();
  for (const e of graph.edges) next.set(e.source, [...(next.get(e.source) ?? []), e.target]);
  const state = new Map<string, 'visiting' | 'done'>();
  const stack: string[] = [];
  const visit = (id: string): string[] | null => {
    state.set(id, 'visiting');
    stack.push(id);
    for (const t of next.get(id) ?? []) {
      if (state.get(t) === 'visiting') return stack.slice(stack.indexOf(t));
      if (!state.has(t)) {
        const found = visit(t);
        if (found) return found;
      }
    }
    stack.pop();
    state.set(id, 'done');
    return null;
  };
  for (const n of graph.nodes) {
    if (!state.has(n.id)) {
      const found = visit(n.id);
      if (found) return found;
    }
  }
  return null;
}
