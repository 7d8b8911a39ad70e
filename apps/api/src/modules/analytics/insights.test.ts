import type { CapturedError } from '../error-iq/error-iq.service';
import { captureExecutionFailure, retentionFromPlans } from './insights';

describe('retentionFromPlans', () => {
  it('keeps each plan’s execution log days, and a century for unlimited plans', () => {
    expect(
      retentionFromPlans([
        { id: 'free', limits: { executionLogRetentionDays: 7 } },
        { id: 'enterprise', limits: { executionLogRetentionDays: null } },
      ]),
    ).toEqual({ free: 7, enterprise: 36_500 });
  });
});

describe('captureExecutionFailure', () => {
  const base = { organizationId: 'o', workflowId: 'w', executionId: 'e' };
  const step = {
    seq: 1,
    nodeId: 'ask',
    type: 'ai.generate' as const,
    status: 'failed' as const,
    input: null,
    output: null,
    attempts: 2,
    startedAt: new Date(0),
    completedAt: new Date(5),
    durationMs: 5,
  };

  it('captures each failed step by node type, with the provider, model and status of the last AI attempt', () => {
    const captured: CapturedError[] = [];

    captureExecutionFailure(
      { capture: (e) => captured.push(e) },
      {
        ...base,
        status: 'failed',
        error: { code: 'ai_provider_failed', message: 'All models failed' },
        failedSteps: [
          {
            ...step,
            error: { code: 'ai_provider_failed', message: 'All models failed' },
            aiAttempts: [{ model: 'openai/gpt-4o-mini', ok: false, error: 'rate_limited', status: 429, latencyMs: 3 }],
          },
          { ...step, nodeId: 'other', type: 'http.request', error: null, model: 'x' },
        ],
      },
    );

    expect(captured).toEqual([
      expect.objectContaining({
        source: 'step',
        nodeId: 'ask',
        errorType: 'ai_provider_failed',
        location: 'ai.generate',
        context: expect.objectContaining({ provider: 'openai', model: 'openai/gpt-4o-mini', statusCode: 429, attempts: 2 }),
      }),
      expect.objectContaining({ errorType: 'step_failed', message: 'The step failed', location: 'http.request' }),
    ]);
  });

  it('captures the run itself when no step explains it (a timeout)', () => {
    const captured: CapturedError[] = [];

    captureExecutionFailure({ capture: (e) => captured.push(e) }, { ...base, status: 'timed_out', error: null, failedSteps: [] });
    captureExecutionFailure(
      { capture: (e) => captured.push(e) },
      { ...base, status: 'failed', error: { code: 'worker_lost', message: 'Lost', nodeId: 'n1' }, failedSteps: [] },
    );

    expect(captured).toEqual([
      expect.objectContaining({
        source: 'execution',
        errorType: 'timed_out',
        message: 'The execution ended timed_out',
        location: 'execution',
      }),
      expect.objectContaining({ errorType: 'worker_lost', nodeId: 'n1' }),
    ]);
  });
});
