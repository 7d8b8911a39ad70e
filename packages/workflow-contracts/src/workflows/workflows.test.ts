import {
  CreateWorkflowBodySchema,
  findCycle,
  NODE_TYPE_DEFINITIONS,
  NODE_TYPES,
  NodeConfigSchemas,
  parseNodeConfig,
  topologicalOrder,
  UpdateWorkflowBodySchema,
  validateGraph,
  WorkflowGraphSchema,
  emptyGraph,
  isTriggerType,
  type WorkflowGraph,
} from '../index';

const node = (id: string, type: (typeof NODE_TYPES)[number], config: Record<string, unknown> = {}) => ({
  id,
  type,
  position: { x: 0, y: 0 },
  data: { config },
});
const edge = (id: string, source: string, target: string, sourceHandle?: string) => ({
  id,
  source,
  target,
  ...(sourceHandle ? { sourceHandle } : {}),
});
const g = (nodes: ReturnType<typeof node>[], edges: ReturnType<typeof edge>[] = []): WorkflowGraph =>
  WorkflowGraphSchema.parse({ nodes, edges });

describe('WorkflowGraphSchema', () => {
  it.each([
    [{ nodes: [], edges: [] }],
    [{ nodes: [node('a', 'text', { text: 'hi' })], edges: [], viewport: { x: 0, y: 0, zoom: 1 } }],
    [{ nodes: [{ ...node('a', 'text'), selected: true, measured: { width: 10, height: 5 } }], edges: [] }],
  ])('accepts %j', (graph) => {
    expect(WorkflowGraphSchema.safeParse(graph).success).toBe(true);
  });

  it.each([
    [{ nodes: [node('a', 'text')], edges: [], extra: 1 }, []],
    [{ nodes: [{ ...node('a', 'text'), color: 'red' }], edges: [] }, ['nodes', 0]],
    [{ nodes: [node('a b', 'text')], edges: [] }, ['nodes', 0, 'id']],
    [{ nodes: [{ ...node('a', 'text'), data: { config: {}, extra: 1 } }], edges: [] }, ['nodes', 0, 'data']],
    [{ nodes: [], edges: [{ id: 'e', source: 'a' }] }, ['edges', 0, 'target']],
  ])('rejects %j at %j', (graph, path) => {
    const result = WorkflowGraphSchema.safeParse(graph);

    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.path).toEqual(path);
  });

  it('names the known node types when the type is unknown', () => {
    const result = WorkflowGraphSchema.safeParse({ nodes: [{ ...node('a', 'text'), type: 'shell.exec' }], edges: [] });

    expect(result.error?.issues[0]?.message).toContain('Unknown node type "shell.exec"');
  });

  it('defaults the format version and starts empty', () => {
    expect(WorkflowGraphSchema.parse({ nodes: [], edges: [] }).version).toBe(1);
    expect(emptyGraph()).toEqual({ version: 1, nodes: [], edges: [] });
  });
});

describe('node type registry', () => {
  it('describes every node type, and its defaults are valid config except for required blanks', () => {
    for (const type of NODE_TYPES) {
      const def = NODE_TYPE_DEFINITIONS[type];

      expect(def.type).toBe(type);
      expect(def.label.length).toBeGreaterThan(0);
      expect(def.inputs.length === 0).toBe(isTriggerType(type));
      expect(NodeConfigSchemas[type]).toBeDefined();
    }
  });

  it('gives switches one output per case plus default, and conditions true/false', () => {
    expect(NODE_TYPE_DEFINITIONS.switch.outputs({ cases: [{ value: 1 }, { value: 2 }] })).toEqual([
      'case-0',
      'case-1',
      'default',
    ]);
    expect(NODE_TYPE_DEFINITIONS.switch.outputs({})).toEqual(['default']);
    expect(NODE_TYPE_DEFINITIONS.condition.outputs({})).toEqual(['true', 'false']);
    expect(NODE_TYPE_DEFINITIONS.respond.outputs({})).toEqual([]);
  });

  it.each([
    ['http.request', { url: 'https://x.test' }, { method: 'GET', url: 'https://x.test' }],
    ['trigger.schedule', { cron: '0 9 * * *' }, { cron: '0 9 * * *', timezone: 'UTC' }],
    ['ai.generate', { prompt: 'hi' }, { prompt: 'hi', model: 'auto' }],
    ['merge', {}, { mode: 'object' }],
    ['respond', {}, { status: 200 }],
  ] as const)('parses %s config with defaults', (type, config, expected) => {
    expect(parseNodeConfig(node('n', type, config))).toEqual({ ok: true, config: expected });
  });

  it.each([
    ['http.request', {}, 'config.url', 'URL is required'],
    ['http.request', { url: 'x', verb: 'GET' }, 'config', 'Unknown field(s): verb'],
    ['delay', { ms: 400_000 }, 'config.ms', ''],
    ['text', {}, 'config.text', 'Text is required'],
    ['switch', { expression: 'a', cases: [] }, 'config.cases', 'Add at least one case'],
    ['workflow.call', { workflowId: 'nope' }, 'config.workflowId', 'Pick a workflow'],
  ] as const)('reports %s config %j at %s', (type, config, field, message) => {
    const result = parseNodeConfig(node('n', type, config));

    expect(result.ok).toBe(false);
    const issue = result.ok ? undefined : result.issues[0];
    expect(issue?.nodeId).toBe('n');
    expect(issue?.field).toBe(field);
    expect(issue?.message).toContain(message);
  });
});

