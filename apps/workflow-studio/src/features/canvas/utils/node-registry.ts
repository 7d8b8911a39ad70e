import { NODE_TYPE_DEFINITIONS, NODE_TYPES, type NodeCategory, type NodeType } from '@auterity/workflow-contracts';

/** Palette sections, in the order a workflow is usually built. */
export const CATEGORY_ORDER: readonly { category: NodeCategory; label: string }[] = [
  { category: 'trigger', label: 'Triggers' },
  { category: 'ai', label: 'AI' },
  { category: 'action', label: 'Actions' },
  { category: 'logic', label: 'Logic' },
  { category: 'data', label: 'Data' },
  { category: 'output', label: 'Output' },
];

/** The node types of each category, in registry order. */
export function nodeTypesByCategory(): { category: NodeCategory; label: string; types: NodeType[] }[] {
  return CATEGORY_ORDER.map((section) => ({
    ...section,
    types: NODE_TYPES.filter((type) => NODE_TYPE_DEFINITIONS[type].category === section.category),
  })).filter((section) => section.types.length > 0);
}

// Test ids the product spec's scenarios use for some palette items.
const PALETTE_TEST_IDS: Partial<Record<NodeType, string>> = { 'http.request': 'api-node' };

/** `data-testid` of a palette item: `<type>-node`, or the spec's alias (`api-node` for HTTP). */
export function paletteTestId(type: NodeType): string {
  return PALETTE_TEST_IDS[type] ?? `${type}-node`;
}

/** Human label of an output handle (`case-0` → `Case 1`). */
export function handleLabel(handle: string, config: Record<string, unknown>): string {
  if (handle === 'true') return 'True';
  if (handle === 'false') return 'False';
  if (handle === 'default') return 'Default';
  const match = /^case-(\d+)$/.exec(handle);
  if (match) {
    const index = Number(match[1]);
    const cases = Array.isArray(config['cases']) ? config['cases'] : [];
    const entry: unknown = cases[index];
    const value = typeof entry === 'object' && entry !== null && 'value' in entry ? entry.value : undefined;
    return value === undefined || value === '' ? `Case ${index + 1}` : `= ${String(value)}`;
  }
  return handle;
}

/** The MIME type a palette item puts on a drag, so the canvas ignores unrelated drops (files, text). */
export const NODE_DRAG_TYPE = 'application/x-auterity-node-type';
