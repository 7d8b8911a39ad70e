import type {
  AiBudgetDto,
  AiBudgetScope,
  AiModelDto,
  AiProviderDto,
  AiProviderTestResult,
  AiUsageDto,
  AiUsageQuery,
  PutAiBudgetBody,
  UpdateAiModelBody,
} from '@auterity/workflow-contracts';
import type { Actor } from '../../http/actor';
import { ForbiddenError, NotFoundError, ValidationError } from '../../http/errors';
import type { Database } from '../../lib/db';
import { findUser } from '../auth/auth.repo';
import type { CatalogModel } from './catalog.repo';
import * as catalogRepo from './catalog.repo';
import { formatUsd, parseUsd } from './pricing';
import { PROVIDERS, findProvider } from './providers';
import { AiError, modelKey, periodStart, type AiRouter } from './router';
import * as usageRepo from './usage.repo';

const DAY_MS = 86_400_000;

function presentModel(
  m: CatalogModel,
  extra: { providerName: string; available: boolean; observedLatencyMs: number | null },
): AiModelDto {
  return {
    id: modelKey(m),
    provider: m.provider,
    providerName: extra.providerName,
    modelId: m.modelId,
    name: m.name,
    contextWindow: m.contextWindow,
    inputPricePerMTok: formatUsd(parseUsd(m.inputPerMTok)),
    outputPricePerMTok: formatUsd(parseUsd(m.outputPerMTok)),
    capabilities: m.capabilities,
    qualityTier: m.qualityTier,
    active: m.active,
    available: extra.available,
    observedLatencyMs: extra.observedLatencyMs,
  };
}

const percentOf = (spent: string, limit: string | null) =>
  limit === null || parseUsd(limit) === 0n ? null : Math.round(Number((parseUsd(spent) * 10_000n) / parseUsd(limit))) / 100;

