import type { CanvasEdge, CanvasNode } from './flow-graph';

/** A `{{ }}` template the expression hints offer, with what it refers to. */
export interface ExpressionReference {
  template: string;
  label: string;
  /** Longer text for the chip's tooltip and accessible description. */
  description: string;
  group: 'trigger' | 'input' | 'node';
}

/** Values seen in the last run or typed for the next one, to list fields and not only whole values. */
export interface ReferenceSamples {
  /** The run input (what `$trigger` holds). */
  trigger?: unknown;
  /** Outputs of nodes by id. */
  outputs?: ReadonlyMap<string, unknown>;
}

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;
const MAX_FIELDS = 8;

/**
 * A path step as the engine's expressions read it: plain names as they are, others (`text-1`)
 * in JSONata backticks, where `$nodes.text-1` would be a subtraction.
 */
export function pathStep(name: string): string {
  return IDENTIFIER.test(name) ? name : `\`${name.replace(/`/g, '')}\``;
}

/** Ids of the nodes that run before `nodeId` (following edges backwards), nearest first. */
export function upstreamNodeIds(nodeId: string, edges: readonly CanvasEdge[]): string[] {
  const seen = new Set<string>([nodeId]);
  const order: string[] = [];
  let frontier = [nodeId];
  while (frontier.length > 0) {
    const next: string[] = [];
    for (const id of frontier) {
      for (const edge of edges) {
        if (edge.target !== id || seen.has(edge.source)) continue;
        seen.add(edge.source);
        order.push(edge.source);
        next.push(edge.source);
      }
    }
    frontier = next;
  }
  return order;
}

function fieldNames(value: unknown): string[] {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return [];
  return Object.keys(value)
    .filter((key) => IDENTIFIER.test(key))
    .slice(0, MAX_FIELDS);
}

/**
 * The references a template in `nodeId`'s config can use: the run input (`$trigger`), the incoming
 * value (`$` and its fields) and every upstream node's output (`$nodes.<id>`).
 */
export function expressionReferences(
  nodeId: string,
  nodes: readonly CanvasNode[],
  edges: readonly CanvasEdge[],
  samples: ReferenceSamples = {},
): ExpressionReference[] {
  const references: ExpressionReference[] = [
    { template: '{{ $trigger }}', label: '$trigger', description: 'The whole run input', group: 'trigger' },
    ...fieldNames(samples.trigger).map((name): ExpressionReference => ({
      template: `{{ $trigger.${name} }}`,
      label: `$trigger.${name}`,
      description: `The run input’s ${name}`,
      group: 'trigger',
    })),
  ];
  const upstream = upstreamNodeIds(nodeId, edges);
  if (upstream.length === 0) return references;

  const direct = new Set(edges.filter((e) => e.target === nodeId).map((e) => e.source));
  const inputFields = new Set([...direct].flatMap((id) => fieldNames(samples.outputs?.get(id))));
  references.push(
    { template: '{{ $ }}', label: 'input', description: 'The whole incoming value', group: 'input' },
    ...[...inputFields].map((name): ExpressionReference => ({
      template: `{{ ${name} }}`,
      label: name,
      description: `The incoming value’s ${name}`,
      group: 'input',
    })),
  );
  const labels = new Map(nodes.map((n) => [n.id, n.data.label ?? n.id]));
  for (const id of upstream) {
    references.push({
      template: `{{ $nodes.${pathStep(id)} }}`,
      label: id,
      description: `Output of ${labels.get(id) ?? id}`,
      group: 'node',
    });
  }
  return references;
}
