import { createHash, randomUUID } from 'node:crypto';
import {
  TERMINAL_STATUSES,
  type ExecutionDto,
  type ExecutionError,
  type ExecutionEvent,
  type ExecutionStepDto,
  type GraphIssue,
  type ListExecutionsQuery,
  type NodeType,
  type TriggerKind,
  type WorkflowGraph,
} from '@auterity/workflow-contracts';
import type { Actor } from '../../http/actor';
import { ConflictError, ForbiddenError, NotFoundError } from '../../http/errors';
import type { Database } from '../../lib/db';
import type { EventBus } from '../../lib/event-bus';
import type { GuardedHttpClient } from '../../lib/http-client';
import type { ExecutionQueue } from '../../lib/job-queue';
import type { Logger } from '../../lib/logger';
import { runWorkflow } from '../../engine/run-workflow';
import type { AiGenerator, EngineServices, RunResult, StepRecord } from '../../engine/types';
import { nextCronRun } from '../../engine/validate';
import type { CredentialsService } from '../credentials/credentials.service';
import type { VersionRecord, WorkflowRecord } from '../workflows/workflows.repo';
import { canRunWorkflow } from '../workflows/workflows.policy';
import { pickVersionNumber, WorkflowInvalidError, type WorkflowsService } from '../workflows/workflows.service';
import { createBatcher } from '../../lib/batcher';
import { executionsFinished, queueWait, watchQueue, watchWorker } from '../../lib/metrics';
import { decodeCursor, pageOf } from '../../lib/cursor';
import * as repo from './executions.repo';

/** A run that did not succeed (failed or timed out), as Error-IQ captures it. */
export interface ExecutionFailure {
  organizationId: string;
  workflowId: string;
  executionId: string;
  status: RunResult['status'];
  error: ExecutionError | null;
  /** The steps that failed, in order. */
  failedSteps: StepRecord[];
}

export interface ExecutionSettings {
  /** Upper bound of one execution. */
  timeoutMs: number;
  /** Upper bound of a synchronous webhook run (the caller waits). */
  syncTimeoutMs: number;
  /** Executions one worker process runs at once. */
  workerConcurrency: number;
  /** Executions of one organization one worker process runs at once. */
  perOrgConcurrency: number;
  /** A running execution without a heartbeat for this long is considered lost. */
  staleAfterMs: number;
  /** Runs of one execution (first try included) before a lost worker fails it. */
  maxAttempts: number;
  /** How often the reconciler, the scheduler and the heartbeat run. */
  reconcileIntervalMs: number;
  scheduleIntervalMs: number;
  retentionDays: number;
}

export interface ExecutionsServiceDeps {
  db: Database;
  log: Logger;
  workflows: WorkflowsService;
  credentials: Pick<CredentialsService, 'resolve'>;
  bus: EventBus;
  queue: ExecutionQueue;
  http: GuardedHttpClient;
  ai: AiGenerator;
  settings: ExecutionSettings;
  workerId?: string;
  /** The plan's execution quota and suspension (billing); no I/O while its cache is fresh. */
  billing?: { admitExecution(organizationId: string): void | Promise<void> };
}

const CACHE_MAX = 2000;
const WEBHOOK_CACHE_TTL_MS = 2000;
const CANCEL_CHANNEL = 'exec-cancel';
const channelOf = (id: string) => `exec:${id}`;
const isTerminal = (status: string) => (TERMINAL_STATUSES as readonly string[]).includes(status);

/**
 * A webhook caller's Idempotency-Key, namespaced by workflow (so it never meets an API caller's key
 * of the same organization) and hashed to fit the column whatever its length.
 */
function webhookIdempotencyKey(workflowId: string, key: string): string {
  return `hook:${workflowId}:${createHash('sha256').update(key).digest('base64url')}`;
}

/** The status a graph's Respond node answers with, for replaying a finished synchronous run. */
function respondStatus(graph: WorkflowGraph): number {
  const status = Number(graph.nodes.find((n) => n.type === 'respond')?.data.config['status'] ?? 200);
  return Number.isInteger(status) && status >= 200 && status <= 599 ? status : 200;
}

