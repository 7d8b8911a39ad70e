import { z } from 'zod';

/** The wire protocol a provider speaks; several providers share one (OpenAI-compatible servers). */
export const AI_PROTOCOLS = [
  'openai-chat',
  'anthropic-messages',
  'google-generate-content',
  'google-vertex',
  'azure-openai',
  'bedrock-converse',
  'mistral',
  'cohere',
  'openai-compatible',
  'huggingface',
  'local',
] as const;
export const AiProtocolSchema = z.enum(AI_PROTOCOLS);
export type AiProtocol = z.infer<typeof AiProtocolSchema>;

export const AI_CAPABILITIES = ['text', 'vision', 'json', 'tools'] as const;
export const AiCapabilitySchema = z.enum(AI_CAPABILITIES);
export type AiCapability = z.infer<typeof AiCapabilitySchema>;

/** How `auto` picks a model: lowest expected cost, lowest observed latency, or highest quality tier. */
export const AI_ROUTING_POLICIES = ['cheapest', 'fastest', 'best'] as const;
export const AiRoutingPolicySchema = z.enum(AI_ROUTING_POLICIES);
export type AiRoutingPolicy = z.infer<typeof AiRoutingPolicySchema>;

/** The id of the always-available offline provider (runs in-process, no network, no key). */
export const LOCAL_AI_PROVIDER = 'local';

/**
 * What an AI node or gateway call names: `auto` (cheapest), `auto:<policy>`, or a catalog model as
 * `<provider>/<model id>` (e.g. `openai/gpt-4o-mini`, `local/summarize`).
 */
export const AiModelSelectorSchema = z
  .string()
  .trim()
  .min(1, 'Model is required')
  .max(200)
  .regex(/^(auto(:(cheapest|fastest|best))?|[a-z0-9-]+\/[\w.:@/-]+)$/, 'Use auto, auto:cheapest|fastest|best or provider/model');

/** Splits a selector: a policy for `auto…`, otherwise provider and model id. */
export function parseModelSelector(
  selector: string,
): { kind: 'auto'; policy: AiRoutingPolicy } | { kind: 'model'; provider: string; modelId: string } {
  if (selector === 'auto') return { kind: 'auto', policy: 'cheapest' };
  if (selector.startsWith('auto:')) return { kind: 'auto', policy: AiRoutingPolicySchema.parse(selector.slice(5)) };
  const slash = selector.indexOf('/');
  return { kind: 'model', provider: selector.slice(0, slash), modelId: selector.slice(slash + 1) };
}

/** USD as a decimal string (exact; never a float). */
const Usd = z.string().regex(/^\d{1,12}(\.\d{1,10})?$/, 'Use a decimal amount such as 12.50');

/** Whether an amount fits a column with `integer` digits before the point and `fraction` after. */
function fitsDigits(amount: string, integer: number, fraction: number): boolean {
  const [whole = '', decimals = ''] = amount.split('.');
  return whole.replace(/^0+(?=\d)/, '').length <= integer && decimals.replace(/0+$/, '').length <= fraction;
}

/** A USD amount its database column can hold: more digits would overflow, or be rounded away silently. */
const usdWithin = (integer: number, fraction: number) =>
  Usd.refine(
    (amount) => fitsDigits(amount, integer, fraction),
    `Use at most ${integer} digits before the decimal point and ${fraction} after it`,
  );
/** Catalog prices (numeric(12, 6)). */
const PriceUsd = usdWithin(6, 6);
/** Budgets (numeric(14, 4)). */
const BudgetUsd = usdWithin(10, 4);

/** Usage report dates both Postgres and the day added to `to` can represent. */
const ReportDay = z.iso
  .date()
  .refine((day) => day >= '1970-01-01' && day <= '9999-12-30', 'Use a date from 1970-01-01 to 9999-12-30');

export const AiProviderDtoSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    protocol: AiProtocolSchema,
    /** The npm package that speaks this provider's protocol. */
    sdk: z.string(),
    /** The base URL calls go to (the operator's override or the provider's public endpoint). */
    baseUrl: z.string().nullable(),
    /** True when calls can be made: the organization stored a key, or none is needed. */
    configured: z.boolean(),
    /** False when a platform administrator switched the provider off. */
    active: z.boolean(),
    local: z.boolean(),
    /** False for servers that take calls without a key (self-hosted ones need a base URL instead). */
    needsKey: z.boolean(),
    /** The vault credential holding the organization's key for this provider. */
    credentialId: z.uuid().nullable(),
    modelCount: z.number().int(),
  })
  .meta({ id: 'AiProvider' });
export type AiProviderDto = z.infer<typeof AiProviderDtoSchema>;

export const AiModelDtoSchema = z
  .object({
    /** `<provider>/<model id>`, the value AI nodes and the gateway take. */
    id: z.string(),
    provider: z.string(),
    providerName: z.string(),
    modelId: z.string(),
    name: z.string(),
    contextWindow: z.number().int(),
    /** USD per million input tokens. */
    inputPricePerMTok: z.string(),
    /** USD per million output tokens. */
    outputPricePerMTok: z.string(),
    capabilities: z.array(AiCapabilitySchema),
    /** 1 (basic) to 5 (frontier). */
    qualityTier: z.number().int().min(1).max(5),
    active: z.boolean(),
    /** True when the caller's organization can use it now (provider configured and active). */
    available: z.boolean(),
    /** Median latency observed on this instance, when there were calls. */
    observedLatencyMs: z.number().nullable(),
  })
  .meta({ id: 'AiModel' });
