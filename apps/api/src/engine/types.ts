import type { AiAttempt, ExecutionError, NodeType, StepStatus, WorkflowGraph } from '@auterity/workflow-contracts';
import type { GuardedHttpClient } from '../lib/http-client';

/** A language model call as AI nodes make it; the AI router implements it. */
export interface AiRequest {
  organizationId: string;
  workflowId: string;
  executionId: string;
  nodeId: string;
  prompt: string;
  system?: string;
  model: string;
  temperature?: number;
  maxTokens?: number;
  json?: boolean;
  credentialId?: string;
  /** Models to try in order when the chosen one fails. */
  fallbacks?: string[];
  /** For `auto:best`: the highest output price considered (USD per million tokens). */
  maxPricePerMTok?: number;
  signal: AbortSignal;
}

export interface AiResult {
  text: string;
  model: string;
  provider: string;
  usage: { inputTokens: number; outputTokens: number };
  /** USD, as a decimal string. */
  costUsd: string;
  /** Each provider call made, in order (fallbacks). */
  attempts?: AiAttempt[];
}

export interface AiGenerator {
  generate(request: AiRequest): Promise<AiResult>;
}

/** The outcome of a sub-workflow run, as the calling node sees it. */
export interface SubWorkflowResult {
  status: 'succeeded' | 'failed' | 'cancelled' | 'timed_out';
  output: unknown;
  error: ExecutionError | null;
}

/** Everything outside the engine that nodes may use; the executions module provides it. */
export interface EngineServices {
  http: GuardedHttpClient;
  ai: AiGenerator;
  /** Decrypted credential fields, for the node that references them; never recorded. */
  resolveCredential(organizationId: string, id: string): Promise<{ type: string; data: Record<string, unknown> }>;
  runSubWorkflow(request: {
    organizationId: string;
    workflowId: string;
    input: unknown;
    depth: number;
    parentExecutionId: string;
    signal: AbortSignal;
  }): Promise<SubWorkflowResult>;
}

/** One node's run, as recorded in execution_steps. */
export interface StepRecord {
  seq: number;
  nodeId: string;
  type: NodeType;
  status: StepStatus;
  input: unknown;
  output: unknown;
  error: ExecutionError | null;
  attempts: number;
  startedAt: Date;
  completedAt: Date;
  durationMs: number;
  model?: string;
  tokens?: { input: number; output: number };
  cost?: string;
  aiAttempts?: AiAttempt[];
}

export interface RunRequest {
  executionId: string;
  organizationId: string;
  workflowId: string;
  /** A graph that passed validation. */
  graph: WorkflowGraph;
  input: unknown;
  /** Sub-workflow nesting level of this run (0 for a top-level run). */
  depth: number;
  /** Aborts the run at the next step boundary and aborts in-flight calls (cancellation). */
  signal?: AbortSignal;
  /** Upper bound of the whole run; it ends `timed_out` after it. */
  timeoutMs: number;
  /** Called when each step ends (live progress); must not throw. */
  onStep?(step: StepRecord): void;
}

export interface RunResult {
  status: 'succeeded' | 'failed' | 'cancelled' | 'timed_out';
  output: unknown;
  error: ExecutionError | null;
  steps: StepRecord[];
  /** Set when a Respond node ran: what a webhook caller receives. */
  response?: { status: number; value: unknown };
  startedAt: Date;
  completedAt: Date;
  durationMs: number;
}