type WebhookOutcome =
  | { kind: 'sync'; status: number; body: unknown; executionId: string }
  | { kind: 'failed'; error: ExecutionError; executionId: string }
  | { kind: 'async'; executionId: string };

function presentStep(s: StepRecord): ExecutionStepDto {
  return {
    nodeId: s.nodeId,
    type: s.type,
    status: s.status,
    input: s.input,
    output: s.output,
    error: s.error,
    attempts: s.attempts,
    startedAt: s.startedAt.toISOString(),
    completedAt: s.completedAt.toISOString(),
    durationMs: s.durationMs,
    ...(s.model ? { model: s.model } : {}),
    ...(s.tokens ? { tokens: s.tokens } : {}),
    ...(s.cost ? { cost: s.cost } : {}),
    ...(s.aiAttempts ? { aiAttempts: s.aiAttempts } : {}),
  };
}

/** `0.00120000` → `0.0012`, `0.00000000` → `0`: the same spelling as a live step's cost. */
function trimDecimal(value: string): string {
  return value.includes('.') ? value.replace(/0+$/, '').replace(/\.$/, '') : value;
}

function presentStepRow(s: repo.StepRow): ExecutionStepDto {
  return {
    nodeId: s.node_id,
    type: s.node_type as NodeType,
    status: s.status as ExecutionStepDto['status'],
    input: s.input,
    output: s.output,
    error: s.error,
    attempts: s.attempts,
    startedAt: s.started_at?.toISOString() ?? null,
    completedAt: s.completed_at?.toISOString() ?? null,
    durationMs: s.duration_ms,
    ...(s.model ? { model: s.model } : {}),
    ...(s.input_tokens !== null ? { tokens: { input: s.input_tokens, output: s.output_tokens ?? 0 } } : {}),
    ...(s.cost_usd !== null ? { cost: trimDecimal(s.cost_usd) } : {}),
    ...(s.ai_attempts ? { aiAttempts: s.ai_attempts } : {}),
  };
}

export function presentExecution(e: repo.ExecutionRecord, steps?: ExecutionStepDto[]): ExecutionDto {
  return {
    id: e.id,
    workflowId: e.workflowId,
    versionId: e.versionId,
    version: e.version,
    status: e.status,
    trigger: e.trigger,
    input: e.input ?? null,
    output: e.output ?? null,
    error: e.error,
    attempts: e.attempts,
    createdAt: e.createdAt.toISOString(),
    startedAt: e.startedAt?.toISOString() ?? null,
    completedAt: e.completedAt?.toISOString() ?? null,
    durationMs: e.durationMs,
    ...(steps ? { steps } : {}),
  };
}

/** A tiny counting semaphore per key (per-organization concurrency inside one worker). */
function keyedSemaphore(limit: number) {
  const active = new Map<string, number>();
  const waiting = new Map<string, (() => void)[]>();
  return {
    async acquire(key: string): Promise<() => void> {
      if ((active.get(key) ?? 0) >= limit) {
        await new Promise<void>((resolve) => waiting.set(key, [...(waiting.get(key) ?? []), resolve]));
      }
      active.set(key, (active.get(key) ?? 0) + 1);
      return () => {
        active.set(key, (active.get(key) ?? 1) - 1);
        const next = waiting.get(key)?.shift();
        if (next) next();
        else if ((active.get(key) ?? 0) <= 0) active.delete(key);
      };
    },
  };
}

/**
 * Starts, runs, follows and cancels executions. Postgres is the source of truth: an execution is
 * inserted `pending` before it is queued; workers claim it, heartbeat while it runs, and write its
 * result and steps in one statement; the reconciler re-queues lost jobs and fails runs whose worker
 * died after the allowed attempts. No execution stays pending or running forever.
 */