describe('graph helpers', () => {
  const chain = g(
    [node('a', 'text', { text: '' }), node('b', 'text', { text: '' }), node('c', 'text', { text: '' })],
    [edge('1', 'a', 'b'), edge('2', 'b', 'c')],
  );
  const loop = g([node('a', 'text', { text: '' }), node('b', 'text', { text: '' })], [edge('1', 'a', 'b'), edge('2', 'b', 'a')]);

  it('orders nodes after their sources, and finds no cycle in a chain', () => {
    expect(topologicalOrder(chain)).toEqual(['a', 'b', 'c']);
    expect(findCycle(chain)).toBeNull();
  });

  it('finds a cycle and refuses to order it', () => {
    expect(topologicalOrder(loop)).toBeNull();
    expect(findCycle(loop)).toEqual(['a', 'b']);
  });
});

describe('validateGraph', () => {
  it('accepts a complete graph with a trigger and branches', () => {
    const graph = g(
      [
        node('t', 'trigger.manual'),
        node('c', 'condition', { expression: 'x' }),
        node('y', 'text', { text: 'y' }),
        node('n', 'text', { text: 'n' }),
      ],
      [edge('1', 't', 'c'), edge('2', 'c', 'y', 'true'), edge('3', 'c', 'n', 'false')],
    );

    expect(validateGraph(graph)).toEqual([]);
  });

  it('reports every structural problem', () => {
    const graph = g(
      [
        node('t1', 'trigger.manual'),
        node('t2', 'trigger.webhook'),
        node('c', 'condition', { expression: 'x' }),
        node('d', 'text', { text: '' }),
        node('d', 'text', { text: '' }),
      ],
      [edge('1', 'c', 'd', 'maybe'), edge('2', 'd', 't1'), edge('3', 'ghost', 'd'), edge('4', 'c', 'd', 'nope')],
    );

    const messages = validateGraph(graph).map((i) => `${i.nodeId}|${i.field}|${i.message}`);

    expect(messages).toEqual(
      expect.arrayContaining([
        'd|null|Duplicate node id d',
        't2|null|A workflow has at most one trigger',
        'c|edges.1|If / else has no output "maybe"',
        't1|edges.2|Manual trigger has no input',
        'ghost|edges.3|Edge 3 connects a node that does not exist (ghost)',
      ]),
    );
  });

  it('reports an empty workflow', () => {
    expect(validateGraph(g([]))).toEqual([{ nodeId: null, field: null, message: 'The workflow has no nodes' }]);
  });
});

describe('workflow bodies', () => {
  it('strips fields the server owns', () => {
    const parsed = CreateWorkflowBodySchema.parse({ name: ' Flow ', id: 'x', organizationId: 'y', createdAt: 'z', version: 9 });

    expect(parsed).toEqual({ name: 'Flow' });
  });

  it.each([
    [{ name: '' }, ['name']],
    [{ name: 'x', tags: ['a'.repeat(41)] }, ['tags', 0]],
  ])('rejects %j at %j', (body, path) => {
    expect(CreateWorkflowBodySchema.safeParse(body).error?.issues[0]?.path).toEqual(path);
  });

  it('accepts a partial update', () => {
    expect(UpdateWorkflowBodySchema.parse({ publish: false, description: null })).toEqual({ publish: false, description: null });
  });
});
