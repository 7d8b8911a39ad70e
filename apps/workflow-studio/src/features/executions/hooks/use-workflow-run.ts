import { useCallback, useMemo, useState } from 'react';
import { WorkflowInvalidDetailsSchema, type ExecutionDto, type GraphIssue } from '@auterity/workflow-contracts';
import { ApiError } from '../../../lib/api-client';
import { useExecuteWorkflow } from '../api/execute-workflow';
import { readRunInput, writeRunInput } from '../utils/run-input-storage';
import { useLiveExecution } from './use-live-execution';

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
  const execute = useExecuteWorkflow();
  const [inputText, setInputTextState] = useState(() => readRunInput(workflowId));
  const [inputError, setInputError] = useState<string | null>(null);
  const [isPreparing, setIsPreparing] = useState(false);
  const [selectedId, setSelectedId] = useState<string | null>(null);
  // Follows the selected execution live (SSE into the query cache, polling as a fallback).
  const detail = useLiveExecution(selectedId);

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
              onSuccess: (accepted) => setSelectedId(accepted.id),
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