export function createExecutionsService(deps: ExecutionsServiceDeps) {
  const { db, log, workflows, bus, queue, settings } = deps;
  const workerId = deps.workerId ?? `w-${randomUUID().slice(0, 8)}`;
  const running = new Map<string, AbortController>();
  const orgSlots = keyedSemaphore(settings.perOrgConcurrency);
  const checked = new Map<string, GraphIssue[]>();
  const webhookCache = new Map<string, { workflow: WorkflowRecord | null; expires: number }>();
  const versionCache = new Map<string, VersionRecord>();
  const timers: NodeJS.Timeout[] = [];
  let unsubscribeCancel: (() => void) | undefined;
  /** Finished synchronous runs, written with group commit: concurrent webhook calls share statements. */
  const finished = createBatcher<repo.FinishedExecution>((rows) => repo.insertFinishedExecutions(db, rows));
  let stopping = false;
  const unwatch: (() => void)[] = [];
  const failureListeners: ((failure: ExecutionFailure) => void)[] = [];

  /** Tells listeners (Error-IQ) about a run that failed or timed out; they return at once. */
  function reportFailure(organizationId: string, workflowId: string, executionId: string, result: RunResult): void {
    if (result.status !== 'failed' && result.status !== 'timed_out') return;
    const failedSteps = result.steps.filter((s) => s.status === 'failed');
    for (const listener of failureListeners) {
      listener({ organizationId, workflowId, executionId, status: result.status, error: result.error, failedSteps });
    }
  }

  const remember = <V>(map: Map<string, V>, key: string, value: V) => {
    if (map.size >= CACHE_MAX) map.clear();
    map.set(key, value);
  };

  /** Validation of an immutable version is done once per process. */
  async function issuesOf(organizationId: string, version: VersionRecord): Promise<GraphIssue[]> {
    const hit = checked.get(version.id);
    if (hit) return hit;
    const issues = await workflows.validateRunnable(organizationId, version.canvasData);
    remember(checked, version.id, issues);
    return issues;
  }

  async function publish(id: string, event: ExecutionEvent): Promise<void> {
    await bus.publish(channelOf(id), event).catch((err: unknown) => log.warn({ err }, 'could not publish an execution event'));
  }

  const engineServices: EngineServices = {
    http: deps.http,
    ai: deps.ai,
    resolveCredential: (organizationId, id) => deps.credentials.resolve(organizationId, id),
    runSubWorkflow: async (request) => {
      const workflow = await workflows.resolveVersion(request.organizationId, request.workflowId).catch(() => null);
      if (!workflow)
        return { status: 'failed', output: null, error: { code: 'not_found', message: 'The sub-workflow does not exist' } };
      const issues = await issuesOf(request.organizationId, workflow.version);
      if (issues.length > 0) {
        return {
          status: 'failed',
          output: null,
          error: { code: 'workflow_invalid', message: issues[0]?.message ?? 'The sub-workflow is invalid' },
        };
      }
      const id = randomUUID();
      const result = await runWorkflow(
        {
          executionId: id,
          organizationId: request.organizationId,
          workflowId: request.workflowId,
          graph: workflow.version.canvasData,
          input: request.input,
          depth: request.depth,
          signal: request.signal,
          timeoutMs: settings.timeoutMs,
        },
        engineServices,
      );
      await finished.write({
        ...newExecution(workflow.workflow, workflow.version, 'subworkflow', request.input, id),
        parentExecutionId: request.parentExecutionId,
        depth: request.depth,
        ...result,
      });
      executionsFinished.inc({ status: result.status, path: 'inline' });
      reportFailure(request.organizationId, request.workflowId, id, result);
      return { status: result.status, output: result.output, error: result.error };
    },
  };

  function newExecution(
    workflow: WorkflowRecord,
    version: VersionRecord,
    trigger: TriggerKind,
    input: unknown,
    id = randomUUID(),
  ) {
    return {
      id,
      organizationId: workflow.organizationId,
      workflowId: workflow.id,
      versionId: version.id,
      version: version.version,
      trigger,
      input,
    };
  }

  async function loadWithSteps(organizationId: string, id: string): Promise<ExecutionDto> {
    const execution = await repo.findExecution(db, organizationId, id);
    if (!execution) throw new NotFoundError('execution');
    return presentExecution(execution, (await repo.listSteps(db, organizationId, id)).map(presentStepRow));
  }

  /** Resolves when the execution ends or `ms` pass; true when it ended. */
  async function waitForEnd(organizationId: string, id: string, ms: number): Promise<boolean> {
    let unsubscribe: (() => void) | undefined;
    const ended = new Promise<boolean>((resolve) => {
      unsubscribe = bus.subscribe(channelOf(id), (event) => {
        const e = event as ExecutionEvent;
        if (e.type === 'status' && isTerminal(e.status)) resolve(true);
      });
      setTimeout(() => resolve(false), ms).unref();
    });
    try {
      // Subscribed first, then checked: an end between the two is not missed.
      const now = await repo.findExecution(db, organizationId, id);
      if (now && isTerminal(now.status)) return true;
      return await ended;
    } finally {
      unsubscribe?.();
    }
  }

  async function enqueue(id: string, retry?: string): Promise<void> {
    await queue
      .enqueue(id, retry)
      .catch((err: unknown) => log.warn({ err, executionId: id }, 'could not queue an execution; the reconciler will'));
  }

  /** Inserts the pending row and queues it: the durable path behind every 202. */
  async function accept(
    workflow: WorkflowRecord,
    version: VersionRecord,
    trigger: TriggerKind,
    input: unknown,
    extra: { idempotencyKey?: string; createdBy?: string | null } = {},
  ): Promise<{ execution: repo.ExecutionRecord; created: boolean }> {
    const issues = await issuesOf(workflow.organizationId, version);
    if (issues.length > 0) throw new WorkflowInvalidError(issues);
    const admitting = deps.billing?.admitExecution(workflow.organizationId);
    if (admitting) await admitting;
    if (extra.idempotencyKey) await repo.expireIdempotencyKeys(db, workflow.organizationId, extra.idempotencyKey);
    const accepted = await repo.insertPendingExecution(db, {
      ...newExecution(workflow, version, trigger, input),
      idempotencyKey: extra.idempotencyKey ?? null,
      createdBy: extra.createdBy ?? null,
    });
    if (accepted.created) await enqueue(accepted.execution.id);
    return accepted;
  }

  /** Versions are immutable, so their graphs are cached by version id. */
  const graphs = new Map<string, WorkflowGraph>();
  async function graphOfVersion(organizationId: string, versionId: string): Promise<WorkflowGraph | null> {
    const hit = graphs.get(versionId);
    if (hit) return hit;
    const graph = await repo.findGraphOfVersion(db, organizationId, versionId);
    if (graph) remember(graphs, versionId, graph);
    return graph;
  }

  /** The worker's side: claim, run, persist, announce. Never throws for a workflow's own failure. */
  async function processExecution(id: string): Promise<void> {
    const pending = await repo.findExecutionForWorker(db, id);
    if (!pending || pending.status !== 'pending') return;
    if (pending.cancelRequested) {
      if (await repo.finishWithoutRun(db, id, 'cancelled', { code: 'cancelled', message: 'The execution was cancelled' }))
        executionsFinished.inc({ status: 'cancelled', path: 'worker' });
      return;
    }
    const release = await orgSlots.acquire(pending.organizationId);
    // Registered before the claim: a cancellation arriving while the run is being set up still
    // reaches it (runWorkflow starts already aborted).
    const controller = new AbortController();
    running.set(id, controller);
    try {
      const claimed = await repo.claimExecution(db, id, workerId);
      if (!claimed) return;
      queueWait.observe(Math.max(0, Date.now() - claimed.createdAt.getTime()) / 1000);
      const graph = claimed.versionId ? await graphOfVersion(claimed.organizationId, claimed.versionId) : null;
      if (!graph) {
        const ended = await repo.finishWithoutRun(db, id, 'failed', {
          code: 'version_missing',
          message: 'The workflow version to run no longer exists',
        });
        if (ended) {
          executionsFinished.inc({ status: ended.status, path: 'worker' });
          await publish(id, { type: 'status', executionId: id, status: ended.status });
        }
        return;
      }
      await publish(id, { type: 'status', executionId: id, status: 'running' });
      let result: RunResult;
      try {
        result = await runWorkflow(
          {
            executionId: id,
            organizationId: claimed.organizationId,
            workflowId: claimed.workflowId,
            graph: graph satisfies WorkflowGraph,
            input: claimed.input,
            depth: claimed.depth,
            signal: controller.signal,
            timeoutMs: settings.timeoutMs,
            onStep: (step) => void publish(id, { type: 'step', executionId: id, step: presentStep(step) }),
          },
          engineServices,
        );
      } finally {
        running.delete(id);
      }
      const saved = await repo.completeExecution(db, id, workerId, result);
      if (saved) {
        executionsFinished.inc({ status: result.status, path: 'worker' });
        reportFailure(claimed.organizationId, claimed.workflowId, id, result);
        await publish(id, { type: 'status', executionId: id, status: result.status });
      } else log.warn({ executionId: id }, 'execution result discarded: the run was taken over after a missed heartbeat');
    } finally {
      running.delete(id);
      release();
    }
  }

  /**
   * A synchronous webhook run with an idempotency key: the row is inserted `running` (held by this
   * process, so its heartbeats cover it) before the run, and the unique key lets exactly one caller
   * insert it; the others wait for that run's end and get its recorded outcome.
   */
  async function runWebhookOnce(
    workflow: WorkflowRecord,
    version: VersionRecord,
    input: unknown,
    key: string,
  ): Promise<WebhookOutcome> {
    await repo.expireIdempotencyKeys(db, workflow.organizationId, key);
    const id = randomUUID();
    const claimed = await repo.insertClaimedExecution(
      db,
      { ...newExecution(workflow, version, 'webhook', input, id), idempotencyKey: key },
      workerId,
    );
    if (!claimed.created) return replayWebhook(claimed.execution, version.canvasData);
    const controller = new AbortController();
    running.set(id, controller);
    let result: RunResult;
    try {
      result = await runWorkflow(
        {
          executionId: id,
          organizationId: workflow.organizationId,
          workflowId: workflow.id,
          graph: version.canvasData,
          input,
          depth: 0,
          signal: controller.signal,
          timeoutMs: settings.syncTimeoutMs,
        },
        engineServices,
      );
    } finally {
      running.delete(id);
    }
    if (await repo.completeExecution(db, id, workerId, result)) {
      reportFailure(workflow.organizationId, workflow.id, id, result);
      await publish(id, { type: 'status', executionId: id, status: result.status });
    }
    if (result.status !== 'succeeded') {
      return { kind: 'failed', error: result.error ?? { code: 'failed', message: 'The workflow failed' }, executionId: id };
    }
    return {
      kind: 'sync',
      status: result.response?.status ?? 200,
      body: result.response?.value ?? result.output,
      executionId: id,
    };
  }

  /** A repeated idempotent webhook call: the first call's outcome once it ended (202 while it still runs). */
  async function replayWebhook(execution: repo.ExecutionRecord, graph: WorkflowGraph): Promise<WebhookOutcome> {
    let current = execution;
    if (!isTerminal(current.status)) {
      await waitForEnd(current.organizationId, current.id, settings.syncTimeoutMs);
      current = (await repo.findExecution(db, current.organizationId, current.id)) ?? current;
    }
    if (!isTerminal(current.status)) return { kind: 'async', executionId: current.id };
    if (current.status !== 'succeeded') {
      return {
        kind: 'failed',
        error: current.error ?? { code: current.status, message: 'The workflow failed' },
        executionId: current.id,
      };
    }
    return { kind: 'sync', status: respondStatus(graph), body: current.output, executionId: current.id };
  }

  return {
    workerId,
    processExecution,

    /** Registers a listener for runs that failed or timed out (Error-IQ); it must not throw or wait. */
    onFailure(listener: (failure: ExecutionFailure) => void): void {
      failureListeners.push(listener);
    },

    /**
     * `POST /api/workflows/:id/execute`: validates, inserts pending and queues; with `wait`, waits
     * up to that many seconds for the end. An idempotency key returns the same execution for 24 h.
     * @throws NotFoundError, ForbiddenError, WorkflowInvalidError
     */
    async start(
      actor: Actor,
      workflowId: string,
      options: { input: unknown; wait?: number; version?: number; idempotencyKey?: string; trigger?: TriggerKind },
    ): Promise<{ execution: ExecutionDto; finished: boolean }> {
      const { workflow, version } = await workflows.resolveVersion(actor.organizationId, workflowId, options.version);
      if (!canRunWorkflow(actor)) throw new ForbiddenError();
      const { execution } = await accept(
        workflow,
        version,
        options.trigger ?? (actor.kind === 'api_key' ? 'api' : 'manual'),
        options.input ?? null,
        {
          ...(options.idempotencyKey ? { idempotencyKey: options.idempotencyKey } : {}),
          createdBy: actor.userId,
        },
      );
      if (isTerminal(execution.status))
        return { execution: await loadWithSteps(actor.organizationId, execution.id), finished: true };
      if (!options.wait) return { execution: presentExecution(execution), finished: false };
      const ended = await waitForEnd(actor.organizationId, execution.id, options.wait * 1000);
      return ended
        ? { execution: await loadWithSteps(actor.organizationId, execution.id), finished: true }
        : {
            execution: presentExecution((await repo.findExecution(db, actor.organizationId, execution.id)) ?? execution),
            finished: false,
          };
    },

    /**
     * A call to a webhook URL. With a Respond node the run happens here, while the caller waits,
     * and is persisted with its steps in one statement; otherwise it is queued (202).
     * @throws NotFoundError for an unknown, rotated or paused webhook
     */
    async runWebhook(token: string, input: unknown, options: { idempotencyKey?: string } = {}): Promise<WebhookOutcome> {
      const cached = webhookCache.get(token);
      let workflow = cached && cached.expires > Date.now() ? cached.workflow : undefined;
      if (workflow === undefined) {
        workflow = await workflows.findByWebhookToken(token);
        remember(webhookCache, token, { workflow, expires: Date.now() + WEBHOOK_CACHE_TTL_MS });
      }
      if (!workflow || !workflow.isActive) throw new NotFoundError('webhook');
      const number = pickVersionNumber(workflow);
      const versionKey = `${workflow.id}:${number}`;
      let version = versionCache.get(versionKey);
      if (!version) {
        version = await workflows.versionFor(workflow, number);
        remember(versionCache, versionKey, version);
      }
      const graph = version.canvasData;
      const key = options.idempotencyKey ? webhookIdempotencyKey(workflow.id, options.idempotencyKey) : undefined;
      if (!graph.nodes.some((n) => n.type === 'respond')) {
        const { execution } = await accept(workflow, version, 'webhook', input, key ? { idempotencyKey: key } : {});
        return { kind: 'async', executionId: execution.id };
      }
      const issues = await issuesOf(workflow.organizationId, version);
      if (issues.length > 0) throw new WorkflowInvalidError(issues);
      const admitting = deps.billing?.admitExecution(workflow.organizationId);
      if (admitting) await admitting;
      if (key) return runWebhookOnce(workflow, version, input, key);
      const id = randomUUID();
      const result = await runWorkflow(
        {
          executionId: id,
          organizationId: workflow.organizationId,
          workflowId: workflow.id,
          graph,
          input,
          depth: 0,
          timeoutMs: settings.syncTimeoutMs,
        },
        engineServices,
      );
      await finished.write({ ...newExecution(workflow, version, 'webhook', input, id), ...result });
      executionsFinished.inc({ status: result.status, path: 'inline' });
      reportFailure(workflow.organizationId, workflow.id, id, result);
      if (result.status !== 'succeeded') {
        return { kind: 'failed', error: result.error ?? { code: 'failed', message: 'The workflow failed' }, executionId: id };
      }
      return {
        kind: 'sync',
        status: result.response?.status ?? 200,
        body: result.response?.value ?? result.output,
        executionId: id,
      };
    },

    /** The per-minute limit of a workflow's webhook URL, from its trigger node. */
    webhookRateLimit(token: string): number | null {
      const cached = webhookCache.get(token)?.workflow;
      const trigger = cached?.canvasData.nodes.find((n) => n.type === 'trigger.webhook');
      const value = trigger?.data.config['rateLimitPerMinute'];
      return typeof value === 'number' ? value : null;
    },

    async get(actor: Actor, id: string): Promise<ExecutionDto> {
      return loadWithSteps(actor.organizationId, id);
    },

    async list(actor: Actor, query: ListExecutionsQuery): Promise<{ items: ExecutionDto[]; nextCursor: string | null }> {
      const rows = await repo.listExecutions(db, actor.organizationId, {
        limit: query.limit + 1,
        ...(query.cursor ? { before: decodeCursor(query.cursor) } : {}),
        ...(query.workflowId ? { workflowId: query.workflowId } : {}),
        ...(query.status ? { status: query.status } : {}),
        ...(query.from ? { from: new Date(query.from) } : {}),
        ...(query.to ? { to: new Date(query.to) } : {}),
      });
      const { page, nextCursor } = pageOf(rows, query.limit);
      return {
        items: page.map((e) => presentExecution(e)),
        nextCursor,
      };
    },

    /** Stops a pending execution at once and a running one at its next step boundary (in-flight calls aborted). */
    async cancel(actor: Actor, id: string): Promise<ExecutionDto> {
      if (!canRunWorkflow(actor)) throw new ForbiddenError();
      const current = await repo.findExecution(db, actor.organizationId, id);
      if (!current) throw new NotFoundError('execution');
      if (isTerminal(current.status)) throw new ConflictError(`The execution already ended (${current.status})`);
      const updated = await repo.requestCancel(db, actor.organizationId, id);
      if (updated?.status === 'cancelled') await publish(id, { type: 'status', executionId: id, status: 'cancelled' });
      else
        await bus
          .publish(CANCEL_CHANNEL, { id })
          .catch((err: unknown) => log.warn({ err }, 'could not broadcast a cancellation'));
      return loadWithSteps(actor.organizationId, id);
    },

    /** Runs the same version again with the same input. */
    async rerun(actor: Actor, id: string): Promise<ExecutionDto> {
      const previous = await repo.findExecution(db, actor.organizationId, id);
      if (!previous) throw new NotFoundError('execution');
      if (!canRunWorkflow(actor)) throw new ForbiddenError();
      const { workflow, version } = await workflows.resolveVersion(
        actor.organizationId,
        previous.workflowId,
        previous.version ?? undefined,
      );
      const { execution } = await accept(workflow, version, 'rerun', previous.input, { createdBy: actor.userId });
      return presentExecution(execution);
    },

    /** For SSE: the current state, and a subscription to what happens next. */
    async follow(
      actor: Actor,
      id: string,
      onEvent: (event: ExecutionEvent) => void,
    ): Promise<{ current: ExecutionDto; stop: () => void }> {
      const stop = bus.subscribe(channelOf(id), (e) => onEvent(e as ExecutionEvent));
      try {
        return { current: await loadWithSteps(actor.organizationId, id), stop };
      } catch (err) {
        stop();
        throw err;
      }
    },

    /** Re-queues lost work and fails executions whose worker died too often. */
    async reconcile(): Promise<{ requeued: number; failed: number; orphans: number }> {
      const { requeued, failed } = await repo.recoverStaleExecutions(db, settings.staleAfterMs, settings.maxAttempts);
      for (const r of requeued) await enqueue(r.id, `retry${r.attempts}`);
      for (const f of failed) await publish(f.id, { type: 'status', executionId: f.id, status: 'failed' });
      const orphans = await repo.findOrphanedPending(db, settings.staleAfterMs, 500);
      for (const id of orphans) await enqueue(id);
      if (requeued.length + failed.length > 0)
        log.warn({ requeued: requeued.length, failed: failed.length }, 'recovered executions of lost workers');
      return { requeued: requeued.length, failed: failed.length, orphans: orphans.length };
    },

    /**
     * Fires due schedules: rows are locked with SKIP LOCKED and the execution is inserted in the
     * same transaction as the schedule advances, so each tick fires once across replicas.
     */
    async fireDueSchedules(): Promise<number> {
      const fired = await db.withTransaction(async (tx) => {
        const due = await repo.lockDueSchedules(tx, 100);
        const ids: string[] = [];
        for (const s of due) {
          let next: Date | null = null;
          try {
            next = nextCronRun(s.cron, s.timezone, new Date(Math.max(Date.now(), s.nextRunAt.getTime())));
          } catch {
            next = null;
          }
          await repo.advanceSchedule(tx, s.workflowId, s.nextRunAt, next);
          const row = await repo.findScheduleTarget(tx, s.organizationId, s.workflowId);
          if (!row) continue;
          const inserted = await repo.insertPendingExecution(tx, {
            id: randomUUID(),
            organizationId: s.organizationId,
            workflowId: s.workflowId,
            versionId: row.versionId,
            version: row.version,
            trigger: 'schedule',
            input: { firedAt: s.nextRunAt.toISOString(), cron: s.cron, timezone: s.timezone },
            idempotencyKey: `schedule:${s.workflowId}:${s.nextRunAt.toISOString()}`,
          });
          if (inserted.created) ids.push(inserted.execution.id);
        }
        return ids;
      });
      for (const id of fired) await enqueue(id);
      return fired.length;
    },

    async cleanup(): Promise<number> {
      return repo.deleteExpiredExecutions(db, settings.retentionDays, 1000);
    },

    /** Starts this process's worker: jobs, heartbeats, cancellations, reconciler and scheduler. */
    startWorker(): void {
      queue.startWorker(
        (id) => processExecution(id).catch((err: unknown) => log.error({ err, executionId: id }, 'execution processing failed')),
        settings.workerConcurrency,
      );
      unwatch.push(
        watchWorker(() => running.size, settings.workerConcurrency),
        watchQueue(() => queue.depth()),
      );
      unsubscribeCancel = bus.subscribe(CANCEL_CHANNEL, (message) => {
        const id = (message as { id?: unknown }).id;
        if (typeof id === 'string') running.get(id)?.abort();
      });
      const every = (ms: number, name: string, fn: () => Promise<unknown>) => {
        const timer = setInterval(() => {
          if (stopping) return;
          fn().catch((err: unknown) => log.warn({ err }, `${name} failed`));
        }, ms);
        timer.unref();
        timers.push(timer);
      };
      every(Math.max(250, Math.floor(settings.staleAfterMs / 3)), 'heartbeat', () =>
        repo.heartbeat(db, workerId, [...running.keys()]),
      );
      every(settings.reconcileIntervalMs, 'reconciler', () => this.reconcile());
      every(settings.scheduleIntervalMs, 'scheduler', () => this.fireDueSchedules());
      every(60 * 60 * 1000, 'retention cleanup', () => this.cleanup());
      void this.reconcile().catch((err: unknown) => log.warn({ err }, 'reconciler failed'));
    },

    /** Graceful stop: no new jobs, running ones finish (bounded by `timeoutMs`), then the rest is handed back. */
    async stop(timeoutMs: number): Promise<void> {
      stopping = true;
      for (const stopWatching of unwatch.splice(0)) stopWatching();
      for (const t of timers) clearInterval(t);
      unsubscribeCancel?.();
      await queue.close(timeoutMs);
      // Still running after the grace period: handed back to the queue first (so this worker's late
      // result is discarded), then aborted.
      for (const [id, controller] of running) {
        if (await repo.releaseExecution(db, id, workerId).catch(() => false)) await enqueue(id, `released${Date.now()}`);
        controller.abort();
      }
    },
  };
}

export type ExecutionsService = ReturnType<typeof createExecutionsService>;
