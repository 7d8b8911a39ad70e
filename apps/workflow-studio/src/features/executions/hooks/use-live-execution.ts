import { useEffect, useState } from 'react';
import { useQueryClient } from '@tanstack/react-query';
import type { ExecutionStepDto } from '@auterity/workflow-contracts';
import { executionQueryOptions, isTerminal, useExecution } from '../api/get-execution';
import { executionsBaseKey } from '../api/get-executions';
import { followExecution } from '../api/follow-execution';

/** Polling interval when the event stream cannot be opened (a proxy buffering it, say). */
const POLL_MS = 500;

function upsertStep(steps: readonly ExecutionStepDto[] | undefined, step: ExecutionStepDto): ExecutionStepDto[] {
  const rest = (steps ?? []).filter((s) => s.nodeId !== step.nodeId);
  return [...rest, step];
}

/**
 * One execution, kept current while it runs: its Server-Sent Events are written into the query
 * cache step by step (so every view of it updates), and the full record is refetched when it ends.
 * Falls back to polling when the stream fails.
 */
export function useLiveExecution(id: string | null) {
  const queryClient = useQueryClient();
  // Polling belongs to one execution: picking another one tries its stream first.
  const [pollingId, setPollingId] = useState<string | null>(null);
  const detail = useExecution(id, pollingId !== null && pollingId === id ? POLL_MS : false);
  const status = detail.data?.status;
  const isLive = id !== null && status !== undefined && !isTerminal(status);

  useEffect(() => {
    if (!id || !isLive) return undefined;
    const key = executionQueryOptions(id).queryKey;
    const controller = new AbortController();
    const refresh = () => {
      void queryClient.invalidateQueries({ queryKey: key });
      void queryClient.invalidateQueries({ queryKey: [...executionsBaseKey, 'list'] });
    };
    followExecution(
      id,
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
        if (!controller.signal.aborted) setPollingId(id);
      });
    return () => controller.abort();
  }, [id, isLive, queryClient]);

  return detail;
}
