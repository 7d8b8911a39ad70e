import type { ExecutionStatus, StepStatus, TriggerKind } from '@auterity/workflow-contracts';

type Tone = 'neutral' | 'info' | 'success' | 'warning' | 'danger';

export const EXECUTION_STATUS_LABELS: Record<ExecutionStatus, string> = {
  pending: 'Queued',
  running: 'Running',
  succeeded: 'Succeeded',
  failed: 'Failed',
  cancelled: 'Cancelled',
  timed_out: 'Timed out',
};

export const STEP_STATUS_LABELS: Record<StepStatus, string> = {
  succeeded: 'Succeeded',
  failed: 'Failed',
  skipped: 'Skipped',
  cancelled: 'Cancelled',
};

const TONES: Record<ExecutionStatus | StepStatus, Tone> = {
  pending: 'neutral',
  running: 'info',
  succeeded: 'success',
  failed: 'danger',
  cancelled: 'warning',
  timed_out: 'danger',
  skipped: 'neutral',
};

export function statusTone(status: ExecutionStatus | StepStatus): Tone {
  return TONES[status];
}

/** `850 ms`, `1.4 s`, `2 min 5 s`; an em dash when unknown. */
export function formatDuration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined) return '—';
  if (ms < 1000) return `${ms} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(ms < 10_000 ? 1 : 0)} s`;
  const minutes = Math.floor(ms / 60_000);
  return `${minutes} min ${Math.round((ms % 60_000) / 1000)} s`;
}

/** A value as readable JSON for a <pre>; never as markup. */
export function prettyJson(value: unknown): string {
  if (value === undefined) return '—';
  if (typeof value === 'string') return value;
  try {
    return JSON.stringify(value, null, 2);
  } catch {
    return String(value);
  }
}

export const TRIGGER_LABELS: Record<TriggerKind, string> = {
  manual: 'Manual',
  api: 'API',
  webhook: 'Webhook',
  schedule: 'Schedule',
  subworkflow: 'Sub-workflow',
  rerun: 'Re-run',
};
