import {
  NODE_TYPE_DEFINITIONS,
  parseNodeConfig,
  type ExecutionError,
  type WorkflowEdge,
  type WorkflowNode,
} from '@auterity/workflow-contracts';
import { NodeFailure, runNode, type NodeOutcome } from './nodes';
import { sleep } from './sleep';
import type { EngineServices, RunRequest, RunResult, StepRecord } from './types';

/** Recorded step inputs and outputs larger than this are truncated (the data passed on is not). */
export const STEP_PAYLOAD_MAX_BYTES = 64 * 1024;
const RETRY_JITTER = 0.25;
const DEFAULT_RETRY_BACKOFF_MS = 500;

type EdgeState = { state: 'pending' } | { state: 'skipped' } | { state: 'taken'; value: unknown };

/** Parsed configs by node object: graphs of immutable versions are cached and run many times. */
const parsedConfigs = new WeakMap<WorkflowNode, Record<string, unknown>>();

function configOf(node: WorkflowNode): Record<string, unknown> {
  const hit = parsedConfigs.get(node);
  if (hit) return hit;
  const parsed = parseNodeConfig(node);
  const config = parsed.ok ? parsed.config : node.data.config;
  parsedConfigs.set(node, config);
  return config;
}

/** Most JSON bytes one number can take (`-1.2345678901234567e-308`). */
const NUMBER_MAX_BYTES = 24;
/** Most JSON bytes one UTF-16 unit of a string can take (`\u001f`); UTF-8 needs at most 3. */
const CHAR_MAX_BYTES = 6;

function isPlainObject(value: object): value is Record<string, unknown> {
  const proto: unknown = Object.getPrototypeOf(value);
  return (proto === Object.prototype || proto === null) && !Object.hasOwn(value, 'toJSON');
}

/**
 * True when `value` certainly serializes to at most `maxBytes` of JSON. An upper bound from a walk
 * that stops once the budget is spent: far cheaper than JSON.stringify for the small payloads most
 * steps carry (the batch insert stringifies them anyway). Anything unusual (Dates, functions,
 * `toJSON`) answers false and is measured exactly.
 */
function surelyFits(value: unknown, maxBytes: number): boolean {
  let budget = maxBytes;
  const stack: unknown[] = [value];
  while (stack.length > 0 && budget >= 0) {
    const v = stack.pop();
    if (typeof v === 'string') budget -= 2 + CHAR_MAX_BYTES * v.length;
    else if (typeof v === 'number') budget -= NUMBER_MAX_BYTES;
    else if (typeof v === 'boolean' || v === null || v === undefined) budget -= 5;
    else if (Array.isArray(v)) {
      budget -= 2 + v.length;
      for (const item of v) stack.push(item);
    } else if (typeof v === 'object' && isPlainObject(v)) {
      budget -= 2;
      for (const [key, child] of Object.entries(v)) {
        budget -= 4 + CHAR_MAX_BYTES * key.length;
        stack.push(child);
      }
    } else return false;
  }
  return budget >= 0;
}

/** Caps a value for the step record, replacing it with a marker and a preview when it is too big. */
export function capPayload(value: unknown, maxBytes = STEP_PAYLOAD_MAX_BYTES): unknown {
  if (value === undefined) return null;
  if (surelyFits(value, maxBytes)) return value;
  const text = JSON.stringify(value);
  if (text === undefined) return null;
  if (Buffer.byteLength(text) <= maxBytes) return value;
  return { $truncated: true, bytes: Buffer.byteLength(text), preview: text.slice(0, 1000) };
}

class RunAborted extends Error {
  constructor(readonly kind: 'cancelled' | 'timed_out') {
    super(kind);
  }
}

function toExecutionError(err: unknown, nodeId: string | null): ExecutionError {
  if (err instanceof NodeFailure) return { code: err.code, message: err.message, nodeId };
  if (err instanceof RunAborted) {
    return err.kind === 'cancelled'
      ? { code: 'cancelled', message: 'The execution was cancelled', nodeId }
      : { code: 'execution_timeout', message: 'The execution ran out of time', nodeId };
  }
  // Anything else is unexpected inside a node: reported without internals.
  return { code: 'node_error', message: 'The node failed unexpectedly', nodeId };
}

