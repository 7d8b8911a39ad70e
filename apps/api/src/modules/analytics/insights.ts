import type { AppDeps } from '../../app';
import type { Encryptor } from '../../lib/crypto';
import type { GuardedHttpClient } from '../../lib/http-client';
import type { AiRouter } from '../ai/router';
import type { AuthService } from '../auth/auth.service';
import type { ExecutionFailure, ExecutionsService } from '../executions/executions.service';
import { createErrorIqService, type ErrorIqService } from '../error-iq/error-iq.service';
import type { RetentionDays } from './analytics.repo';
import { createAnalyticsService } from './analytics.service';
import { createRequestRecorder } from './request-recorder';

const RETENTION_INTERVAL_MS = 60 * 60 * 1000;
/** What "keep forever" (a plan without a retention limit) means for the cleanup: a century. */
const UNLIMITED_RETENTION_DAYS = 36_500;

/** Days of request analytics and error occurrences each plan keeps: the catalog's execution log retention. */
export function retentionFromPlans(
  plans: readonly { id: string; limits: { executionLogRetentionDays: number | null } }[],
): RetentionDays {
  return Object.fromEntries(plans.map((p) => [p.id, p.limits.executionLogRetentionDays ?? UNLIMITED_RETENTION_DAYS]));
}

/**
 * Error-IQ's view of a failed run: one occurrence per failed step (grouped by node type), or one
 * for the run itself when no step explains it (a timeout, a lost worker).
 */
export function captureExecutionFailure(errorIq: Pick<ErrorIqService, 'capture'>, failure: ExecutionFailure): void {
  const base = {
    organizationId: failure.organizationId,
    workflowId: failure.workflowId,
    executionId: failure.executionId,
  };
  for (const step of failure.failedSteps) {
    const attempts = step.aiAttempts ?? [];
    const lastAttempt = attempts.at(-1);
    errorIq.capture({
      ...base,
      source: 'step',
      nodeId: step.nodeId,
      errorType: step.error?.code ?? 'step_failed',
      message: step.error?.message ?? 'The step failed',
      location: step.type,
      context: {
        executionId: failure.executionId,
        workflowId: failure.workflowId,
        nodeId: step.nodeId,
        nodeType: step.type,
        attempts: step.attempts,
        durationMs: step.durationMs,
        ...(step.model ? { model: step.model } : {}),
        ...(lastAttempt ? { provider: lastAttempt.model.split('/')[0], model: lastAttempt.model } : {}),
        ...(lastAttempt?.status ? { statusCode: lastAttempt.status } : {}),
      },
    });
  }
  if (failure.failedSteps.length > 0) return;
  errorIq.capture({
    ...base,
    source: 'execution',
    nodeId: failure.error?.nodeId ?? null,
    errorType: failure.error?.code ?? failure.status,
    message: failure.error?.message ?? `The execution ended ${failure.status}`,
    location: 'execution',
    context: { executionId: failure.executionId, workflowId: failure.workflowId, status: failure.status },
  });
}

/** Request analytics and Error-IQ, wired to the core services (see app.ts createServices). */
export function createInsightServices(
  deps: Pick<AppDeps, 'db' | 'log' | 'mailer' | 'config'>,
  core: {
    auth: Pick<AuthService, 'me'>;
    outbound: GuardedHttpClient;
    aiRouter: Pick<AiRouter, 'generate' | 'models' | 'flushUsage'>;
    executions: Pick<ExecutionsService, 'onFailure'>;
    encryptor: Encryptor;
  },
) {
  const { db, log } = deps;
  const requests = createRequestRecorder(db, log);
  const analytics = createAnalyticsService({
    db,
    log,
    isPlatformAdmin: async (actor) => actor.kind === 'user' && (await core.auth.me(actor)).isPlatformAdmin,
    retentionDays: retentionFromPlans(deps.config.billing.catalog.plans),
    settleUsage: () => core.aiRouter.flushUsage(),
  });
  const errorIq = createErrorIqService({
    db,
    log,
    outbound: core.outbound,
    mailer: deps.mailer,
    encryptor: core.encryptor,
    router: core.aiRouter,
    publicUrl: deps.config.publicUrl,
  });
  core.executions.onFailure((failure) => captureExecutionFailure(errorIq, failure));
  let timer: NodeJS.Timeout | undefined;
  let inFlight: Promise<unknown> = Promise.resolve();
  return {
    requests,
    analytics,
    errorIq,
    /** Hourly retention job (the process wiring starts it where workers run). */
    retention: {
      start(intervalMs = RETENTION_INTERVAL_MS): void {
        if (timer) return;
        const run = () => {
          inFlight = analytics.applyRetention().catch((err: unknown) => log.warn({ err }, 'analytics retention failed'));
        };
        timer = setInterval(run, intervalMs);
        timer.unref();
        run();
      },
      stop(): void {
        if (timer) clearInterval(timer);
        timer = undefined;
      },
      /** Resolves when the run in progress (if any) has ended. */
      async settled(): Promise<void> {
        await inFlight;
      },
    },
  };
}
