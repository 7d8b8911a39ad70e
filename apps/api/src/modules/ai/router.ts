import { APICallError, UnsupportedFunctionalityError } from '@ai-sdk/provider';
import type {
  LanguageModelV3,
  LanguageModelV3CallOptions,
  LanguageModelV3Content,
  LanguageModelV3FinishReason,
  LanguageModelV3StreamPart,
  LanguageModelV3Usage,
} from '@ai-sdk/provider';
import {
  LOCAL_AI_PROVIDER,
  parseModelSelector,
  type AiAttempt,
  type AiBudgetScope,
  type AiCapability,
  type AiRoutingPolicy,
} from '@auterity/workflow-contracts';
import { BrokenCircuitError, ConsecutiveBreaker, circuitBreaker, handleWhen, type CircuitBreakerPolicy } from 'cockatiel';
import { AppError } from '../../http/errors';
import { randomUUID } from 'node:crypto';
import { createFastFetch } from '../../lib/fast-fetch';
import type { Database } from '../../lib/db';
import type { GuardedHttpClient } from '../../lib/http-client';
import { OutboundRequestError } from '../../lib/http-client';
import type { Logger } from '../../lib/logger';
import type { CatalogModel, CatalogProvider } from './catalog.repo';
import * as catalogRepo from './catalog.repo';
import { callCost, formatUsd, parseUsd } from './pricing';
import { findProvider, type ProviderDefinition, type ProviderSettings } from './providers';
import * as usageRepo from './usage.repo';
import { createUsageWriter } from './usage-writer';
import { aiCalls, aiCost, aiTokens } from '../../lib/metrics';
import { gptTokenizer } from './lazy-modules';

/** Why an AI request failed, as a stable code (node errors, gateway errors, API envelope). */
export type AiErrorCode =
  | 'budget_exceeded'
  | 'model_not_found'
  | 'model_unavailable'
  | 'no_model_available'
  | 'unsupported_request'
  | 'ai_provider_failed'
  | 'plan_limit_reached';

const AI_ERROR_STATUS: Record<AiErrorCode, number> = {
  budget_exceeded: 402,
  model_not_found: 404,
  model_unavailable: 409,
  no_model_available: 422,
  unsupported_request: 400,
  ai_provider_failed: 502,
  plan_limit_reached: 402,
};

/** An AI request that could not be served; rendered with the error envelope (OpenAI's on /v1). */
export class AiError extends AppError {
  override name = 'AiError';
  constructor(
    override readonly code: AiErrorCode,
    message: string,
    readonly attempts: AiAttempt[] = [],
    /** The provider's HTTP status when it refused the request. */
    readonly providerStatus?: number,
    /** Structured details instead of the attempts (`plan_limit_reached`: metric, limit, used, plan). */
    details?: Record<string, unknown>,
  ) {
    super(AI_ERROR_STATUS[code], code, message, details ?? (attempts.length > 0 ? { attempts } : undefined));
  }
}

/** Who a call is billed to. */
export interface AiAttribution {
  organizationId: string;
  workflowId?: string | null;
  executionId?: string | null;
  nodeId?: string | null;
  apiKeyId?: string | null;
  /** The call's id on its usage row (a gateway call's `chatcmpl-…`); a random one when absent. */
  callId?: string;
}

export interface AiCall extends AiAttribution {
  /** `auto`, `auto:<policy>` or `provider/model`. */
  model: string;
  fallbacks?: readonly string[];
  /** `auto:best` only considers models whose output price is at most this (USD per million tokens). */
  maxPricePerMTok?: number;
  /** A vault credential to use for its provider instead of the organization's newest key. */
  credentialId?: string;
  /** The call in the AI SDK's provider format (prompt, tools, response format, limits). */
  options: Omit<LanguageModelV3CallOptions, 'abortSignal'>;
  signal: AbortSignal;
}

interface Candidate {
  model: CatalogModel;
  provider: ProviderDefinition;
  /** The vault credential that enables the provider for the organization (null: none needed). */
  credentialId: string | null;
}

interface LoadedCatalog {
  at: number;
  providers: Map<string, CatalogProvider>;
  models: CatalogModel[];
}

export interface AiCallResult {
  /** `provider/modelId` of the model that answered. */
  model: string;
  provider: string;
  content: LanguageModelV3Content[];
  text: string;
  finishReason: LanguageModelV3FinishReason;
  usage: { inputTokens: number; outputTokens: number };
  costUsd: string;
  attempts: AiAttempt[];
  latencyMs: number;
}

export interface AiStreamResult {
  model: string;
  provider: string;
  attempts: AiAttempt[];
  /** The provider's stream parts; usage and cost are recorded when it ends. */
  stream: ReadableStream<LanguageModelV3StreamPart>;
  /** Settles when the stream ended: usage and cost (estimated when the provider sent none). */
  done: Promise<{
    usage: { inputTokens: number; outputTokens: number };
    costUsd: string;
    finishReason: LanguageModelV3FinishReason;
  }>;
}

