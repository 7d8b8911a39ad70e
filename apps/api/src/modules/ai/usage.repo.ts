import type { AiBudgetScope, AiUsageQuery } from '@auterity/workflow-contracts';
import type { Db } from '../../lib/db';

/** One successful AI call, billed to its organization (and workflow, execution, node, API key). */
export interface UsageRow {
  /** The billed call's id (a gateway call's `chatcmpl-…`): a row for a call already recorded is skipped. */
  callId: string;
  organizationId: string;
  workflowId: string | null;
  executionId: string | null;
  nodeId: string | null;
  apiKeyId: string | null;
  provider: string;
  model: string;
  inputTokens: number;
  outputTokens: number;
  costUsd: string;
  latencyMs: number;
}

export async function insertUsage(db: Db, rows: readonly UsageRow[]): Promise<void> {
  await db.query(
    `INSERT INTO ai_usage (call_id, organization_id, workflow_id, execution_id, node_id, api_key_id, provider, model,
       input_tokens, output_tokens, cost_usd, latency_ms)
     SELECT u.call_id, u.organization_id, u.workflow_id, u.execution_id, u.node_id, u.api_key_id, u.provider, u.model,
       u.input_tokens, u.output_tokens, u.cost_usd, u.latency_ms
     FROM jsonb_to_recordset($1::jsonb) AS u(call_id text, organization_id uuid, workflow_id uuid, execution_id uuid,
       node_id text, api_key_id uuid, provider text, model text, input_tokens int, output_tokens int, cost_usd numeric,
       latency_ms int)
     ON CONFLICT (call_id) DO NOTHING`,
    [
      JSON.stringify(
        rows.map((r) => ({
          call_id: r.callId,
          organization_id: r.organizationId,
          workflow_id: r.workflowId,
          execution_id: r.executionId,
          node_id: r.nodeId,
          api_key_id: r.apiKeyId,
          provider: r.provider,
          model: r.model,
          input_tokens: r.inputTokens,
          output_tokens: r.outputTokens,
          cost_usd: r.costUsd,
          latency_ms: r.latencyMs,
        })),
      ),
    ],
    { prepare: 'ai.insert_usage_once' },
  );
}

export interface BudgetState {
  tier: string;
  /** Limits the organization set (absent scopes have none). */
  limits: { scope: AiBudgetScope; scopeId: string; monthlyLimitUsd: string }[];
  spent: { organization: string; workflow: string; apiKey: string };
}

/**
 * What a call is measured against: the plan, the organization's own limits for the scopes of
 * this call, and the month's spend in each scope. One round trip.
 */
export async function budgetState(
  db: Db,
  organizationId: string,
  since: Date,
  scope: { workflowId: string | null; apiKeyId: string | null },
): Promise<BudgetState> {
  const { rows } = await db.query<{
    tier: string;
    limits: { scope: AiBudgetScope; scope_id: string; monthly_limit_usd: string }[] | null;
    org_spent: string;
    workflow_spent: string;
    api_key_spent: string;
  }>(
    `SELECT o.subscription_tier AS tier,
       (SELECT json_agg(json_build_object('scope', b.scope, 'scope_id', b.scope_id, 'monthly_limit_usd', b.monthly_limit_usd::text))
          FROM ai_budgets b WHERE b.organization_id = o.id AND (b.scope = 'organization'
            OR (b.scope = 'workflow' AND b.scope_id = $3) OR (b.scope = 'api_key' AND b.scope_id = $4))) AS limits,
       coalesce((SELECT spent_usd::text FROM ai_spend WHERE organization_id = o.id AND scope = 'organization'
          AND scope_id = o.id AND period_start = $2::date), '0') AS org_spent,
       coalesce((SELECT spent_usd::text FROM ai_spend WHERE organization_id = o.id AND scope = 'workflow'
          AND scope_id = $3 AND period_start = $2::date), '0') AS workflow_spent,
       coalesce((SELECT spent_usd::text FROM ai_spend WHERE organization_id = o.id AND scope = 'api_key'
          AND scope_id = $4 AND period_start = $2::date), '0') AS api_key_spent
     FROM organizations o WHERE o.id = $1`,
    [organizationId, since.toISOString().slice(0, 10), scope.workflowId, scope.apiKeyId],
    { prepare: 'ai.budget_state' },
  );
  const row = rows[0];
  return {
    tier: row?.tier ?? 'free',
    limits: (row?.limits ?? []).map((l) => ({ scope: l.scope, scopeId: l.scope_id, monthlyLimitUsd: l.monthly_limit_usd })),
    spent: {
      organization: row?.org_spent ?? '0',
      workflow: row?.workflow_spent ?? '0',
      apiKey: row?.api_key_spent ?? '0',
    },
  };
}

