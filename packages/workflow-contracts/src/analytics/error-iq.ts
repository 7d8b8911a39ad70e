import { z } from 'zod';

export const ERROR_GROUP_STATUSES = ['open', 'resolved', 'ignored'] as const;
export const ErrorGroupStatusSchema = z.enum(ERROR_GROUP_STATUSES);
export type ErrorGroupStatus = z.infer<typeof ErrorGroupStatusSchema>;

/** Where a captured error came from: an API request, a whole execution, or one step of one. */
export const ErrorSourceSchema = z.enum(['api', 'execution', 'step']);
export type ErrorSource = z.infer<typeof ErrorSourceSchema>;

/** A stored diagnosis of an error group ("Explain"). */
export const ErrorExplanationSchema = z
  .object({
    /** What most likely went wrong. */
    diagnosis: z.string(),
    /** Concrete steps that fix it. */
    fixes: z.array(z.string()),
    /** `rules`: the built-in offline hints; `model`: a language model through the AI router. */
    source: z.enum(['rules', 'model']),
    /** `provider/model` that wrote it (source `model`). */
    model: z.string().nullable(),
    createdAt: z.string(),
  })
  .meta({ id: 'ErrorExplanation' });
export type ErrorExplanation = z.infer<typeof ErrorExplanationSchema>;

/** One error group ("issue") of the Error-IQ inbox. */
export const ErrorGroupDtoSchema = z
  .object({
    id: z.uuid(),
    source: ErrorSourceSchema,
    errorType: z.string(),
    /** The message with variable parts (ids, numbers, URLs, quoted values) replaced by placeholders. */
    title: z.string(),
    /** A route template (`POST /api/workflows/:id/execute`) or a node type (`http`). */
    location: z.string(),
    status: ErrorGroupStatusSchema,
    occurrences: z.number().int(),
    usersAffected: z.number().int(),
    workflowsAffected: z.number().int(),
    firstSeenAt: z.string(),
    lastSeenAt: z.string(),
    resolvedAt: z.string().nullable(),
    /** When a resolved group was seen again (reopened as a regression). */
    regressedAt: z.string().nullable(),
    regressions: z.number().int(),
    /** Occurrences per hour over the last 24 hours, oldest first (24 numbers). */
    trend: z.array(z.number().int()),
    explanation: ErrorExplanationSchema.nullable(),
  })
  .meta({ id: 'ErrorGroup' });
export type ErrorGroupDto = z.infer<typeof ErrorGroupDtoSchema>;

/** One captured occurrence; the stack trace stays on the server. */
export const ErrorOccurrenceDtoSchema = z
  .object({
    id: z.uuid(),
    errorType: z.string(),
    message: z.string(),
    userId: z.uuid().nullable(),
    apiKeyId: z.uuid().nullable(),
    workflowId: z.uuid().nullable(),
    executionId: z.uuid().nullable(),
    nodeId: z.string().nullable(),
    /** Scrubbed context: request or execution, node type, provider, model, status code. */
    context: z.record(z.string(), z.unknown()),
    createdAt: z.string(),
  })
  .meta({ id: 'ErrorOccurrence' });
export type ErrorOccurrenceDto = z.infer<typeof ErrorOccurrenceDtoSchema>;

export const ErrorGroupDetailDtoSchema = ErrorGroupDtoSchema.extend({
  /** The newest occurrences (at most 50). */
  occurrencesSample: z.array(ErrorOccurrenceDtoSchema),
}).meta({ id: 'ErrorGroupDetail' });
export type ErrorGroupDetailDto = z.infer<typeof ErrorGroupDetailDtoSchema>;

/** Query of `GET /api/errors`: newest activity first. */
export const ListErrorGroupsQuerySchema = z.object({
  status: ErrorGroupStatusSchema.optional(),
  source: ErrorSourceSchema.optional(),
  /** Matches the title, type or location (case-insensitive). */
  q: z.string().trim().max(200).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(50),
  cursor: z.string().max(200).optional(),
});
export type ListErrorGroupsQuery = z.infer<typeof ListErrorGroupsQuerySchema>;

export const ErrorGroupListDtoSchema = z
  .object({
    items: z.array(ErrorGroupDtoSchema),
    nextCursor: z.string().nullable(),
    /** Groups per status (the filters' badges), whatever the filter. */
    counts: z.object({ open: z.number().int(), resolved: z.number().int(), ignored: z.number().int() }),
  })
  .meta({ id: 'ErrorGroupList' });
export type ErrorGroupListDto = z.infer<typeof ErrorGroupListDtoSchema>;

export const ErrorGroupParamsSchema = z.object({ id: z.uuid() });

export const ERROR_ALERT_SPIKE_MAX = 1_000_000;

/** Where an organization's Error-IQ alerts go (`PUT /api/errors/alert-settings`). */
export const ErrorAlertSettingsBodySchema = z.object({
  /** An https or http URL that receives a JSON POST per alert; null turns webhook alerts off. */
  webhookUrl: z
    .url({ protocol: /^https?$/ })
    .max(2000)
    .nullable()
    .optional(),
  /** Address that receives alert mail; null turns mail alerts off. */
  email: z.email().max(320).nullable().optional(),
  onNew: z.boolean().optional(),
  onRegression: z.boolean().optional(),
  onSpike: z.boolean().optional(),
  /** A group spikes when it is seen this many times within one clock hour. */
  spikePerHour: z.number().int().min(1).max(ERROR_ALERT_SPIKE_MAX).optional(),
});
export type ErrorAlertSettingsBody = z.infer<typeof ErrorAlertSettingsBodySchema>;

export const ErrorAlertSettingsDtoSchema = z
  .object({
    /** Whether a webhook is set (the URL itself may carry a token and is never sent back). */
    webhookConfigured: z.boolean(),
    /** The webhook's host, to recognise it. */
    webhookHost: z.string().nullable(),
    email: z.string().nullable(),
    onNew: z.boolean(),
    onRegression: z.boolean(),
    onSpike: z.boolean(),
    spikePerHour: z.number().int(),
  })
  .meta({ id: 'ErrorAlertSettings' });
export type ErrorAlertSettingsDto = z.infer<typeof ErrorAlertSettingsDtoSchema>;
