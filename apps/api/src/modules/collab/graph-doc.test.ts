import type { WorkflowGraph } from '@auterity/workflow-contracts';
import { Y } from './esm';
import { applyGraphDiff, readGraph, seedUpdate } from './graph-doc';

const EMPTY: WorkflowGraph = { version: 1, nodes: [], edges: [] };
const GRAPH: WorkflowGraph = {
  version: 1,
  nodes: [
    {
      id: 'a',
      type: 'text',
      position: { x: 0, y: 0 },
      data: { label: 'A', config: { text: 'one' }, settings: { retries: 2 } },
    },
    { id: 'b', type: 'text', position: { x: 200, y: 0 }, data: { config: { text: 'two' } } },
  ],
  edges: [{ id: 'e1', source: 'a', target: 'b' }],
};

function docOf(graph: WorkflowGraph): InstanceType<typeof Y.Doc> {
  const doc = new Y.Doc();
  Y.applyUpdate(doc, seedUpdate(graph));
  return doc;
}

describe('the shared graph document', () => {
  it('reads back the graph it was seeded with, nodes and edges in id order', () => {
    expect(readGraph(docOf(GRAPH))).toEqual(GRAPH);
  });

  it('seeds identically every time, so replicas seeding at once agree', () => {
    expect(Buffer.from(seedUpdate(GRAPH)).equals(Buffer.from(seedUpdate(GRAPH)))).toBe(true);
  });

  it('applies removals of nodes, edges, labels, settings and config fields', () => {
    const doc = docOf(GRAPH);
    const after: WorkflowGraph = {
      version: 1,
      nodes: [{ id: 'a', type: 'text', position: { x: 5, y: 5 }, data: { config: {} } }],
      edges: [],
    };

    doc.transact(() => applyGraphDiff(doc, GRAPH, after));

    expect(readGraph(doc)).toEqual(after);
  });

  it('merges two people editing different fields of one node', () => {
    const left = docOf(GRAPH);
    const right = docOf(GRAPH);
    const [a, b] = GRAPH.nodes;
    if (!a || !b) throw new Error('fixture');

    left.transact(() =>
      applyGraphDiff(left, GRAPH, { ...GRAPH, nodes: [{ ...a, data: { ...a.data, config: { text: 'left' } } }, b] }),
    );
    right.transact(() => applyGraphDiff(right, GRAPH, { ...GRAPH, nodes: [{ ...a, position: { x: 99, y: 1 } }, b] }));
    Y.applyUpdate(left, Y.encodeStateAsUpdate(right));
    Y.applyUpdate(right, Y.encodeStateAsUpdate(left));

    expect(readGraph(left)).toEqual(readGraph(right));
    expect(readGraph(left)?.nodes[0]).toMatchObject({ position: { x: 99, y: 1 }, data: { config: { text: 'left' } } });
  });

  it('recreates a node whose shared map is missing, and reads nothing invalid as a graph', () => {
    const doc = new Y.Doc();
    doc.transact(() => applyGraphDiff(doc, GRAPH, GRAPH));
    expect(readGraph(doc)).toEqual(GRAPH);

    doc.getMap('nodes').set('broken', new Y.Map());

    expect(readGraph(doc)).toBeNull();
    expect(readGraph(docOf(EMPTY))).toEqual(EMPTY);
  });
});