/** Records an alert once per scope, month and level; true when this call recorded it. */
export async function recordAlert(
  db: Db,
  alert: { organizationId: string; scope: AiBudgetScope; scopeId: string; periodStart: Date; level: 80 | 100 },
): Promise<boolean> {
  const { rowCount } = await db.query(
    `INSERT INTO ai_budget_alerts (organization_id, scope, scope_id, period_start, level) VALUES ($1, $2, $3, $4, $5)
     ON CONFLICT DO NOTHING`,
    [alert.organizationId, alert.scope, alert.scopeId, alert.periodStart.toISOString().slice(0, 10), alert.level],
  );
  return rowCount === 1;
}

export async function listBudgets(
  db: Db,
  organizationId: string,
): Promise<{ scope: AiBudgetScope; scopeId: string; monthlyLimitUsd: string }[]> {
  // A deleted workflow leaves its budget row behind (scope_id has no foreign key); it no longer
  // applies to anything and could not be removed through its scope, so it is not listed.
  const { rows } = await db.query<{ scope: AiBudgetScope; scope_id: string; monthly_limit_usd: string }>(
    `SELECT b.scope, b.scope_id, b.monthly_limit_usd::text FROM ai_budgets b
     WHERE b.organization_id = $1 AND (b.scope <> 'workflow'
       OR EXISTS (SELECT 1 FROM workflows w WHERE w.organization_id = b.organization_id AND w.id = b.scope_id))
     ORDER BY CASE b.scope WHEN 'organization' THEN 0 WHEN 'workflow' THEN 1 ELSE 2 END, b.scope_id`,
    [organizationId],
  );
  return rows.map((r) => ({ scope: r.scope, scopeId: r.scope_id, monthlyLimitUsd: r.monthly_limit_usd }));
}

export async function putBudget(
  db: Db,
  organizationId: string,
  scope: AiBudgetScope,
  scopeId: string,
  monthlyLimitUsd: string | null,
): Promise<void> {
  if (monthlyLimitUsd === null) {
    await db.query('DELETE FROM ai_budgets WHERE organization_id = $1 AND scope = $2 AND scope_id = $3', [
      organizationId,
      scope,
      scopeId,
    ]);
    return;
  }
  await db.query(
    `INSERT INTO ai_budgets (organization_id, scope, scope_id, monthly_limit_usd) VALUES ($1, $2, $3, $4)
     ON CONFLICT (organization_id, scope, scope_id) DO UPDATE SET monthly_limit_usd = EXCLUDED.monthly_limit_usd, updated_at = now()`,
    [organizationId, scope, scopeId, monthlyLimitUsd],
  );
}

/** Whether a workflow or API key belongs to the organization (budgets only name its own). */
export async function scopeExists(db: Db, organizationId: string, scope: AiBudgetScope, scopeId: string): Promise<boolean> {
  if (scope === 'organization') return scopeId === organizationId;
  const table = scope === 'workflow' ? 'workflows' : 'api_keys';
  const { rows } = await db.query(`SELECT 1 FROM ${table} WHERE organization_id = $1 AND id = $2`, [organizationId, scopeId]);
  return rows.length === 1;
}

const GROUP_EXPRESSIONS: Record<AiUsageQuery['groupBy'], { key: string; label: string; join?: string }> = {
  day: { key: `to_char(u.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD')`, label: 'NULL' },
  model: { key: `u.provider || '/' || u.model`, label: 'NULL' },
  provider: { key: 'u.provider', label: 'NULL' },
  workflow: {
    key: 'u.workflow_id::text',
    label: 'w.name',
    join: 'LEFT JOIN workflows w ON w.id = u.workflow_id AND w.organization_id = u.organization_id',
  },
  api_key: {
    key: 'u.api_key_id::text',
    label: 'k.name',
    join: 'LEFT JOIN api_keys k ON k.id = u.api_key_id AND k.organization_id = u.organization_id',
  },
};

export async function usageReport(
  db: Db,
  organizationId: string,
  range: { from: Date; to: Date },
  groupBy: AiUsageQuery['groupBy'],
): Promise<
  { key: string | null; label: string | null; calls: number; inputTokens: number; outputTokens: number; costUsd: string }[]
> {
  const g = GROUP_EXPRESSIONS[groupBy];
  const { rows } = await db.query<{
    key: string | null;
    label: string | null;
    calls: string;
    input_tokens: string;
    output_tokens: string;
    cost_usd: string;
  }>(
    `SELECT ${g.key} AS key, ${g.label === 'NULL' ? 'NULL' : `max(${g.label})`} AS label, count(*)::text AS calls,
       sum(u.input_tokens)::text AS input_tokens, sum(u.output_tokens)::text AS output_tokens, sum(u.cost_usd)::text AS cost_usd
     FROM ai_usage u ${g.join ?? ''}
     WHERE u.organization_id = $1 AND u.created_at >= $2 AND u.created_at < $3
     GROUP BY 1 ORDER BY ${groupBy === 'day' ? '1' : 'sum(u.cost_usd) DESC, 1'}`,
    [organizationId, range.from.toISOString(), range.to.toISOString()],
  );
  return rows.map((r) => ({
    key: r.key,
    label: r.label,
    calls: Number(r.calls),
    inputTokens: Number(r.input_tokens),
    outputTokens: Number(r.output_tokens),
    costUsd: r.cost_usd,
  }));
}
