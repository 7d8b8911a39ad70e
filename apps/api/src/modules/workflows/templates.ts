import type { WorkflowTemplateDto } from '@auterity/workflow-contracts';

const at = (x: number, y: number) => ({ x, y });

/** Built-in starters; they use only nodes that run without any credential. */
export const WORKFLOW_TEMPLATES: readonly WorkflowTemplateDto[] = [
  {
    id: 'hello-world',
    name: 'Hello world',
    description: 'A manual trigger and a Text node: the smallest workflow that runs.',
    tags: ['starter'],
    canvasData: {
      version: 1,
      nodes: [
        { id: 'trigger', type: 'trigger.manual', position: at(0, 0), data: { label: 'Start', config: {} } },
        { id: 'greet', type: 'text', position: at(260, 0), data: { label: 'Greet', config: { text: 'Hello {{ name }}!' } } },
      ],
      edges: [{ id: 'trigger-greet', source: 'trigger', target: 'greet' }],
    },
  },
  {
    id: 'webhook-transform-respond',
    name: 'Webhook → transform → respond',
    description: 'Receives JSON on a secret URL, reshapes it with JSONata and answers the caller.',
    tags: ['starter', 'webhook'],
    canvasData: {
      version: 1,
      nodes: [
        { id: 'hook', type: 'trigger.webhook', position: at(0, 0), data: { label: 'Webhook', config: {} } },
        {
          id: 'shape',
          type: 'transform',
          position: at(260, 0),
          data: { label: 'Shape', config: { expression: '{ "received": body, "at": $now() }' } },
        },
        {
          id: 'reply',
          type: 'respond',
          position: at(520, 0),
          data: { label: 'Reply', config: { value: '{{ $ }}', status: 200 } },
        },
      ],
      edges: [
        { id: 'hook-shape', source: 'hook', target: 'shape' },
        { id: 'shape-reply', source: 'shape', target: 'reply' },
      ],
    },
  },
  {
    id: 'summarize-with-ai',
    name: 'Summarize with AI',
    description: 'Sends the input text to a language model (auto-routed to the cheapest fitting model).',
    tags: ['starter', 'ai'],
    canvasData: {
      version: 1,
      nodes: [
        { id: 'trigger', type: 'trigger.manual', position: at(0, 0), data: { label: 'Start', config: {} } },
        {
          id: 'summarize',
          type: 'ai.generate',
          position: at(260, 0),
          data: {
            label: 'Summarize',
            config: { prompt: 'Summarize in one sentence: {{ text }}', model: 'auto', maxTokens: 200 },
          },
        },
      ],
      edges: [{ id: 'trigger-summarize', source: 'trigger', target: 'summarize' }],
    },
  },
  {
    id: 'branch-on-amount',
    name: 'Branch on a condition',
    description: 'Routes large and small amounts down different branches.',
    tags: ['starter', 'logic'],
    canvasData: {
      version: 1,
      nodes: [
        { id: 'trigger', type: 'trigger.manual', position: at(0, 80), data: { label: 'Start', config: {} } },
        {
          id: 'check',
          type: 'condition',
          position: at(260, 80),
          data: { label: 'Amount > 100?', config: { expression: 'amount > 100' } },
        },
        {
          id: 'large',
          type: 'text',
          position: at(520, 0),
          data: { label: 'Large', config: { text: 'Needs approval: {{ amount }}' } },
        },
        {
          id: 'small',
          type: 'text',
          position: at(520, 160),
          data: { label: 'Small', config: { text: 'Auto-approved: {{ amount }}' } },
        },
      ],
      edges: [
        { id: 'trigger-check', source: 'trigger', target: 'check' },
        { id: 'check-large', source: 'check', target: 'large', sourceHandle: 'true' },
        { id: 'check-small', source: 'check', target: 'small', sourceHandle: 'false' },
      ],
    },
  },
];
