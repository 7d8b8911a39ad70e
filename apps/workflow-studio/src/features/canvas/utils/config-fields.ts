import { z } from 'zod';
import { NodeConfigSchemas, type NodeType } from '@auterity/workflow-contracts';

/** One input of a node's config form, derived from its contract schema. */
export type ConfigField =
  | { kind: 'text'; name: string; label: string; required: boolean; multiline: boolean; description?: string }
  | {
      kind: 'number';
      name: string;
      label: string;
      required: boolean;
      min?: number;
      max?: number;
      isInt: boolean;
      description?: string;
    }
  | { kind: 'boolean'; name: string; label: string; description?: string }
  | { kind: 'enum'; name: string; label: string; options: string[]; defaultValue?: string; description?: string }
  | { kind: 'json'; name: string; label: string; required: boolean; description?: string };

// Strings allowed to be this long are templates or expressions, edited in a textarea.
const MULTILINE_MIN_LENGTH = 10_000;

const LABELS: Record<string, string> = {
  url: 'URL',
  ms: 'Delay (ms)',
  timeoutMs: 'Timeout (ms)',
  maxTokens: 'Max tokens',
  credentialId: 'Credential id',
  workflowId: 'Workflow id',
  failOnHttpError: 'Fail on HTTP error status',
  rateLimitPerMinute: 'Requests per minute',
  json: 'Answer in JSON',
  cron: 'Cron expression',
  timezone: 'Time zone',
  status: 'HTTP status',
};

const HINTS: Record<string, string> = {
  text: 'Use {{ name }} to insert a field of the input or {{ $nodes.id }} for an earlier node’s output.',
  prompt: 'Use {{ name }} to insert values from the input or earlier nodes.',
  url: 'A public http(s) address. {{ }} templates work here too.',
  expression: 'A JSONata expression over the incoming data, e.g. amount > 100.',
  cron: 'Five or six fields, e.g. 0 9 * * 1-5 (09:00 on weekdays).',
  model: '“auto” lets the router pick the cheapest model that fits.',
  cases: 'A JSON list, e.g. [{ "value": "gold" }, { "value": "silver" }]; each case gets its own output.',
  headers: 'A JSON object of header names to values.',
  query: 'A JSON object of query parameters.',
  body: 'JSON, or plain text.',
  value: 'JSON, or text with {{ }} templates. {{ $ }} is the whole incoming value.',
  input: 'JSON passed to the sub-workflow as its input.',
};

/** `maxTokens` → `Max tokens`. */
function labelOf(name: string): string {
  const known = LABELS[name];
  if (known) return known;
  const words = name.replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/** The schema under `.optional()` and `.default()`, and what those wrappers say. */
function unwrap(schema: z.core.$ZodType): { inner: z.core.$ZodType; required: boolean; defaultValue: unknown } {
  let inner = schema;
  let required = true;
  let defaultValue: unknown;
  for (;;) {
    if (inner instanceof z.ZodOptional) {
      required = false;
      inner = inner.unwrap();
    } else if (inner instanceof z.ZodDefault) {
      required = false;
      defaultValue = inner.def.defaultValue;
      inner = inner.unwrap();
    } else {
      return { inner, required, defaultValue };
    }
  }
}

function describeField(name: string, schema: z.core.$ZodType): ConfigField {
  const { inner, required, defaultValue } = unwrap(schema);
  const label = labelOf(name);
  const description = z.globalRegistry.get(schema)?.description ?? z.globalRegistry.get(inner)?.description ?? HINTS[name];
  const extra = description ? { description } : {};
  if (inner instanceof z.ZodString) {
    const multiline = (inner.maxLength ?? 0) >= MULTILINE_MIN_LENGTH;
    return { kind: 'text', name, label, required, multiline, ...extra };
  }
  if (inner instanceof z.ZodNumber) {
    return {
      kind: 'number',
      name,
      label,
      required,
      isInt: inner.isInt,
      ...(inner.minValue !== null && Number.isFinite(inner.minValue) ? { min: inner.minValue } : {}),
      ...(inner.maxValue !== null && Number.isFinite(inner.maxValue) ? { max: inner.maxValue } : {}),
      ...extra,
    };
  }
  if (inner instanceof z.ZodBoolean) return { kind: 'boolean', name, label, ...extra };
  if (inner instanceof z.ZodEnum) {
    const options = inner.options.map(String);
    return {
      kind: 'enum',
      name,
      label,
      options,
      ...(typeof defaultValue === 'string' ? { defaultValue } : {}),
      ...extra,
    };
  }
  // Records, arrays, unions and unknown values are edited as JSON.
  return { kind: 'json', name, label, required, ...extra };
}

const cache = new Map<NodeType, ConfigField[]>();

/** The form fields of a node type's config, in schema order. */
export function configFields(type: NodeType): ConfigField[] {
  const cached = cache.get(type);
  if (cached) return cached;
  const schema: z.ZodType = NodeConfigSchemas[type];
  const fields =
    schema instanceof z.ZodObject ? Object.entries(schema.shape).map(([name, field]) => describeField(name, field)) : [];
  cache.set(type, fields);
  return fields;
}

/** Config problems keyed by top-level field, from the same schema the API checks before a run. */
export function configIssues(type: NodeType, config: Record<string, unknown>): Record<string, string> {
  const result = NodeConfigSchemas[type].safeParse(config);
  if (result.success) return {};
  const issues: Record<string, string> = {};
  for (const issue of result.error.issues) {
    const key = issue.path.length > 0 ? String(issue.path[0]) : '_';
    issues[key] ??= issue.message;
  }
  return issues;
}