export interface AiRouterDeps {
  db: Database;
  log: Logger;
  /** SSRF-guarded client for base URLs an organization chose. */
  outbound: GuardedHttpClient;
  credentials: { resolve(organizationId: string, id: string): Promise<{ type: string; data: Record<string, unknown> }> };
  listProviderCredentials(organizationId: string): Promise<{ id: string; provider: string }[]>;
  config: {
    timeoutMs: number;
    maxAttempts: number;
    breakerFailures: number;
    breakerCooldownMs: number;
    baseUrls: Readonly<Record<string, string>>;
  };
  /** Called once per scope and month when spend crosses 80% or reaches 100% of a limit. */
  onBudgetAlert?: (alert: {
    organizationId: string;
    scope: AiBudgetScope;
    scopeId: string;
    level: 80 | 100;
    spentUsd: string;
    limitUsd: string;
  }) => void;
  /** The plan catalog's monthly AI spend for a tier (USD decimal; null: unlimited); PLAN_AI_BUDGET_USD when not given. */
  planBudgetUsd?: (tier: string) => string | null;
  now?: () => Date;
}

/** Monthly AI spend per plan (USD) when no plan catalog is wired in (the billing module's catalog replaces it). */
export const PLAN_AI_BUDGET_USD: Readonly<Record<string, string | null>> = {
  free: '10',
  starter: '100',
  professional: '1000',
  enterprise: null,
};

const CATALOG_TTL_MS = 10_000;
const ORG_TTL_MS = 5_000;
/**
 * How long a budget state read from the database is reused. This process adds its own spend at
 * once; spend by other processes is seen within this delay (the overshoot a hard stop can have).
 */
const BUDGET_TTL_MS = 1_000;
const LATENCY_SAMPLES = 50;
/** Output tokens assumed when a call sets no limit, to compare expected costs. */
const EXPECTED_OUTPUT_TOKENS = 500;

/** The first day of the month (UTC) a spend counts against. */
export function periodStart(now: Date): Date {
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1));
}

/** Estimated prompt tokens: the text of every message part, counted with the o200k tokenizer. */
export function promptTokens(prompt: LanguageModelV3CallOptions['prompt']): number {
  return gptTokenizer().countTokens(promptText(prompt));
}

function promptText(prompt: LanguageModelV3CallOptions['prompt']): string {
  let text = '';
  for (const message of prompt) {
    if (typeof message.content === 'string') text += `${message.content}\n`;
    else for (const part of message.content) if (part.type === 'text') text += `${part.text}\n`;
  }
  return text;
}

/**
 * The prompt's tokens, counted only when an answer needs them: every token stands for at least one
 * byte of UTF-8, so a prompt whose byte length already fits a context window surely fits it, and
 * calls naming a model with room to spare skip the tokenizer (a measurable part of a gateway call).
 */
function lazyPromptTokens(prompt: LanguageModelV3CallOptions['prompt']) {
  const text = promptText(prompt);
  const upperBound = Buffer.byteLength(text);
  let counted: number | undefined;
  const count = () => (counted ??= gptTokenizer().countTokens(text));
  return { count, fits: (room: number) => upperBound <= room || count() <= room };
}

function requiredCapabilities(options: AiCall['options']): Set<AiCapability> {
  const needed = new Set<AiCapability>(['text']);
  if (options.responseFormat?.type === 'json') needed.add('json');
  if (options.tools && options.tools.length > 0) needed.add('tools');
  for (const message of options.prompt) {
    if (typeof message.content !== 'string' && message.content.some((p) => p.type === 'file')) needed.add('vision');
  }
  return needed;
}

/** A provider failure worth trying the next candidate for, and whether it counts against the breaker. */
function classify(err: unknown, timedOut: boolean): { code: string; status?: number; fallback: boolean; breaker: boolean } {
  if (timedOut) return { code: 'timeout', fallback: true, breaker: true };
  if (APICallError.isInstance(err)) {
    const status = err.statusCode;
    if (status === 429) return { code: 'rate_limited', status, fallback: true, breaker: true };
    if (status !== undefined && status >= 500) return { code: 'provider_error', status, fallback: true, breaker: true };
    if (status === 401 || status === 403) return { code: 'auth_failed', status, fallback: true, breaker: false };
    if (status === 404) return { code: 'model_not_found', status, fallback: true, breaker: false };
    if (status === undefined) return { code: 'network_error', fallback: true, breaker: true };
    return { code: 'bad_request', status, fallback: false, breaker: false };
  }
  if (err instanceof OutboundRequestError) {
    return { code: err.code, fallback: true, breaker: err.code === 'network_error' || err.code === 'timeout' };
  }
  if (err instanceof BrokenCircuitError) return { code: 'circuit_open', fallback: true, breaker: false };
  if (err instanceof TypeError) return { code: 'network_error', fallback: true, breaker: true };
  // Its name is `AI_UnsupportedFunctionalityError`; the marker check also works across realms.
  if (UnsupportedFunctionalityError.isInstance(err)) return { code: 'unsupported', fallback: true, breaker: false };
  return { code: 'provider_error', fallback: true, breaker: true };
}

