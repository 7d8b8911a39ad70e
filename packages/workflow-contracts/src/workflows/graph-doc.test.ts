import { GRAPH_DOC_EDGES_KEY, GRAPH_DOC_NODES_KEY, applyGraphDiff, readGraphDocParts } from './graph-doc';
import type { WorkflowGraph } from './graph';

// Yjs ships ESM types and this package is CommonJS: its CommonJS build, typed from its declarations.
type YjsModule = typeof import('yjs', { with: { 'resolution-mode': 'import' } });
// eslint-disable-next-line @typescript-eslint/no-require-imports
const Y: YjsModule = require('yjs');
type YDoc = InstanceType<YjsModule['Doc']>;
type YMap = InstanceType<YjsModule['Map']>;

const EMPTY: WorkflowGraph = { version: 1, nodes: [], edges: [] };

const GRAPH: WorkflowGraph = {
  version: 1,
  nodes: [
    { id: 'b', type: 'text', position: { x: 10, y: 20 }, data: { label: 'Hello', config: { text: 'hi', extra: 1 } } },
    { id: 'a', type: 'trigger.manual', position: { x: 0, y: 0 }, data: { config: {}, settings: { retries: 2 } } },
  ],
  edges: [{ id: 'e1', source: 'a', target: 'b' }],
};

function docWith(graph: WorkflowGraph): YDoc {
  const doc = new Y.Doc();
  applyGraphDiff(Y.Map, doc, EMPTY, graph);
  return doc;
}

describe('shared graph document layout', () => {
  it('writes a graph and reads it back in id order', () => {
    const parts = readGraphDocParts(Y.Map, docWith(GRAPH));
    expect(parts.nodes.map((n) => n.id)).toEqual(['a', 'b']);
    expect(parts.nodes[1]).toEqual({
      id: 'b',
      type: 'text',
      position: { x: 10, y: 20 },
      data: { label: 'Hello', config: { text: 'hi', extra: 1 } },
    });
    expect(parts.nodes[0]?.data).toEqual({ config: {}, settings: { retries: 2 } });
    expect(parts.edges).toEqual([{ id: 'e1', source: 'a', target: 'b' }]);
  });

  it('applies removals: config fields, label, settings, nodes and edges', () => {
    const doc = docWith(GRAPH);
    const after: WorkflowGraph = {
      version: 1,
      nodes: [{ id: 'b', type: 'text', position: { x: 30, y: 20 }, data: { config: { text: 'bye' } } }],
      edges: [],
    };
    applyGraphDiff(Y.Map, doc, GRAPH, after);
    const parts = readGraphDocParts(Y.Map, doc);
    expect(parts.nodes).toEqual([{ id: 'b', type: 'text', position: { x: 30, y: 20 }, data: { config: { text: 'bye' } } }]);
    expect(parts.edges).toEqual([]);
  });

  it('keeps two editors’ edits of different fields of one node', () => {
    const first = docWith(GRAPH);
    const second = new Y.Doc();
    Y.applyUpdate(second, Y.encodeStateAsUpdate(first));
    const node = GRAPH.nodes[0]!;
    const edit = (config: Record<string, unknown>): WorkflowGraph => ({
      ...GRAPH,
      nodes: [{ ...node, data: { ...node.data, config } }, GRAPH.nodes[1]!],
    });
    applyGraphDiff(Y.Map, first, GRAPH, edit({ text: 'from A', extra: 1 }));
    applyGraphDiff(Y.Map, second, GRAPH, edit({ text: 'hi', extra: 2 }));
    Y.applyUpdate(first, Y.encodeStateAsUpdate(second));
    Y.applyUpdate(second, Y.encodeStateAsUpdate(first));
    for (const doc of [first, second]) {
      expect(readGraphDocParts(Y.Map, doc).nodes[1]?.data.config).toEqual({ text: 'from A', extra: 2 });
    }
  });

  it('re-creates a node whose entry is not a map, and skips such entries when reading', () => {
    const doc = new Y.Doc();
    doc.getMap(GRAPH_DOC_NODES_KEY).set('a', 'not a node');
    doc.getMap(GRAPH_DOC_NODES_KEY).set('zz', 42);
    expect(readGraphDocParts(Y.Map, doc).nodes).toEqual([]);
    applyGraphDiff(Y.Map, doc, EMPTY, GRAPH);
    const ids = readGraphDocParts(Y.Map, doc).nodes.map((n) => n.id);
    expect(ids).toEqual(['a', 'b']);
    // A config that is not a map is replaced by one on the next write, and read as empty before.
    const a = doc.getMap<YMap>(GRAPH_DOC_NODES_KEY).get('a')!;
    a.set('config', 'broken');
    expect(readGraphDocParts(Y.Map, doc).nodes[0]?.data.config).toEqual({});
    applyGraphDiff(Y.Map, doc, EMPTY, GRAPH);
    expect(readGraphDocParts(Y.Map, doc).nodes[0]?.data.config).toEqual({});
    expect(doc.getMap(GRAPH_DOC_EDGES_KEY).size).toBe(1);
  });
});
