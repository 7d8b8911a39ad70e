import { z } from 'zod';
import { AiAttemptSchema } from '../ai/ai';
import { NodeTypeSchema } from '../workflows/graph';
import { VERSION_NUMBER_MAX } from '../workflows/workflows';

export const EXECUTION_STATUSES = ['pending', 'running', 'succeeded', 'failed', 'cancelled', 'timed_out'] as const;
export const ExecutionStatusSchema = z.enum(EXECUTION_STATUSES);
export type ExecutionStatus = z.infer<typeof ExecutionStatusSchema>;
export const TERMINAL_STATUSES: readonly ExecutionStatus[] = ['succeeded', 'failed', 'cancelled', 'timed_out'];

export const STEP_STATUSES = ['succeeded', 'failed', 'skipped', 'cancelled'] as const;
export const StepStatusSchema = z.enum(STEP_STATUSES);
export type StepStatus = z.infer<typeof StepStatusSchema>;

export const TRIGGER_KINDS = ['manual', 'api', 'webhook', 'schedule', 'subworkflow', 'rerun'] as const;
export const TriggerKindSchema = z.enum(TRIGGER_KINDS);
export type TriggerKind = z.infer<typeof TriggerKindSchema>;

/** A failure as recorded on a step or an execution. */
export const ExecutionErrorSchema = z
  .object({ code: z.string(), message: z.string(), nodeId: z.string().nullable().optional() })
  .meta({ id: 'ExecutionError' });
export type ExecutionError = z.infer<typeof ExecutionErrorSchema>;

export const ExecutionStepDtoSchema = z
  .object({
    nodeId: z.string(),
    type: NodeTypeSchema,
    status: StepStatusSchema,
    input: z.unknown(),
    output: z.unknown(),
    error: ExecutionErrorSchema.nullable(),
    attempts: z.number().int(),
    startedAt: z.string().nullable(),
    completedAt: z.string().nullable(),
    durationMs: z.number().int().nullable(),
    model: z.string().optional(),
    tokens: z.object({ input: z.number().int(), output: z.number().int() }).optional(),
    /** USD, as a decimal string. */
    cost: z.string().optional(),
    /** AI nodes: each provider call of the fallback chain, in order. */
    aiAttempts: z.array(AiAttemptSchema).optional(),
  })
  .meta({ id: 'ExecutionStep' });
export type ExecutionStepDto = z.infer<typeof ExecutionStepDtoSchema>;

export const ExecutionDtoSchema = z
  .object({
    id: z.uuid(),
    workflowId: z.uuid(),
    versionId: z.uuid().nullable(),
    version: z.number().int().nullable(),
    status: ExecutionStatusSchema,
    trigger: TriggerKindSchema,
    input: z.unknown(),
    output: z.unknown(),
    error: ExecutionErrorSchema.nullable(),
    attempts: z.number().int(),
    createdAt: z.string(),
    startedAt: z.string().nullable(),
    completedAt: z.string().nullable(),
    durationMs: z.number().int().nullable(),
    steps: z.array(ExecutionStepDtoSchema).optional(),
  })
  .meta({ id: 'Execution' });
export type ExecutionDto = z.infer<typeof ExecutionDtoSchema>;

/** Query of `POST /api/workflows/:id/execute`. */
export const ExecuteWorkflowQuerySchema = z.object({
  /** Wait up to this many seconds for the result (max 30); 202 with the id when it is not done yet. */
  wait: z.coerce.number().min(0).max(30).optional(),
  /** Run this saved version instead of the published one. */
  version: z.coerce.number().int().min(1).max(VERSION_NUMBER_MAX).optional(),
});

/** Body of `POST /api/workflows/:id/execute`: the trigger input. */
export const ExecuteWorkflowBodySchema = z.object({ input: z.unknown().optional() }).meta({ id: 'ExecuteWorkflowBody' });

export const ExecutionAcceptedDtoSchema = z
  .object({ id: z.uuid(), status: ExecutionStatusSchema })
  .meta({ id: 'ExecutionAccepted' });

export const ListExecutionsQuerySchema = z.object({
  limit: z.coerce.number().int().min(1).max(100).default(50),
  cursor: z.string().max(200).optional(),
  workflowId: z.uuid().optional(),
  status: ExecutionStatusSchema.optional(),
  from: z.iso.datetime({ offset: true }).optional(),
  to: z.iso.datetime({ offset: true }).optional(),
});
export type ListExecutionsQuery = z.infer<typeof ListExecutionsQuerySchema>;

/**
 * What happens to an execution, as the API's processes tell each other (event bus). Clients read
 * the Server-Sent Events of `GET /api/executions/:id/events` instead: `event: snapshot` (an
 * {@link ExecutionDtoSchema}), then `event: step` (an {@link ExecutionStepDtoSchema}) and
 * `event: status` (an {@link ExecutionStreamStatusSchema}); the stream ends after a final status.
 */
export const ExecutionEventSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('status'), executionId: z.uuid(), status: ExecutionStatusSchema }),
  z.object({ type: z.literal('step'), executionId: z.uuid(), step: ExecutionStepDtoSchema }),
]);
export type ExecutionEvent = z.infer<typeof ExecutionEventSchema>;

/** Data of an `event: status` Server-Sent Event. */
export const ExecutionStreamStatusSchema = z.object({ status: ExecutionStatusSchema }).meta({ id: 'ExecutionStreamStatus' });
export type ExecutionStreamStatus = z.infer<typeof ExecutionStreamStatusSchema>;