/** The provider's token counts; the tokenizer runs only for a count it did not send. */
function usageOf(usage: LanguageModelV3Usage | undefined, estimate: { input: () => number; output: () => number }) {
  return {
    inputTokens: usage?.inputTokens.total ?? estimate.input(),
    outputTokens: usage?.outputTokens.total ?? estimate.output(),
  };
}

function textOf(content: readonly LanguageModelV3Content[]): string {
  return content
    .filter((c): c is Extract<LanguageModelV3Content, { type: 'text' }> => c.type === 'text')
    .map((c) => c.text)
    .join('');
}

/** A `fetch` over the SSRF-guarded client (whole body, no streaming), for base URLs users chose. */
function guardedFetch(outbound: GuardedHttpClient, timeoutMs: number): typeof globalThis.fetch {
  return async (input, init) => {
    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
    const headers: Record<string, string> = {};
    new Headers(init?.headers).forEach((value, name) => {
      headers[name] = value;
    });
    const body = init?.body;
    if (body !== undefined && body !== null && typeof body !== 'string')
      throw new TypeError('Only text request bodies are supported');
    const res = await outbound.request({
      method: init?.method ?? 'GET',
      url,
      headers,
      ...(typeof body === 'string' ? { body } : {}),
      timeoutMs,
      ...(init?.signal ? { signal: init.signal } : {}),
      followRedirects: false,
    });
    return new Response(res.status === 204 || res.status === 304 ? null : res.body, { status: res.status, headers: res.headers });
  };
}

/**
 * The AI router: picks candidates for a call (a named model and its fallbacks, or `auto` with a
 * policy among the models the organization can use), calls them in order through their SDKs
 * with a per-attempt timeout and a circuit breaker per provider key, and bills the call that
 * answered (usage rows with attribution, budgets with 80% warnings and a hard stop).
 */
