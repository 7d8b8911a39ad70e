import { readFileSync } from 'node:fs';
import {
  PLAN_IDS,
  PlanCatalogSchema,
  type LimitedMetric,
  type Plan,
  type PlanCatalog,
  type PlanId,
  type PlanLimits,
} from '@auterity/workflow-contracts';
import defaultCatalog from '../../../config/plans.json';

/** Why a plan catalog could not be used; the message names the file and the first problem. */
export class PlanCatalogError extends Error {
  override name = 'PlanCatalogError';
}

/**
 * The plan catalog: the repository's `apps/api/config/plans.json` (bundled), or `file` when given
 * (PLANS_FILE), validated against the contract so that a bad catalog stops the process at boot.
 * @throws PlanCatalogError
 */
export function loadPlanCatalog(file?: string): PlanCatalog {
  let raw: unknown = defaultCatalog;
  if (file) {
    try {
      raw = JSON.parse(readFileSync(file, 'utf8'));
    } catch (err) {
      throw new PlanCatalogError(`cannot read ${file}: ${err instanceof Error ? err.message : String(err)}`);
    }
  }
  const parsed = PlanCatalogSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new PlanCatalogError(`${issue?.path.join('.') || 'catalog'} ${issue?.message ?? 'is invalid'}`);
  }
  return parsed.data;
}

/** Lookups over one catalog. */
export function createPlanBook(catalog: PlanCatalog) {
  const byId = new Map(catalog.plans.map((p) => [p.id, p]));
  const plan = (id: string): Plan => byId.get(id as PlanId) ?? (byId.get('free') as Plan);
  return {
    catalog,
    /** The plan of an id; Free for an id the catalog does not know. */
    plan,
    /** Plans in catalog order, cheapest first. */
    list: (): Plan[] => PLAN_IDS.map((id) => plan(id)),
    /** Higher is more: an upgrade moves to a higher rank. */
    rank: (id: string): number => PLAN_IDS.indexOf(id as PlanId),
    /** The limit of one metric on a plan (null: unlimited); AI spend in USD. */
    limitOf(id: string, metric: LimitedMetric): number | null {
      const limits: PlanLimits = plan(id).limits;
      switch (metric) {
        case 'active_workflows':
          return limits.activeWorkflows;
        case 'executions':
          return limits.executionsPerMonth;
        case 'ai_cost_usd':
          return limits.aiSpendUsdPerMonth === null ? null : Number(limits.aiSpendUsdPerMonth);
        case 'members':
          return limits.members;
        case 'api_requests':
          return limits.apiRequestsPerMinute;
      }
    },
  };
}
export type PlanBook = ReturnType<typeof createPlanBook>;