/**
 * Runs a validated workflow graph: nodes in dependency order, independent branches concurrently,
 * untaken branches skipped, per-node retries and timeouts, cancellation and an overall timeout.
 * A node failure is data on the result, never a throw; only engine bugs throw.
 */
export async function runWorkflow(request: RunRequest, services: EngineServices): Promise<RunResult> {
  const startedAt = new Date();
  const { graph } = request;
  const run = new AbortController();
  const timer = setTimeout(() => run.abort(new RunAborted('timed_out')), request.timeoutMs);
  const onExternalAbort = () => run.abort(new RunAborted('cancelled'));
  if (request.signal?.aborted) onExternalAbort();
  request.signal?.addEventListener('abort', onExternalAbort, { once: true });

  const nodes = new Map<string, WorkflowNode>(graph.nodes.map((n) => [n.id, n]));
  const incoming = new Map<string, WorkflowEdge[]>();
  const outgoing = new Map<string, WorkflowEdge[]>();
  for (const e of graph.edges) {
    incoming.set(e.target, [...(incoming.get(e.target) ?? []), e]);
    outgoing.set(e.source, [...(outgoing.get(e.source) ?? []), e]);
  }
  const edges = new Map<string, EdgeState>(graph.edges.map((e) => [e.id, { state: 'pending' }]));
  const outputs: Record<string, unknown> = {};
  const steps: StepRecord[] = [];
  const started = new Set<string>();
  const inflight = new Set<Promise<void>>();
  let failure: ExecutionError | null = null;
  let response: RunResult['response'];
  let seq = 0;

  const record = (step: Omit<StepRecord, 'seq'>) => {
    const full = { ...step, seq: seq++, input: capPayload(step.input), output: capPayload(step.output) };
    steps.push(full);
    request.onStep?.(full);
  };

  const isReady = (id: string) => (incoming.get(id) ?? []).every((e) => edges.get(e.id)?.state !== 'pending');

  const settle = (node: WorkflowNode, outcome: NodeOutcome | null) => {
    const outs = outgoing.get(node.id) ?? [];
    const defaultHandle = NODE_TYPE_DEFINITIONS[node.type].outputs(node.data.config)[0];
    for (const e of outs) {
      const handle = e.sourceHandle ?? defaultHandle;
      const taken = outcome !== null && (outcome.handles === undefined || outcome.handles.includes(handle ?? ''));
      edges.set(e.id, taken ? { state: 'taken', value: outcome.output } : { state: 'skipped' });
    }
    for (const e of outs) schedule(e.target);
  };

  const schedule = (id: string) => {
    if (started.has(id) || !isReady(id) || run.signal.aborted || failure) return;
    started.add(id);
    const task = execute(id).finally(() => inflight.delete(task));
    inflight.add(task);
  };

  const execute = async (id: string) => {
    const node = nodes.get(id);
    if (!node) return;
    const ins = incoming.get(id) ?? [];
    const taken = ins.filter((e) => edges.get(e.id)?.state === 'taken');
    if (ins.length > 0 && taken.length === 0) {
      const now = new Date();
      record({
        nodeId: id,
        type: node.type,
        status: 'skipped',
        input: null,
        output: null,
        error: null,
        attempts: 0,
        startedAt: now,
        completedAt: now,
        durationMs: 0,
      });
      settle(node, null);
      return;
    }
    const valueOf = (e: WorkflowEdge) => {
      const s = edges.get(e.id);
      return s?.state === 'taken' ? s.value : undefined;
    };
    const input =
      ins.length === 0
        ? request.input
        : node.type === 'merge'
          ? taken.map((e) => ({ source: e.source, value: valueOf(e) }))
          : valueOf(taken[0] as WorkflowEdge);
    const config = configOf(node);
    const settings = node.data.settings ?? {};
    const maxAttempts = 1 + (settings.retries ?? 0);
    const nodeStarted = new Date();
    let attempts = 0;
    let lastError: unknown;
    let outcome: NodeOutcome | null = null;
    while (attempts < maxAttempts && !run.signal.aborted) {
      attempts++;
      // A node with its own timeout gets a signal of its own; others share the run's (no per-node
      // AbortController on the hot path).
      const attempt = settings.timeoutMs ? new AbortController() : undefined;
      const signal = attempt ? attempt.signal : run.signal;
      const onRunAbort = attempt ? () => attempt.abort(run.signal.reason) : undefined;
      if (onRunAbort) run.signal.addEventListener('abort', onRunAbort, { once: true });
      const nodeTimer = attempt
        ? setTimeout(
            () => attempt.abort(new NodeFailure('node_timeout', `The node took longer than ${settings.timeoutMs} ms`)),
            settings.timeoutMs,
          )
        : undefined;
      try {
        outcome = await runNode(
          { node, config, input, scope: { input, trigger: request.input, nodes: outputs }, signal, request },
          services,
        );
        break;
      } catch (err) {
        lastError = signal.aborted ? signal.reason : err;
        if (attempts < maxAttempts && !run.signal.aborted) {
          const base = (settings.retryBackoffMs ?? DEFAULT_RETRY_BACKOFF_MS) * 2 ** (attempts - 1);
          await sleep(base * (1 + Math.random() * RETRY_JITTER), run.signal).catch(() => undefined);
        }
      } finally {
        clearTimeout(nodeTimer);
        if (onRunAbort) run.signal.removeEventListener('abort', onRunAbort);
      }
    }
    const completedAt = new Date();
    const timing = { startedAt: nodeStarted, completedAt, durationMs: completedAt.getTime() - nodeStarted.getTime(), attempts };
    if (outcome) {
      outputs[id] = outcome.output;
      if (node.type === 'respond') response = { status: Number(config['status'] ?? 200), value: outcome.output };
      record({
        nodeId: id,
        type: node.type,
        status: 'succeeded',
        input,
        output: outcome.output,
        error: null,
        ...timing,
        ...(outcome.usage ?? {}),
      });
      settle(node, outcome);
      return;
    }
    const aborted = run.signal.aborted && !(lastError instanceof NodeFailure);
    const error = toExecutionError(aborted ? run.signal.reason : lastError, id);
    record({
      nodeId: id,
      type: node.type,
      status: aborted ? 'cancelled' : 'failed',
      input,
      output: null,
      error,
      ...timing,
      ...(lastError instanceof NodeFailure ? lastError.usage : {}),
    });
    if (aborted) return;
    if (settings.continueOnError) {
      outputs[id] = { error: { code: error.code, message: error.message } };
      settle(node, { output: outputs[id] });
      return;
    }
    failure ??= error;
    // Stop the branches still running: the execution has failed.
    run.abort(new RunAborted('cancelled'));
  };

  try {
    for (const node of graph.nodes) if ((incoming.get(node.id) ?? []).length === 0) schedule(node.id);
    while (inflight.size > 0) await Promise.race(inflight);
  } finally {
    clearTimeout(timer);
    request.signal?.removeEventListener('abort', onExternalAbort);
  }

  const completedAt = new Date();
  const base = { steps, startedAt, completedAt, durationMs: completedAt.getTime() - startedAt.getTime() };
  if (failure) return { ...base, status: 'failed', output: null, error: failure };
  const reason: unknown = run.signal.reason;
  if (run.signal.aborted && reason instanceof RunAborted) {
    return { ...base, status: reason.kind, output: null, error: toExecutionError(reason, null) };
  }
  return {
    ...base,
    status: 'succeeded',
    output: response ? response.value : terminalOutputs(graph.nodes, outgoing, outputs),
    error: null,
    ...(response ? { response } : {}),
  };
}

/** Without a Respond node, the output is what the nodes without outgoing edges produced, by id. */
function terminalOutputs(
  nodes: readonly WorkflowNode[],
  outgoing: Map<string, WorkflowEdge[]>,
  outputs: Record<string, unknown>,
) {
  const result: Record<string, unknown> = {};
  for (const n of nodes) {
    if ((outgoing.get(n.id) ?? []).length === 0 && Object.hasOwn(outputs, n.id)) result[n.id] = outputs[n.id];
  }
  return result;
}