/** Providers, the model catalog, usage and budgets, as the studio and integrators see them. */
export function createAiService(deps: {
  db: Database;
  router: AiRouter;
  baseUrls: Readonly<Record<string, string>>;
  now?: () => Date;
}) {
  const { db, router } = deps;
  const now = deps.now ?? (() => new Date());

  async function requirePlatformAdmin(actor: Actor): Promise<void> {
    const user = actor.kind === 'user' ? await findUser(db, actor.organizationId, actor.userId) : null;
    if (!user?.isPlatformAdmin) throw new ForbiddenError('Only platform administrators edit the AI catalog');
  }

  return {
    async listProviders(actor: Actor): Promise<AiProviderDto[]> {
      const { catalog, byProvider, access } = await router.providers(actor.organizationId);
      return PROVIDERS.map((p) => ({
        id: p.id,
        name: p.name,
        protocol: p.protocol,
        sdk: p.sdk,
        baseUrl: deps.baseUrls[p.id] ?? p.defaultBaseUrl,
        configured: access(p).ok,
        active: catalog.providers.get(p.id)?.active !== false,
        local: p.protocol === 'local',
        needsKey: p.needsKey,
        credentialId: byProvider.get(p.id) ?? null,
        modelCount: catalog.models.filter((m) => m.provider === p.id).length,
      }));
    },

    async listModels(actor: Actor): Promise<AiModelDto[]> {
      return (await router.models(actor.organizationId)).map((m) => presentModel(m.model, m));
    },

    /** One tiny real call to the provider's cheapest available model. */
    async testProvider(actor: Actor, providerId: string): Promise<AiProviderTestResult> {
      if (!findProvider(providerId)) throw new NotFoundError('provider');
      const models = (await router.models(actor.organizationId)).filter((m) => m.model.provider === providerId && m.available);
      const cheapest = models.sort((a, b) => Number(parseUsd(a.model.outputPerMTok) - parseUsd(b.model.outputPerMTok)))[0];
      if (!cheapest)
        return { ok: false, model: null, latencyMs: null, error: 'No key for this provider yet, or no active model' };
      const model = modelKey(cheapest.model);
      try {
        const result = await router.generate({
          organizationId: actor.organizationId,
          apiKeyId: actor.kind === 'api_key' ? actor.apiKeyId : null,
          model,
          options: {
            prompt: [{ role: 'user', content: [{ type: 'text', text: 'Reply with the word OK.' }] }],
            maxOutputTokens: 5,
          },
          signal: AbortSignal.timeout(30_000),
        });
        return { ok: true, model, latencyMs: result.latencyMs, error: null };
      } catch (err) {
        if (err instanceof AiError) return { ok: false, model, latencyMs: null, error: err.message };
        throw err;
      }
    },

    async updateModel(actor: Actor, id: string, body: UpdateAiModelBody): Promise<AiModelDto> {
      await requirePlatformAdmin(actor);
      const slash = id.indexOf('/');
      const updated = await catalogRepo.updateModel(db, id.slice(0, slash), id.slice(slash + 1), {
        ...(body.inputPricePerMTok !== undefined ? { inputPerMTok: body.inputPricePerMTok } : {}),
        ...(body.outputPricePerMTok !== undefined ? { outputPerMTok: body.outputPricePerMTok } : {}),
        ...(body.active !== undefined ? { active: body.active } : {}),
        ...(body.qualityTier !== undefined ? { qualityTier: body.qualityTier } : {}),
        ...(body.contextWindow !== undefined ? { contextWindow: body.contextWindow } : {}),
      });
      if (!updated) throw new NotFoundError('model');
      router.invalidate();
      const view = (await router.models(actor.organizationId)).find((m) => modelKey(m.model) === id);
      return presentModel(updated, view ?? { providerName: updated.provider, available: false, observedLatencyMs: null });
    },

    async updateProvider(actor: Actor, providerId: string, active: boolean): Promise<AiProviderDto> {
      await requirePlatformAdmin(actor);
      if (!findProvider(providerId) || !(await catalogRepo.updateProvider(db, providerId, active)))
        throw new NotFoundError('provider');
      router.invalidate();
      const found = (await this.listProviders(actor)).find((p) => p.id === providerId);
      if (!found) throw new NotFoundError('provider');
      return found;
    },

    async usage(actor: Actor, query: AiUsageQuery): Promise<AiUsageDto> {
      const today = now();
      const from = query.from ? new Date(`${query.from}T00:00:00Z`) : periodStart(today);
      const to = query.to
        ? new Date(new Date(`${query.to}T00:00:00Z`).getTime() + DAY_MS)
        : new Date(Date.UTC(today.getUTCFullYear(), today.getUTCMonth(), today.getUTCDate()) + DAY_MS);
      await router.flushUsage();
      const rows = await usageRepo.usageReport(db, actor.organizationId, { from, to }, query.groupBy);
      const total = rows.reduce((sum, r) => sum + parseUsd(r.costUsd), 0n);
      return {
        from: from.toISOString().slice(0, 10),
        to: new Date(to.getTime() - DAY_MS).toISOString().slice(0, 10),
        groupBy: query.groupBy,
        totalCostUsd: formatUsd(total),
        rows: rows.map((r) => ({ ...r, costUsd: formatUsd(parseUsd(r.costUsd)) })),
      };
    },

    async listBudgets(actor: Actor): Promise<AiBudgetDto[]> {
      const start = periodStart(now());
      const own = await usageRepo.listBudgets(db, actor.organizationId);
      const scopes: { scope: AiBudgetScope; scopeId: string }[] = [
        { scope: 'organization', scopeId: actor.organizationId },
        ...own.filter((b) => b.scope !== 'organization'),
      ];
      return Promise.all(scopes.map((s) => this.budget(actor, s.scope, s.scopeId, start)));
    },

    async budget(actor: Actor, scope: AiBudgetScope, scopeId: string, start = periodStart(now())): Promise<AiBudgetDto> {
      await router.flushUsage();
      const state = await usageRepo.budgetState(db, actor.organizationId, start, {
        workflowId: scope === 'workflow' ? scopeId : null,
        apiKeyId: scope === 'api_key' ? scopeId : null,
      });
      const plan = router.planBudget(state.tier);
      const limit = router
        .budgetLimits(
          {
            organizationId: actor.organizationId,
            workflowId: scope === 'workflow' ? scopeId : null,
            apiKeyId: scope === 'api_key' ? scopeId : null,
          },
          state,
        )
        .find((l) => l.scope === scope);
      const spent =
        scope === 'organization' ? state.spent.organization : scope === 'workflow' ? state.spent.workflow : state.spent.apiKey;
      const limitUsd = limit ? formatUsd(parseUsd(limit.limitUsd)) : null;
      return {
        scope,
        scopeId,
        monthlyLimitUsd: limitUsd,
        ...(scope === 'organization' ? { planLimitUsd: plan } : {}),
        spentUsd: formatUsd(parseUsd(spent)),
        percent: percentOf(spent, limitUsd),
        periodStart: start.toISOString(),
      };
    },

    async putBudget(actor: Actor, scope: AiBudgetScope, scopeId: string, body: PutAiBudgetBody): Promise<AiBudgetDto> {
      if (!(await usageRepo.scopeExists(db, actor.organizationId, scope, scopeId)))
        throw new NotFoundError(scope.replace('_', ' '));
      if (scope === 'organization' && body.monthlyLimitUsd !== null) {
        // An organization may lower its plan's AI budget, not raise it (that is a plan change).
        const { tier } = await usageRepo.budgetState(db, actor.organizationId, periodStart(now()), {
          workflowId: null,
          apiKeyId: null,
        });
        const plan = router.planBudget(tier);
        if (plan !== null && parseUsd(body.monthlyLimitUsd) > parseUsd(plan)) {
          throw new ValidationError('Request validation failed', [
            { path: 'body.monthlyLimitUsd', message: `The plan includes at most $${plan} a month; upgrade the plan for more` },
          ]);
        }
      }
      await usageRepo.putBudget(db, actor.organizationId, scope, scopeId, body.monthlyLimitUsd);
      router.invalidate(actor.organizationId);
      return this.budget(actor, scope, scopeId);
    },
  };
}

export type AiService = ReturnType<typeof createAiService>;