export type AiModelDto = z.infer<typeof AiModelDtoSchema>;

/** `:id` is `<provider>/<model id>`, URL-encoded (`openai%2Fgpt-4o-mini`). */
export const AiModelParamsSchema = z.object({
  id: z.string().regex(/^[a-z0-9-]{1,50}\/[\w.:@/-]{1,200}$/, 'Unknown model'),
});

/** Body of `PATCH /api/admin/ai/models/:id` (platform administrators). */
export const UpdateAiModelBodySchema = z
  .object({
    inputPricePerMTok: PriceUsd.optional(),
    outputPricePerMTok: PriceUsd.optional(),
    active: z.boolean().optional(),
    qualityTier: z.number().int().min(1).max(5).optional(),
    contextWindow: z.number().int().min(1).max(100_000_000).optional(),
  })
  .strict()
  .refine((b) => Object.keys(b).length > 0, 'Nothing to change');
export type UpdateAiModelBody = z.infer<typeof UpdateAiModelBodySchema>;

export const AiProviderParamsSchema = z.object({ provider: z.string().regex(/^[a-z0-9-]{1,50}$/, 'Unknown provider') });

/** Body of `PATCH /api/admin/ai/providers/:provider`. */
export const UpdateAiProviderBodySchema = z.object({ active: z.boolean() }).strict();

/** Result of `POST /api/ai/providers/:provider/test`: one tiny call through the real protocol. */
export const AiProviderTestResultSchema = z
  .object({
    ok: z.boolean(),
    model: z.string().nullable(),
    latencyMs: z.number().int().nullable(),
    error: z.string().nullable(),
  })
  .meta({ id: 'AiProviderTestResult' });
export type AiProviderTestResult = z.infer<typeof AiProviderTestResultSchema>;

/** One provider call made for an AI node or gateway request (the fallback chain, in order). */
export const AiAttemptSchema = z.object({
  model: z.string(),
  ok: z.boolean(),
  /** Why it failed: `rate_limited`, `provider_error`, `timeout`, `circuit_open`, … */
  error: z.string().optional(),
  status: z.number().int().optional(),
  latencyMs: z.number().int(),
});
export type AiAttempt = z.infer<typeof AiAttemptSchema>;

export const AI_USAGE_GROUPS = ['day', 'model', 'provider', 'workflow', 'api_key'] as const;
export const AiUsageQuerySchema = z.object({
  groupBy: z.enum(AI_USAGE_GROUPS).default('day'),
  from: ReportDay.optional(),
  to: ReportDay.optional(),
});
export type AiUsageQuery = z.infer<typeof AiUsageQuerySchema>;

export const AiUsageRowSchema = z.object({
  key: z.string().nullable(),
  label: z.string().nullable(),
  calls: z.number().int(),
  inputTokens: z.number().int(),
  outputTokens: z.number().int(),
  costUsd: z.string(),
});
export type AiUsageRow = z.infer<typeof AiUsageRowSchema>;

export const AiUsageDtoSchema = z
  .object({
    from: z.iso.date(),
    to: z.iso.date(),
    groupBy: z.enum(AI_USAGE_GROUPS),
    totalCostUsd: z.string(),
    rows: z.array(AiUsageRowSchema),
  })
  .meta({ id: 'AiUsage' });
export type AiUsageDto = z.infer<typeof AiUsageDtoSchema>;

export const AI_BUDGET_SCOPES = ['organization', 'workflow', 'api_key'] as const;
export const AiBudgetScopeSchema = z.enum(AI_BUDGET_SCOPES);
export type AiBudgetScope = z.infer<typeof AiBudgetScopeSchema>;

export const AiBudgetDtoSchema = z
  .object({
    scope: AiBudgetScopeSchema,
    /** The organization, workflow or API key id. */
    scopeId: z.uuid(),
    /** The limit in force this month (null: no limit). */
    monthlyLimitUsd: z.string().nullable(),
    /** For the organization: the plan's limit, which an override can only lower. */
    planLimitUsd: z.string().nullable().optional(),
    spentUsd: z.string(),
    /** Spend as a percentage of the limit (null without a limit). */
    percent: z.number().nullable(),
    periodStart: z.iso.datetime({ offset: true }),
  })
  .meta({ id: 'AiBudget' });
export type AiBudgetDto = z.infer<typeof AiBudgetDtoSchema>;

export const AiBudgetParamsSchema = z.object({ scope: AiBudgetScopeSchema, scopeId: z.uuid() });

/** Body of `PUT /api/ai/budgets/:scope/:scopeId`; `null` removes the limit (the plan's stays). */
export const PutAiBudgetBodySchema = z.object({ monthlyLimitUsd: BudgetUsd.nullable() }).strict();
export type PutAiBudgetBody = z.infer<typeof PutAiBudgetBodySchema>;