export function createAiRouter(deps: AiRouterDeps) {
  const { db, log, config } = deps;
  const now = deps.now ?? (() => new Date());
  const planBudget = (tier: string): string | null =>
    deps.planBudgetUsd ? deps.planBudgetUsd(tier) : (PLAN_AI_BUDGET_USD[tier] ?? null);
  let catalog: LoadedCatalog | null = null;
  let catalogLoading: Promise<LoadedCatalog> | null = null;
  const orgProviders = new Map<string, { at: number; byProvider: Map<string, string>; byCredential: Map<string, string> }>();
  const settingsCache = new Map<string, { at: number; settings: ProviderSettings }>();
  /** Settings of providers called without an organization credential (keyless or operator endpoints). */
  const platformSettings = new Map<string, ProviderSettings>();
  /** SDK models by the settings they were built with; a refreshed credential gets new ones. */
  const sdkModels = new WeakMap<ProviderSettings, Map<string, LanguageModelV3>>();
  const breakers = new Map<string, CircuitBreakerPolicy>();
  const latencies = new Map<string, number[]>();
  /** Budget states read within BUDGET_TTL_MS, by organization, workflow and API key. */
  const budgets = new Map<
    string,
    { at: number; organizationId: string; workflowId?: string; apiKeyId?: string; state: usageRepo.BudgetState }
  >();
  const budgetKey = (call: AiAttribution, since: Date) =>
    `${call.organizationId}|${call.workflowId ?? ''}|${call.apiKeyId ?? ''}|${since.getTime()}`;
  const usageWriter = createUsageWriter((rows) => usageRepo.insertUsage(db, rows), log);
  const guarded = guardedFetch(deps.outbound, config.timeoutMs);
  /** For the providers' own endpoints and the operator's: trusted addresses, pooled connections. */
  const fastFetch = createFastFetch();

  async function loadCatalog(): Promise<LoadedCatalog> {
    if (catalog && Date.now() - catalog.at < CATALOG_TTL_MS) return catalog;
    catalogLoading ??= catalogRepo
      .loadCatalog(db)
      .then((c) => {
        const loaded: LoadedCatalog = { at: Date.now(), providers: new Map(c.providers.map((p) => [p.id, p])), models: c.models };
        catalog = loaded;
        return loaded;
      })
      .finally(() => {
        catalogLoading = null;
      });
    return catalogLoading;
  }

  /** provider id → credential id, for the organization's AI keys (newest key wins). */
  async function enabledProviders(organizationId: string, preferred?: string): Promise<Map<string, string>> {
    let entry = orgProviders.get(organizationId);
    if (!entry || Date.now() - entry.at >= ORG_TTL_MS) {
      const byProvider = new Map<string, string>();
      const byCredential = new Map<string, string>();
      for (const c of await deps.listProviderCredentials(organizationId)) {
        if (!byProvider.has(c.provider)) byProvider.set(c.provider, c.id);
        byCredential.set(c.id, c.provider);
      }
      entry = { at: Date.now(), byProvider, byCredential };
      orgProviders.set(organizationId, entry);
    }
    if (!preferred) return entry.byProvider;
    // A node that names a key uses it for that key's provider (e.g. a team's own OpenAI key).
    const provider = entry.byCredential.get(preferred);
    if (!provider) {
      throw new AiError(
        'model_unavailable',
        "The node's credential is not an AI provider key of this organization (a credential with a provider)",
      );
    }
    return new Map(entry.byProvider).set(provider, preferred);
  }

  /** Whether the organization can call the provider now, and with which credential. */
  function access(provider: ProviderDefinition, byProvider: Map<string, string>): { ok: boolean; credentialId: string | null } {
    const credentialId = byProvider.get(provider.id) ?? null;
    if (provider.id === LOCAL_AI_PROVIDER) return { ok: true, credentialId: null };
    const hasEndpoint = provider.defaultBaseUrl !== null || config.baseUrls[provider.id] !== undefined;
    if (credentialId) return { ok: true, credentialId };
    return { ok: !provider.needsKey && hasEndpoint, credentialId: null };
  }

  async function settingsFor(organizationId: string, candidate: Candidate): Promise<ProviderSettings> {
    const operatorUrl = config.baseUrls[candidate.provider.id];
    if (!candidate.credentialId) {
      let platform = platformSettings.get(candidate.provider.id);
      if (!platform) {
        platform = { fetch: fastFetch, ...(operatorUrl ? { baseURL: operatorUrl } : {}) };
        platformSettings.set(candidate.provider.id, platform);
      }
      return platform;
    }
    const key = `${organizationId}:${candidate.credentialId}`;
    const cached = settingsCache.get(key);
    if (cached && Date.now() - cached.at < ORG_TTL_MS) return cached.settings;
    const { data } = await deps.credentials.resolve(organizationId, candidate.credentialId);
    const own = typeof data['baseUrl'] === 'string' ? data['baseUrl'] : undefined;
    const settings: ProviderSettings = {
      ...(typeof data['apiKey'] === 'string' ? { apiKey: data['apiKey'] } : {}),
      // A base URL the organization chose goes through the SSRF guard; the operator's is trusted.
      ...(own
        ? { baseURL: own.replace(/\/$/, ''), fetch: guarded }
        : { fetch: fastFetch, ...(operatorUrl ? { baseURL: operatorUrl } : {}) }),
    };
    settingsCache.set(key, { at: Date.now(), settings });
    return settings;
  }

  /**
   * The SDK model for a candidate, built once per settings object: building one compiles the
   * provider's response schemas, which cost more CPU than the rest of a gateway call.
   */
  function modelFor(settings: ProviderSettings, candidate: Candidate): LanguageModelV3 {
    let byModel = sdkModels.get(settings);
    if (!byModel) {
      byModel = new Map();
      sdkModels.set(settings, byModel);
    }
    let model = byModel.get(candidate.model.modelId);
    if (!model) {
      model = candidate.provider.model(settings, candidate.model.modelId);
      byModel.set(candidate.model.modelId, model);
    }
    return model;
  }

  function breakerFor(key: string): CircuitBreakerPolicy {
    let breaker = breakers.get(key);
    if (!breaker) {
      breaker = circuitBreaker(
        handleWhen((err) => classify(err, false).breaker),
        { halfOpenAfter: config.breakerCooldownMs, breaker: new ConsecutiveBreaker(config.breakerFailures) },
      );
      breakers.set(key, breaker);
    }
    return breaker;
  }

  function observedLatency(id: string): number | null {
    const samples = latencies.get(id);
    if (!samples || samples.length === 0) return null;
    const sorted = [...samples].sort((a, b) => a - b);
    return sorted[Math.floor(sorted.length / 2)] ?? null;
  }

  function observe(id: string, ms: number): void {
    const samples = latencies.get(id) ?? [];
    samples.push(ms);
    if (samples.length > LATENCY_SAMPLES) samples.shift();
    latencies.set(id, samples);
  }

  function expectedCost(model: CatalogModel, inputTokens: number, outputTokens: number): bigint {
    return callCost(
      { input: inputTokens, output: outputTokens },
      { inputPerMTok: model.inputPerMTok, outputPerMTok: model.outputPerMTok },
    );
  }

  function rank(models: Candidate[], policy: AiRoutingPolicy, inputTokens: number, outputTokens: number, maxPrice?: number) {
    const cost = (c: Candidate) => expectedCost(c.model, inputTokens, outputTokens);
    const byCost = (a: Candidate, b: Candidate) => {
      const d = cost(a) - cost(b);
      return d < 0n
        ? -1
        : d > 0n
          ? 1
          : b.model.qualityTier - a.model.qualityTier || modelKey(a.model).localeCompare(modelKey(b.model));
    };
    if (policy === 'cheapest') return [...models].sort(byCost);
    if (policy === 'fastest') {
      return [...models].sort((a, b) => {
        const la = observedLatency(modelKey(a.model)) ?? Number.POSITIVE_INFINITY;
        const lb = observedLatency(modelKey(b.model)) ?? Number.POSITIVE_INFINITY;
        return la !== lb ? (la < lb ? -1 : 1) : byCost(a, b);
      });
    }
    const affordable =
      maxPrice === undefined ? models : models.filter((c) => parseUsd(c.model.outputPerMTok) <= parseUsd(maxPrice.toFixed(6)));
    return [...affordable].sort((a, b) => b.model.qualityTier - a.model.qualityTier || byCost(a, b));
  }

  /** The ordered, bounded list of models to try for a call. */
  async function candidates(call: AiCall): Promise<Candidate[]> {
    const cat = await loadCatalog();
    const byProvider = await enabledProviders(call.organizationId, call.credentialId);
    const needed = requiredCapabilities(call.options);
    const inputTokens = lazyPromptTokens(call.options.prompt);
    const outputTokens = call.options.maxOutputTokens ?? EXPECTED_OUTPUT_TOKENS;
    const usable = (m: CatalogModel): Candidate | null => {
      const provider = findProvider(m.provider);
      if (!provider || !m.active || cat.providers.get(m.provider)?.active === false) return null;
      const { ok, credentialId } = access(provider, byProvider);
      return ok ? { model: m, provider, credentialId } : null;
    };
    const fits = (c: Candidate) =>
      [...needed].every((cap) => c.model.capabilities.includes(cap)) &&
      inputTokens.fits(c.model.contextWindow - (call.options.maxOutputTokens ?? 0));

    const chain: Candidate[] = [];
    const add = (c: Candidate) => {
      if (!chain.some((x) => x.model === c.model)) chain.push(c);
    };
    const selectors = [call.model, ...(call.fallbacks ?? [])];
    for (const [index, selector] of selectors.entries()) {
      const parsed = parseModelSelector(selector);
      if (parsed.kind === 'auto') {
        const pool = cat.models.map(usable).filter((c): c is Candidate => c !== null && fits(c));
        for (const c of rank(pool, parsed.policy, inputTokens.count(), outputTokens, call.maxPricePerMTok)) add(c);
        continue;
      }
      const model = cat.models.find((m) => m.provider === parsed.provider && m.modelId === parsed.modelId);
      if (!model) {
        if (index === 0) throw new AiError('model_not_found', `Unknown model ${selector}; see GET /api/ai/models`);
        continue;
      }
      const candidate = usable(model);
      if (!candidate) {
        if (index === 0 && selectors.length === 1) {
          throw new AiError(
            'model_unavailable',
            `${selector} is not available: add a ${model.provider} key to the credentials vault, or ask an administrator to enable it`,
          );
        }
        continue;
      }
      if (!fits(candidate)) {
        if (index === 0 && selectors.length === 1) {
          const missing = [...needed].filter((cap) => !model.capabilities.includes(cap));
          throw new AiError(
            'unsupported_request',
            missing.length > 0
              ? `${selector} does not support ${missing.join(', ')}`
              : `The prompt does not fit ${selector}'s context window`,
          );
        }
        continue;
      }
      add(candidate);
    }
    if (chain.length === 0) {
      throw new AiError(
        'no_model_available',
        'No available model supports this request; add a provider key or relax the requirements',
      );
    }
    return chain.slice(0, config.maxAttempts);
  }

  /** Refuses a call when a limit in force is reached (the plan's, the organization's, a workflow's or an API key's). */
  async function checkBudget(call: AiAttribution): Promise<usageRepo.BudgetState> {
    const since = periodStart(now());
    const key = budgetKey(call, since);
    const cached = budgets.get(key);
    let state: usageRepo.BudgetState;
    if (cached && Date.now() - cached.at < BUDGET_TTL_MS) state = cached.state;
    else {
      // This process's own spend still on its way to the database counts too.
      await usageWriter.flush(BUDGET_TTL_MS);
      state = await usageRepo.budgetState(db, call.organizationId, since, {
        workflowId: call.workflowId ?? null,
        apiKeyId: call.apiKeyId ?? null,
      });
      budgets.set(key, {
        at: Date.now(),
        organizationId: call.organizationId,
        ...(call.workflowId ? { workflowId: call.workflowId } : {}),
        ...(call.apiKeyId ? { apiKeyId: call.apiKeyId } : {}),
        state,
      });
      if (budgets.size > 10_000) budgets.delete(budgets.keys().next().value as string);
    }
    for (const limit of limitsInForce(call, state)) {
      if (parseUsd(limit.spent) >= parseUsd(limit.limitUsd)) {
        if (limit.scope === 'organization' && !isOwnLimit(state)) {
          throw new AiError(
            'plan_limit_reached',
            `The plan's $${trimUsd(limit.limitUsd)} of AI spend for this month is used up ($${trimUsd(limit.spent)} spent). Upgrade the plan to continue.`,
            [],
            undefined,
            { metric: 'ai_cost_usd', limit: Number(limit.limitUsd), used: Number(limit.spent), plan: state.tier },
          );
        }
        throw new AiError(
          'budget_exceeded',
          `The ${limit.scope === 'organization' ? "organization's" : `${limit.scope.replace('_', ' ')}'s`} monthly AI budget of $${trimUsd(limit.limitUsd)} is used up ($${trimUsd(limit.spent)} spent)`,
        );
      }
    }
    return state;
  }

  function ownLimit(state: usageRepo.BudgetState): string | null {
    return state.limits.find((l) => l.scope === 'organization')?.monthlyLimitUsd ?? null;
  }

  /** The organization's own limit applies (it is lower than the plan's); otherwise the plan's does. */
  function isOwnLimit(state: usageRepo.BudgetState): boolean {
    const own = ownLimit(state);
    const plan = planBudget(state.tier);
    return own !== null && (plan === null || parseUsd(own) < parseUsd(plan));
  }

  function limitsInForce(call: AiAttribution, state: usageRepo.BudgetState) {
    const limits: { scope: AiBudgetScope; scopeId: string; limitUsd: string; spent: string }[] = [];
    const plan = planBudget(state.tier);
    const orgLimit = isOwnLimit(state) ? ownLimit(state) : plan;
    if (orgLimit !== null)
      limits.push({ scope: 'organization', scopeId: call.organizationId, limitUsd: orgLimit, spent: state.spent.organization });
    for (const l of state.limits) {
      if (l.scope === 'workflow' && l.scopeId === call.workflowId)
        limits.push({ ...l, limitUsd: l.monthlyLimitUsd, spent: state.spent.workflow });
      if (l.scope === 'api_key' && l.scopeId === call.apiKeyId)
        limits.push({ ...l, limitUsd: l.monthlyLimitUsd, spent: state.spent.apiKey });
    }
    return limits;
  }

  /** Bills a finished call and raises the 80% / 100% alerts it caused. Never throws. */
  async function bill(
    call: AiAttribution,
    candidate: Candidate,
    usage: { inputTokens: number; outputTokens: number },
    latencyMs: number,
    before: usageRepo.BudgetState,
  ) {
    const cost = callCost(
      { input: usage.inputTokens, output: usage.outputTokens },
      { inputPerMTok: candidate.model.inputPerMTok, outputPerMTok: candidate.model.outputPerMTok },
    );
    const costUsd = formatUsd(cost);
    const provider = candidate.model.provider;
    aiCalls.inc({ provider, outcome: 'ok' });
    aiTokens.inc({ provider, direction: 'input' }, usage.inputTokens);
    aiTokens.inc({ provider, direction: 'output' }, usage.outputTokens);
    // A metric may round; the books (ai_usage) stay exact.
    aiCost.inc({ provider }, Number(cost) / 1e12);
    // Written behind the answer (usage-writer.ts): kept and retried until the database has it.
    usageWriter.write({
      callId: call.callId ?? randomUUID(),
      organizationId: call.organizationId,
      workflowId: call.workflowId ?? null,
      executionId: call.executionId ?? null,
      nodeId: call.nodeId ?? null,
      apiKeyId: call.apiKeyId ?? null,
      provider: candidate.model.provider,
      model: candidate.model.modelId,
      inputTokens: usage.inputTokens,
      outputTokens: usage.outputTokens,
      costUsd,
      latencyMs,
    });
    if (cost > 0n) {
      addSpend(call, cost);
      try {
        await raiseAlerts(call, before, cost);
      } catch (err) {
        log.error({ err, organizationId: call.organizationId }, 'AI budget alert could not be recorded');
      }
    }
    return costUsd;
  }

  /** This process's own spend counts at once in the budget states it remembers. */
  function addSpend(call: AiAttribution, cost: bigint) {
    const add = (amount: string) => formatUsd(parseUsd(amount) + cost);
    for (const entry of budgets.values()) {
      if (entry.organizationId !== call.organizationId) continue;
      const { state } = entry;
      entry.state = {
        ...state,
        spent: {
          organization: add(state.spent.organization),
          workflow: call.workflowId && entry.workflowId === call.workflowId ? add(state.spent.workflow) : state.spent.workflow,
          apiKey: call.apiKeyId && entry.apiKeyId === call.apiKeyId ? add(state.spent.apiKey) : state.spent.apiKey,
        },
      };
    }
  }

  /** Spend after this call is the spend the budget check read plus its cost: no second query. */
  async function raiseAlerts(call: AiAttribution, before: usageRepo.BudgetState, cost: bigint) {
    const start = periodStart(now());
    for (const limit of limitsInForce(call, before)) {
      const limitPicos = parseUsd(limit.limitUsd);
      const spent = parseUsd(limit.spent) + cost;
      const level = spent >= limitPicos ? 100 : spent * 10n >= limitPicos * 8n ? 80 : null;
      if (level === null) continue;
      const alert = {
        organizationId: call.organizationId,
        scope: limit.scope,
        scopeId: limit.scopeId,
        periodStart: start,
        level,
      } as const;
      if (await usageRepo.recordAlert(db, alert)) {
        log.warn({ organizationId: call.organizationId, scope: limit.scope, scopeId: limit.scopeId, level }, 'AI budget alert');
        deps.onBudgetAlert?.({ ...alert, spentUsd: formatUsd(spent), limitUsd: limit.limitUsd });
      }
    }
  }

  /**
   * Runs `attempt` on each candidate in order until one answers; failures that another provider
   * may not have (429, 5xx, timeouts, outages, open breakers) move on to the next.
   */
  async function tryCandidates<T>(
    call: AiCall,
    attempt: (model: LanguageModelV3, signal: AbortSignal, c: Candidate) => PromiseLike<T>,
  ) {
    const budget = await checkBudget(call);
    const chain = await candidates(call);
    const attempts: AiAttempt[] = [];
    for (const candidate of chain) {
      if (call.signal.aborted) throw call.signal.reason;
      const id = modelKey(candidate.model);
      // An open breaker refuses in execute() (BrokenCircuitError → circuit_open) without calling the
      // provider; its state stays Open until execute() lets the trial through after the cooldown.
      const breaker = breakerFor(`${candidate.provider.id}:${candidate.credentialId ?? 'platform'}`);
      const started = Date.now();
      const timeout = new AbortController();
      const timer = setTimeout(() => timeout.abort(new Error('AI call timed out')), config.timeoutMs);
      const signal = AbortSignal.any([call.signal, timeout.signal]);
      try {
        const settings = await settingsFor(call.organizationId, candidate);
        const model = modelFor(settings, candidate);
        const value = await breaker.execute(async () => attempt(model, signal, candidate));
        const latencyMs = Date.now() - started;
        attempts.push({ model: id, ok: true, latencyMs });
        return { value, candidate, attempts, latencyMs, budget };
      } catch (err) {
        if (call.signal.aborted) throw call.signal.reason;
        const failure = classify(err, timeout.signal.aborted);
        aiCalls.inc({ provider: candidate.provider.id, outcome: failure.code });
        attempts.push({
          model: id,
          ok: false,
          error: failure.code,
          ...(failure.status !== undefined ? { status: failure.status } : {}),
          latencyMs: Date.now() - started,
        });
        log.info({ model: id, code: failure.code, status: failure.status }, 'AI attempt failed');
        if (!failure.fallback) {
          throw new AiError(
            'ai_provider_failed',
            `${id} refused the request (${failure.code}${failure.status ? ` ${failure.status}` : ''})`,
            attempts,
            failure.status,
          );
        }
      } finally {
        clearTimeout(timer);
      }
    }
    const summary = attempts.map((a) => `${a.model}: ${a.error ?? 'failed'}${a.status ? ` ${a.status}` : ''}`).join('; ');
    throw new AiError('ai_provider_failed', `Every model tried failed (${summary})`, attempts);
  }

  return {
    /** One call, answered in full. @throws AiError */
    async generate(call: AiCall): Promise<AiCallResult> {
      const { value, candidate, attempts, latencyMs, budget } = await tryCandidates(call, (model, signal) =>
        model.doGenerate({ ...call.options, abortSignal: signal }),
      );
      const text = textOf(value.content);
      const usage = usageOf(value.usage, {
        input: () => promptTokens(call.options.prompt),
        output: () => gptTokenizer().countTokens(text),
      });
      observe(modelKey(candidate.model), latencyMs);
      const costUsd = await bill(call, candidate, usage, latencyMs, budget);
      return {
        model: modelKey(candidate.model),
        provider: candidate.provider.id,
        content: value.content,
        text,
        finishReason: value.finishReason,
        usage,
        costUsd,
        attempts,
        latencyMs,
      };
    },

    /** One call, streamed; fallbacks apply until the provider accepted it. @throws AiError */
    async stream(call: AiCall): Promise<AiStreamResult> {
      const { value, candidate, attempts, latencyMs, budget } = await tryCandidates(call, (model, signal) =>
        model.doStream({ ...call.options, abortSignal: signal }),
      );
      let text = '';
      let usage: LanguageModelV3Usage | undefined;
      let finishReason: LanguageModelV3FinishReason = { unified: 'other', raw: undefined };
      let resolveDone!: (v: Awaited<AiStreamResult['done']>) => void;
      const done = new Promise<Awaited<AiStreamResult['done']>>((resolve) => {
        resolveDone = resolve;
      });
      const started = Date.now() - latencyMs;
      let finished = false;
      // Billed once, however the stream ends: finished, broken by the provider, or cancelled by
      // the consumer (then output tokens are counted from the text that arrived).
      const finish = async () => {
        if (finished) return;
        finished = true;
        const measured = usageOf(usage, {
          input: () => promptTokens(call.options.prompt),
          output: () => gptTokenizer().countTokens(text),
        });
        const total = Date.now() - started;
        observe(modelKey(candidate.model), latencyMs);
        resolveDone({ usage: measured, costUsd: await bill(call, candidate, measured, total, budget), finishReason });
      };
      const reader = value.stream.getReader();
      const stream = new ReadableStream<LanguageModelV3StreamPart>({
        async pull(controller) {
          let next: Awaited<ReturnType<typeof reader.read>>;
          try {
            next = await reader.read();
          } catch (err) {
            await finish();
            controller.error(err);
            return;
          }
          if (next.done) {
            await finish();
            controller.close();
            return;
          }
          const part = next.value;
          if (part.type === 'text-delta') text += part.delta;
          else if (part.type === 'finish') {
            usage = part.usage;
            finishReason = part.finishReason;
          }
          controller.enqueue(part);
        },
        async cancel(reason) {
          await reader.cancel(reason).catch(() => undefined);
          await finish();
        },
      });
      return { model: modelKey(candidate.model), provider: candidate.provider.id, attempts, stream, done };
    },

    /** The catalog with each model's availability for the organization and its observed latency. */
    async models(organizationId: string) {
      const cat = await loadCatalog();
      const byProvider = await enabledProviders(organizationId);
      return cat.models.map((m) => {
        const provider = findProvider(m.provider);
        const providerActive = cat.providers.get(m.provider)?.active !== false;
        return {
          model: m,
          providerName: cat.providers.get(m.provider)?.name ?? m.provider,
          available: Boolean(provider && m.active && providerActive && access(provider, byProvider).ok),
          observedLatencyMs: observedLatency(modelKey(m)),
        };
      });
    },

    async providers(organizationId: string) {
      const cat = await loadCatalog();
      const byProvider = await enabledProviders(organizationId);
      return { catalog: cat, byProvider, access: (p: ProviderDefinition) => access(p, byProvider) };
    },

    /** Forget cached catalog and organization keys (after an edit in this process). */
    invalidate(organizationId?: string) {
      if (organizationId) {
        orgProviders.delete(organizationId);
        for (const [key, entry] of budgets) if (entry.organizationId === organizationId) budgets.delete(key);
        for (const key of settingsCache.keys()) if (key.startsWith(`${organizationId}:`)) settingsCache.delete(key);
      } else catalog = null;
    },

    /** Budget state for the budgets endpoint. */
    budgetLimits(call: AiAttribution, state: usageRepo.BudgetState) {
      return limitsInForce(call, state);
    },

    /** The plan's monthly AI spend for a tier (USD decimal; null: unlimited). */
    planBudget,

    /**
     * Waits until the usage rows of calls billed so far in this process are written (read paths
     * call it, so usage and spend reports include the calls that just answered); false on timeout.
     */
    flushUsage: (timeoutMs?: number): Promise<boolean> => usageWriter.flush(timeoutMs),

    /** Shutdown: writes what is queued (bounded), then logs any row left for replay. */
    close: (timeoutMs?: number): Promise<void> => usageWriter.close(timeoutMs),
  };
}

export type AiRouter = ReturnType<typeof createAiRouter>;

export function modelKey(m: { provider: string; modelId: string }): string {
  return `${m.provider}/${m.modelId}`;
}

function trimUsd(amount: string): string {
  return formatUsd(parseUsd(amount));
}
