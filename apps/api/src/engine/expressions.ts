import jsonata from 'jsonata';

/** Upper bound of one expression evaluation; a runaway expression fails its node instead of the process. */
const EVAL_TIMEOUT_MS = 1000;
/** JSONata evaluation depth limit (deeply recursive user functions). */
const EVAL_STACK = 500;
const CACHE_MAX = 5000;
const TEMPLATE = /\{\{\s*([\s\S]+?)\s*\}\}/g;
const WHOLE_TEMPLATE = /^\{\{\s*([\s\S]+?)\s*\}\}$/;
/** `$`, `$.a.b`, `$trigger.x`, `$nodes.fetch.body` and `a.b.c`: resolved without the JSONata evaluator. */
const ROOTED_PATH = /^\$(trigger|nodes)?((?:\.[A-Za-z_][A-Za-z0-9_]*)*)$/;
const PLAIN_PATH = /^[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*$/;
const KEYWORDS = new Set(['true', 'false', 'null', 'and', 'or', 'in']);

/** What `{{ }}` templates and JSONata expressions see: `$` is the node's input. */
export interface ExpressionScope {
  input: unknown;
  /** The execution's trigger input, as `$trigger`. */
  trigger: unknown;
  /** Outputs of finished nodes by id, as `$nodes`. */
  nodes: Record<string, unknown>;
}

/** A user expression that does not parse or fails to evaluate; the message is safe to show. */
export class ExpressionError extends Error {
  override name = 'ExpressionError';
}

type Compiled = ReturnType<typeof jsonata>;
const cache = new Map<string, Compiled>();

function describe(err: unknown): string {
  if (err && typeof err === 'object' && 'message' in err) {
    const { message, position } = err as { message: unknown; position?: unknown };
    return typeof position === 'number' ? `${String(message)} (at character ${position})` : String(message);
  }
  return String(err);
}

/** Compiles (and caches) a JSONata expression. @throws ExpressionError on a syntax error. */
export function compileExpression(source: string): Compiled {
  const hit = cache.get(source);
  if (hit) return hit;
  let compiled: Compiled;
  try {
    compiled = jsonata(source, { timeout: EVAL_TIMEOUT_MS, stack: EVAL_STACK } as Parameters<typeof jsonata>[1]);
  } catch (err) {
    throw new ExpressionError(`Invalid expression "${source.slice(0, 80)}": ${describe(err)}`);
  }
  if (cache.size >= CACHE_MAX) cache.clear();
  cache.set(source, compiled);
  return compiled;
}

function resolveSimplePath(source: string, scope: ExpressionScope): { ok: true; value: unknown } | { ok: false } {
  let value: unknown;
  let path: string[];
  const rooted = ROOTED_PATH.exec(source);
  if (rooted) {
    value = rooted[1] === 'trigger' ? scope.trigger : rooted[1] === 'nodes' ? scope.nodes : scope.input;
    path = (rooted[2] ?? '').split('.').filter(Boolean);
  } else if (PLAIN_PATH.test(source)) {
    path = source.split('.');
    if (path.some((p) => KEYWORDS.has(p))) return { ok: false };
    value = scope.input;
  } else {
    return { ok: false };
  }
  for (const key of path) {
    // JSONata maps paths over arrays; leave those to the evaluator.
    if (Array.isArray(value)) return { ok: false };
    if (value === null || typeof value !== 'object') return { ok: true, value: undefined };
    value = Object.hasOwn(value, key) ? (value as Record<string, unknown>)[key] : undefined;
  }
  return Array.isArray(value) ? { ok: false } : { ok: true, value };
}

/** Evaluates a JSONata expression with `$` = input and `$trigger`, `$nodes` bound. */
export async function evaluateExpression(source: string, scope: ExpressionScope): Promise<unknown> {
  const simple = resolveSimplePath(source.trim(), scope);
  if (simple.ok) return simple.value;
  const compiled = compileExpression(source);
  try {
    const result: unknown = await compiled.evaluate(scope.input, { trigger: scope.trigger, nodes: scope.nodes });
    return normalize(result);
  } catch (err) {
    throw new ExpressionError(`Expression "${source.slice(0, 80)}" failed: ${describe(err)}`);
  }
}

/** JSONata returns sequences (arrays with extra properties); hand plain JSON values on. */
function normalize(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(normalize);
  return value;
}

function stringify(value: unknown): string {
  if (value === undefined || value === null) return '';
  return typeof value === 'string' ? value : JSON.stringify(value);
}

/**
 * Renders `{{ expr }}` templates inside a config value, recursively through arrays and objects. A
 * string that is exactly one template yields the expression's value as is (an object stays an
 * object); otherwise each template is replaced by its text.
 */
export async function renderTemplate(value: unknown, scope: ExpressionScope): Promise<unknown> {
  if (typeof value === 'string') {
    if (!value.includes('{{')) return value;
    const whole = WHOLE_TEMPLATE.exec(value);
    if (whole && !whole[1]?.includes('}}')) return evaluateExpression(whole[1] ?? '', scope);
    const parts: Promise<string>[] = [];
    value.replace(TEMPLATE, (_m, expr: string) => {
      parts.push(evaluateExpression(expr, scope).then(stringify));
      return '';
    });
    const rendered = await Promise.all(parts);
    let i = 0;
    return value.replace(TEMPLATE, () => rendered[i++] ?? '');
  }
  if (Array.isArray(value)) return Promise.all(value.map((v) => renderTemplate(v, scope)));
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = await renderTemplate(v, scope);
    return out;
  }
  return value;
}

/** Every `{{ }}` expression inside a config value, for validation before a run. */
export function templateExpressions(value: unknown): string[] {
  if (typeof value === 'string') return [...value.matchAll(TEMPLATE)].map((m) => m[1] ?? '');
  if (Array.isArray(value)) return value.flatMap(templateExpressions);
  if (value && typeof value === 'object') return Object.values(value).flatMap(templateExpressions);
  return [];
}

/** Truthiness of an expression result: empty arrays, empty strings, 0, null and false are false. */
export function isTruthy(value: unknown): boolean {
  if (Array.isArray(value)) return value.length > 0 && value.some(isTruthy);
  return Boolean(value);
}
