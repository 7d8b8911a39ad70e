import { useCallback, useEffect, useMemo, useState } from 'react';
import { useQueryClient } from '@tanstack/react-query';
import {
  WorkflowInvalidDetailsSchema,
  type ExecutionDto,
  type ExecutionStepDto,
  type GraphIssue,
} from '@auterity/workflow-contracts';
import { ApiError } from '../../../lib/api-client';
import { useExecuteWorkflow } from '../api/execute-workflow';
import { executionQueryOptions, isTerminal, useExecution } from '../api/get-execution';
import { executionsBaseKey } from '../api/get-executions';
import { followExecution } from '../api/follow-execution';
import { readRunInput, writeRunInput } from '../utils/run-input-storage';

/** Polling interval when the event stream cannot be opened (a proxy buffering it, say). */
const POLL_MS = 500;

function upsertStep(steps: readonly ExecutionStepDto[] | undefined, step: ExecutionStepDto): ExecutionStepDto[] {
  const rest = (steps ?? []).filter((s) => s.nodeId !== step.nodeId);
  return [...rest, step];
}

/** Parses the input editor's text: empty means no input; anything else must be JSON. */
export function parseRunInput(text: string): { ok: true; value: unknown } | { ok: false; message: string } {
  if (text.trim() === '') return { ok: true, value: {} };
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch (error) {
    // The engine's message names the position (“… at line 1 column 3”), which helps fix long inputs.
    const detail = error instanceof SyntaxError ? ` ${error.message}.` : '';
    return { ok: false, message: `The input is not valid JSON.${detail}` };
  }
}

export interface WorkflowRun {
  inputText: string;
  setInputText: (text: string) => void;
  inputError: string | null;
  /**
   * Saves when needed (through `prepare`), then starts a run of that version with the input text
   * (`text` replaces the current one, as the run dialog does). The input is remembered per workflow.
   */
  start: (text?: string) => void;
  isStarting: boolean;
  /** The failure of the last start (validation, permission…), before any execution existed. */
  startError: ApiError | null;
  /** Problems of a 400 `workflow_invalid`, pinned to nodes. */
  issues: GraphIssue[];
  /** The execution on display: the one just started or one picked from the history. */
  selectedId: string | null;
  select: (id: string | null) => void;
  execution: ExecutionDto | undefined;
  isLoadingExecution: boolean;
}

/**
 * The run of a workflow from the editor: saves a dirty graph first (`prepare` answers the version to
 * run, or null to stop), starts the execution, then follows its events into the query cache so the
 * panel and the canvas update step by step. Falls back to polling when the stream fails.
 */
export function useWorkflowRun(workflowId: string, prepare: () => Promise<number | null>): WorkflowRun {
  const queryClient = useQueryClient();
  const execute = useExecuteWorkflow();
  const [inputText, setInputTextState] = useState(() => readRunInput(workflowId));
  const [inputError, setInputError] = useState<string | null>(null);
  const [isPreparing, setIsPreparing] = useState(false);
  const [selectedId, setSelectedId] = useState<string | null>(null);
  const [isPolling, setIsPolling] = useState(false);
  const detail = useExecution(selectedId, isPolling ? POLL_MS : false);
  const status = detail.data?.status;
  const isLive = selectedId !== null && status !== undefined && !isTerminal(status);

  useEffect(() => {
    if (!selectedId || !isLive) return undefined;
    const key = executionQueryOptions(selectedId).queryKey;
    const controller = new AbortController();
    const refresh = () => {
      void queryClient.invalidateQueries({ queryKey: key });
      void queryClient.invalidateQueries({ queryKey: [...executionsBaseKey, 'list'] });
    };
    followExecution(
      selectedId,
      {
        onSnapshot: (execution) =>
          queryClient.setQueryData(key, (current) => ({
            ...execution,
            // The snapshot may predate steps already fetched; keep the richer list.
            steps: (execution.steps?.length ?? 0) >= (current?.steps?.length ?? 0) ? execution.steps : current?.steps,
          })),
        onStep: (step) =>
          queryClient.setQueryData(key, (current) =>
            current ? { ...current, steps: upsertStep(current.steps, step) } : current,
          ),
        onStatus: (next) => {
          queryClient.setQueryData(key, (current) => (current ? { ...current, status: next } : current));
          // Output, error and timings arrive with the full record.
          if (isTerminal(next)) refresh();
        },
      },
      controller.signal,
    )
      .then(() => {
        if (!controller.signal.aborted) refresh();
      })
      .catch(() => {
        if (!controller.signal.aborted) setIsPolling(true);
      });
    return () => controller.abort();
  }, [selectedId, isLive, queryClient]);

  const setInputText = useCallback(
    (text: string) => {
      setInputTextState(text);
      writeRunInput(workflowId, text);
    },
    [workflowId],
  );

  const start = useCallback(
    (text?: string) => {
      const chosen = text ?? inputText;
      if (text !== undefined) setInputText(text);
      const input = parseRunInput(chosen);
      if (!input.ok) return setInputError(input.message);
      setInputError(null);
      execute.reset();
      setIsPreparing(true);
      void prepare()
        .then((version) => {
          if (version === null) return;
          execute.mutate(
            { workflowId, input: input.value, version },
            {
              onSuccess: (accepted) => {
                setIsPolling(false);
                setSelectedId(accepted.id);
              },
            },
          );
        })
        .finally(() => setIsPreparing(false));
    },
    [inputText, setInputText, prepare, execute, workflowId],
  );

  const startError = execute.error instanceof ApiError ? execute.error : null;
  const issues = useMemo(
    () =>
      startError?.code === 'workflow_invalid' ? (WorkflowInvalidDetailsSchema.safeParse(startError.details).data ?? []) : [],
    [startError],
  );

  return {
    inputText,
    setInputText,
    inputError,
    start,
    isStarting: isPreparing || execute.isPending,
    startError,
    issues,
    selectedId,
    select: (id) => {
      execute.reset();
      setSelectedId(id);
    },
    execution: detail.data,
    isLoadingExecution: detail.isPending && selectedId !== null,
  };
}
