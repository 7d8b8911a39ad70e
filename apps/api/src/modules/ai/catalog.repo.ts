import type { AiCapability } from '@auterity/workflow-contracts';
import type { Db } from '../../lib/db';

export interface CatalogModel {
  provider: string;
  modelId: string;
  name: string;
  contextWindow: number;
  /** USD per million tokens, decimal strings. */
  inputPerMTok: string;
  outputPerMTok: string;
  capabilities: AiCapability[];
  qualityTier: number;
  active: boolean;
}

export interface CatalogProvider {
  id: string;
  name: string;
  active: boolean;
}

interface ModelRow {
  provider: string;
  model_id: string;
  name: string;
  context_window: number | null;
  input_cost: string | null;
  output_cost: string | null;
  capabilities: AiCapability[];
  quality_tier: number;
  is_active: boolean;
}

function toModel(r: ModelRow): CatalogModel {
  return {
    provider: r.provider,
    modelId: r.model_id,
    name: r.name,
    contextWindow: r.context_window ?? 8192,
    inputPerMTok: r.input_cost ?? '0',
    outputPerMTok: r.output_cost ?? '0',
    capabilities: r.capabilities,
    qualityTier: r.quality_tier,
    active: r.is_active,
  };
}

const MODEL_COLUMNS = `p.type AS provider, m.model_id, m.name, m.context_window, m.input_cost::text AS input_cost,
  m.output_cost::text AS output_cost, m.capabilities, m.quality_tier, m.is_active`;

/** The whole catalog (platform data, the same for every organization). */
export async function loadCatalog(db: Db): Promise<{ providers: CatalogProvider[]; models: CatalogModel[] }> {
  const providers = await db.query<{ type: string; name: string; is_active: boolean }>(
    'SELECT type, name, is_active FROM ai_providers ORDER BY type',
  );
  const models = await db.query<ModelRow>(
    `SELECT ${MODEL_COLUMNS} FROM ai_models m JOIN ai_providers p ON p.id = m.provider_id ORDER BY p.type, m.model_id`,
  );
  return {
    providers: providers.rows.map((r) => ({ id: r.type, name: r.name, active: r.is_active })),
    models: models.rows.map(toModel),
  };
}

export async function updateModel(
  db: Db,
  provider: string,
  modelId: string,
  changes: { inputPerMTok?: string; outputPerMTok?: string; active?: boolean; qualityTier?: number; contextWindow?: number },
): Promise<CatalogModel | null> {
  const { rows } = await db.query<ModelRow>(
    `UPDATE ai_models m SET
       input_cost = coalesce($3::numeric, m.input_cost),
       output_cost = coalesce($4::numeric, m.output_cost),
       is_active = coalesce($5::boolean, m.is_active),
       quality_tier = coalesce($6::smallint, m.quality_tier),
       context_window = coalesce($7::int, m.context_window)
     FROM ai_providers p
     WHERE p.id = m.provider_id AND p.type = $1 AND m.model_id = $2
     RETURNING ${MODEL_COLUMNS}`,
    [
      provider,
      modelId,
      changes.inputPerMTok ?? null,
      changes.outputPerMTok ?? null,
      changes.active ?? null,
      changes.qualityTier ?? null,
      changes.contextWindow ?? null,
    ],
  );
  return rows[0] ? toModel(rows[0]) : null;
}

export async function updateProvider(db: Db, provider: string, active: boolean): Promise<boolean> {
  const { rowCount } = await db.query('UPDATE ai_providers SET is_active = $2 WHERE type = $1', [provider, active]);
  return rowCount === 1;
}
