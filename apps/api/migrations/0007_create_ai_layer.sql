-- The AI layer: the provider catalog (protocols live in code, modules/ai/providers.ts), a seeded
-- model catalog with real prices (USD per million tokens; platform administrators edit them),
-- AI usage with attribution, budgets and their alerts, and the attempts of each AI step.
ALTER TABLE ai_models ADD COLUMN capabilities text[] NOT NULL DEFAULT '{text}';
ALTER TABLE ai_models ADD COLUMN quality_tier smallint NOT NULL DEFAULT 3;
ALTER TABLE ai_models ADD CONSTRAINT ck_ai_models__quality_tier CHECK (quality_tier BETWEEN 1 AND 5);
ALTER TABLE ai_models ADD CONSTRAINT ck_ai_models__capabilities CHECK (capabilities <@ ARRAY['text', 'vision', 'json', 'tools']::text[]);
ALTER TABLE ai_models ALTER COLUMN input_cost TYPE numeric(12, 6);
ALTER TABLE ai_models ALTER COLUMN output_cost TYPE numeric(12, 6);

-- Exact costs: tokens × (USD per million tokens, 6 decimals) needs 12 decimals.
ALTER TABLE execution_steps ALTER COLUMN cost_usd TYPE numeric(24, 12);
ALTER TABLE execution_steps ADD COLUMN ai_attempts jsonb;

-- The AI provider an API-key credential enables (not a secret; the key stays encrypted).
ALTER TABLE credentials ADD COLUMN provider varchar(50);
CREATE INDEX idx_credentials__organization_id_provider ON credentials (organization_id, provider) WHERE provider IS NOT NULL;

INSERT INTO ai_providers (name, type, is_active) VALUES
  ('OpenAI', 'openai', true),
  ('Anthropic', 'anthropic', true),
  ('Google Gemini', 'google', true),
  ('Google Vertex AI', 'google-vertex', true),
  ('Azure OpenAI', 'azure', true),
  ('Amazon Bedrock', 'amazon-bedrock', true),
  ('Mistral AI', 'mistral', true),
  ('Cohere', 'cohere', true),
  ('Groq', 'groq', true),
  ('xAI', 'xai', true),
  ('DeepSeek', 'deepseek', true),
  ('Perplexity', 'perplexity', true),
  ('Together AI', 'togetherai', true),
  ('Fireworks AI', 'fireworks', true),
  ('DeepInfra', 'deepinfra', true),
  ('Cerebras', 'cerebras', true),
  ('Hugging Face', 'huggingface', true),
  ('Alibaba Cloud (Qwen)', 'alibaba', true),
  ('Moonshot AI (Kimi)', 'moonshotai', true),
  ('Baseten', 'baseten', true),
  ('Vercel v0', 'vercel', true),
  ('OpenRouter', 'openrouter', true),
  ('SambaNova Cloud', 'sambanova', true),
  ('Nebius AI Studio', 'nebius', true),
  ('Ollama (self-hosted)', 'ollama', true),
  ('LM Studio (self-hosted)', 'lmstudio', true),
  ('vLLM (self-hosted)', 'vllm', true),
  ('Auterity local (offline, in-process)', 'local', true)
ON CONFLICT (type) DO UPDATE SET name = EXCLUDED.name;

INSERT INTO ai_models (provider_id, name, model_id, type, context_window, input_cost, output_cost, capabilities, quality_tier)
SELECT p.id, m.name, m.model_id, CASE WHEN 'vision' = ANY (m.caps) THEN 'multimodal' ELSE 'text' END, m.ctx, m.input_cost, m.output_cost, m.caps, m.tier
FROM (VALUES
  ('openai', 'gpt-5', 'GPT-5', 400000, 1.25, 10, '{text,vision,json,tools}'::text[], 5),
  ('openai', 'gpt-5-mini', 'GPT-5 mini', 400000, 0.25, 2, '{text,vision,json,tools}'::text[], 4),
  ('openai', 'gpt-5-nano', 'GPT-5 nano', 400000, 0.05, 0.4, '{text,vision,json,tools}'::text[], 3),
  ('openai', 'gpt-4.1', 'GPT-4.1', 1047576, 2, 8, '{text,vision,json,tools}'::text[], 4),
  ('openai', 'gpt-4.1-mini', 'GPT-4.1 mini', 1047576, 0.4, 1.6, '{text,vision,json,tools}'::text[], 3),
  ('openai', 'gpt-4.1-nano', 'GPT-4.1 nano', 1047576, 0.1, 0.4, '{text,vision,json,tools}'::text[], 2),
  ('openai', 'gpt-4o', 'GPT-4o', 128000, 2.5, 10, '{text,vision,json,tools}'::text[], 4),
  ('openai', 'gpt-4o-mini', 'GPT-4o mini', 128000, 0.15, 0.6, '{text,vision,json,tools}'::text[], 3),
  ('anthropic', 'claude-opus-4-1', 'Claude Opus 4.1', 200000, 15, 75, '{text,vision,json,tools}'::text[], 5),
  ('anthropic', 'claude-sonnet-4-5', 'Claude Sonnet 4.5', 200000, 3, 15, '{text,vision,json,tools}'::text[], 5),
  ('anthropic', 'claude-haiku-4-5', 'Claude Haiku 4.5', 200000, 1, 5, '{text,vision,json,tools}'::text[], 4),
  ('anthropic', 'claude-3-5-haiku-latest', 'Claude 3.5 Haiku', 200000, 0.8, 4, '{text,vision,json,tools}'::text[], 3),
  ('google', 'gemini-2.5-pro', 'Gemini 2.5 Pro', 1048576, 1.25, 10, '{text,vision,json,tools}'::text[], 5),
  ('google', 'gemini-2.5-flash', 'Gemini 2.5 Flash', 1048576, 0.3, 2.5, '{text,vision,json,tools}'::text[], 4),
  ('google', 'gemini-2.5-flash-lite', 'Gemini 2.5 Flash-Lite', 1048576, 0.1, 0.4, '{text,vision,json,tools}'::text[], 3),
  ('google', 'gemini-2.0-flash', 'Gemini 2.0 Flash', 1048576, 0.1, 0.4, '{text,vision,json,tools}'::text[], 3),
  ('google-vertex', 'gemini-2.5-pro', 'Gemini 2.5 Pro (Vertex)', 1048576, 1.25, 10, '{text,vision,json,tools}'::text[], 5),
  ('google-vertex', 'gemini-2.5-flash', 'Gemini 2.5 Flash (Vertex)', 1048576, 0.3, 2.5, '{text,vision,json,tools}'::text[], 4),
  ('azure', 'gpt-4o', 'GPT-4o (Azure deployment)', 128000, 2.5, 10, '{text,vision,json,tools}'::text[], 4),
  ('azure', 'gpt-4o-mini', 'GPT-4o mini (Azure deployment)', 128000, 0.15, 0.6, '{text,vision,json,tools}'::text[], 3),
  ('amazon-bedrock', 'anthropic.claude-3-5-haiku-20241022-v1:0', 'Claude 3.5 Haiku (Bedrock)', 200000, 0.8, 4, '{text,json,tools}'::text[], 3),
  ('amazon-bedrock', 'amazon.nova-pro-v1:0', 'Amazon Nova Pro', 300000, 0.8, 3.2, '{text,vision,json,tools}'::text[], 4),
  ('amazon-bedrock', 'amazon.nova-lite-v1:0', 'Amazon Nova Lite', 300000, 0.06, 0.24, '{text,vision,json,tools}'::text[], 3),
  ('amazon-bedrock', 'meta.llama3-1-8b-instruct-v1:0', 'Llama 3.1 8B (Bedrock)', 128000, 0.22, 0.22, '{text}'::text[], 2),
  ('mistral', 'mistral-large-latest', 'Mistral Large', 128000, 2, 6, '{text,json,tools}'::text[], 4),
  ('mistral', 'mistral-medium-latest', 'Mistral Medium 3', 128000, 0.4, 2, '{text,vision,json,tools}'::text[], 4),
  ('mistral', 'mistral-small-latest', 'Mistral Small 3', 128000, 0.1, 0.3, '{text,json,tools}'::text[], 3),
  ('mistral', 'codestral-latest', 'Codestral', 256000, 0.3, 0.9, '{text,json,tools}'::text[], 3),
  ('cohere', 'command-a-03-2025', 'Command A', 256000, 2.5, 10, '{text,json,tools}'::text[], 4),
  ('cohere', 'command-r-plus-08-2024', 'Command R+', 128000, 2.5, 10, '{text,json,tools}'::text[], 4),
  ('cohere', 'command-r-08-2024', 'Command R', 128000, 0.15, 0.6, '{text,json,tools}'::text[], 3),
  ('cohere', 'command-r7b-12-2024', 'Command R7B', 128000, 0.0375, 0.15, '{text,json,tools}'::text[], 2),
  ('groq', 'llama-3.3-70b-versatile', 'Llama 3.3 70B (Groq)', 131072, 0.59, 0.79, '{text,json,tools}'::text[], 3),
  ('groq', 'llama-3.1-8b-instant', 'Llama 3.1 8B Instant (Groq)', 131072, 0.05, 0.08, '{text,json,tools}'::text[], 2),
  ('groq', 'openai/gpt-oss-120b', 'gpt-oss-120b (Groq)', 131072, 0.15, 0.75, '{text,json,tools}'::text[], 4),
  ('xai', 'grok-4', 'Grok 4', 256000, 3, 15, '{text,vision,json,tools}'::text[], 5),
  ('xai', 'grok-3-mini', 'Grok 3 mini', 131072, 0.3, 0.5, '{text,json,tools}'::text[], 3),
  ('deepseek', 'deepseek-chat', 'DeepSeek V3 (chat)', 128000, 0.27, 1.1, '{text,json,tools}'::text[], 4),
  ('deepseek', 'deepseek-reasoner', 'DeepSeek R1 (reasoner)', 128000, 0.55, 2.19, '{text,json}'::text[], 4),
  ('perplexity', 'sonar', 'Sonar', 127072, 1, 1, '{text,json}'::text[], 3),
  ('perplexity', 'sonar-pro', 'Sonar Pro', 200000, 3, 15, '{text,json}'::text[], 4),
  ('togetherai', 'meta-llama/Llama-3.3-70B-Instruct-Turbo', 'Llama 3.3 70B Turbo (Together)', 131072, 0.88, 0.88, '{text,json,tools}'::text[], 3),
  ('togetherai', 'Qwen/Qwen2.5-72B-Instruct-Turbo', 'Qwen 2.5 72B Turbo (Together)', 32768, 1.2, 1.2, '{text,json,tools}'::text[], 3),
  ('fireworks', 'accounts/fireworks/models/llama-v3p1-8b-instruct', 'Llama 3.1 8B (Fireworks)', 131072, 0.2, 0.2, '{text,json,tools}'::text[], 2),
  ('fireworks', 'accounts/fireworks/models/deepseek-v3', 'DeepSeek V3 (Fireworks)', 131072, 0.9, 0.9, '{text,json,tools}'::text[], 4),
  ('deepinfra', 'meta-llama/Meta-Llama-3.1-8B-Instruct', 'Llama 3.1 8B (DeepInfra)', 131072, 0.03, 0.05, '{text,json}'::text[], 2),
  ('deepinfra', 'meta-llama/Llama-3.3-70B-Instruct', 'Llama 3.3 70B (DeepInfra)', 131072, 0.23, 0.4, '{text,json,tools}'::text[], 3),
  ('cerebras', 'llama3.1-8b', 'Llama 3.1 8B (Cerebras)', 32768, 0.1, 0.1, '{text,json,tools}'::text[], 2),
  ('cerebras', 'llama-3.3-70b', 'Llama 3.3 70B (Cerebras)', 65536, 0.85, 1.2, '{text,json,tools}'::text[], 3),
  ('huggingface', 'meta-llama/Llama-3.1-8B-Instruct', 'Llama 3.1 8B (HF Inference)', 131072, 0.1, 0.1, '{text}'::text[], 2),
  ('huggingface', 'Qwen/Qwen2.5-7B-Instruct', 'Qwen 2.5 7B (HF Inference)', 32768, 0.1, 0.1, '{text}'::text[], 2),
  ('alibaba', 'qwen-max', 'Qwen Max', 32768, 1.6, 6.4, '{text,json,tools}'::text[], 4),
  ('alibaba', 'qwen-plus', 'Qwen Plus', 131072, 0.4, 1.2, '{text,json,tools}'::text[], 3),
  ('alibaba', 'qwen-turbo', 'Qwen Turbo', 1000000, 0.05, 0.2, '{text,json,tools}'::text[], 2),
  ('moonshotai', 'kimi-k2-0905-preview', 'Kimi K2', 262144, 0.6, 2.5, '{text,json,tools}'::text[], 4),
  ('moonshotai', 'moonshot-v1-8k', 'Moonshot v1 8k', 8192, 0.2, 2, '{text}'::text[], 2),
  ('baseten', 'deepseek-ai/DeepSeek-V3-0324', 'DeepSeek V3 (Baseten)', 163840, 0.77, 0.77, '{text,json,tools}'::text[], 4),
  ('baseten', 'moonshotai/Kimi-K2-Instruct', 'Kimi K2 (Baseten)', 131072, 0.6, 2.5, '{text,json,tools}'::text[], 4),
  ('vercel', 'v0-1.5-md', 'v0 1.5 md', 128000, 3, 15, '{text,vision,json,tools}'::text[], 4),
  ('openrouter', 'openai/gpt-4o-mini', 'GPT-4o mini (OpenRouter)', 128000, 0.15, 0.6, '{text,vision,json,tools}'::text[], 3),
  ('openrouter', 'anthropic/claude-3.5-haiku', 'Claude 3.5 Haiku (OpenRouter)', 200000, 0.8, 4, '{text,json,tools}'::text[], 3),
  ('openrouter', 'meta-llama/llama-3.1-8b-instruct', 'Llama 3.1 8B (OpenRouter)', 131072, 0.02, 0.03, '{text}'::text[], 2),
  ('sambanova', 'Meta-Llama-3.3-70B-Instruct', 'Llama 3.3 70B (SambaNova)', 131072, 0.6, 1.2, '{text,json,tools}'::text[], 3),
  ('nebius', 'meta-llama/Llama-3.3-70B-Instruct', 'Llama 3.3 70B (Nebius)', 131072, 0.13, 0.4, '{text,json}'::text[], 3),
  ('ollama', 'llama3.2', 'Llama 3.2 3B (Ollama)', 131072, 0, 0, '{text}'::text[], 1),
  ('ollama', 'qwen2.5', 'Qwen 2.5 7B (Ollama)', 32768, 0, 0, '{text,json}'::text[], 2),
  ('lmstudio', 'qwen2.5-7b-instruct', 'Qwen 2.5 7B Instruct (LM Studio)', 32768, 0, 0, '{text,json}'::text[], 2),
  ('vllm', 'meta-llama/Llama-3.1-8B-Instruct', 'Llama 3.1 8B (vLLM)', 131072, 0, 0, '{text,json,tools}'::text[], 2),
  ('local', 'echo', 'Local echo (offline template reply)', 32768, 0, 0, '{text,json}'::text[], 1),
  ('local', 'summarize', 'Local summarizer (offline, extractive)', 32768, 0, 0, '{text,json}'::text[], 1),
  ('local', 'sentiment', 'Local sentiment (offline, AFINN lexicon)', 32768, 0, 0, '{text,json}'::text[], 1),
  ('local', 'entities', 'Local entity extractor (offline)', 32768, 0, 0, '{text,json}'::text[], 1)
) AS m(provider, model_id, name, ctx, input_cost, output_cost, caps, tier)
JOIN ai_providers p ON p.type = m.provider
ON CONFLICT (provider_id, model_id) DO NOTHING;

-- One row per successful AI call: what it cost and whom it is billed to.
CREATE TABLE ai_usage (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  organization_id uuid NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
  workflow_id uuid,
  execution_id uuid,
  node_id varchar(64),
  api_key_id uuid,
  provider varchar(50) NOT NULL,
  model varchar(200) NOT NULL,
  input_tokens integer NOT NULL,
  output_tokens integer NOT NULL,
  cost_usd numeric(24, 12) NOT NULL,
  latency_ms integer NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT ck_ai_usage__tokens CHECK (input_tokens >= 0 AND output_tokens >= 0 AND cost_usd >= 0)
);
CREATE INDEX idx_ai_usage__organization_id_created_at ON ai_usage (organization_id, created_at);
CREATE INDEX idx_ai_usage__workflow_id_created_at ON ai_usage (workflow_id, created_at) WHERE workflow_id IS NOT NULL;
CREATE INDEX idx_ai_usage__api_key_id_created_at ON ai_usage (api_key_id, created_at) WHERE api_key_id IS NOT NULL;

-- Spend per organization, workflow and API key per month, kept by a statement trigger on ai_usage
-- in the same transaction: budget checks read at most three rows instead of summing the month.
CREATE TABLE ai_spend (
  organization_id uuid NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
  scope varchar(20) NOT NULL,
  scope_id uuid NOT NULL,
  period_start date NOT NULL,
  spent_usd numeric(24, 12) NOT NULL DEFAULT 0,
  calls bigint NOT NULL DEFAULT 0,
  PRIMARY KEY (organization_id, scope, scope_id, period_start)
);

CREATE FUNCTION ai_usage_rollup() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO ai_spend (organization_id, scope, scope_id, period_start, spent_usd, calls)
  SELECT s.organization_id, s.scope, s.scope_id, s.period_start, sum(s.cost_usd), count(*)
  FROM (
    SELECT n.organization_id, 'organization' AS scope, n.organization_id AS scope_id,
      date_trunc('month', n.created_at AT TIME ZONE 'UTC')::date AS period_start, n.cost_usd
    FROM new_rows n
    UNION ALL
    SELECT n.organization_id, 'workflow', n.workflow_id, date_trunc('month', n.created_at AT TIME ZONE 'UTC')::date, n.cost_usd
    FROM new_rows n WHERE n.workflow_id IS NOT NULL
    UNION ALL
    SELECT n.organization_id, 'api_key', n.api_key_id, date_trunc('month', n.created_at AT TIME ZONE 'UTC')::date, n.cost_usd
    FROM new_rows n WHERE n.api_key_id IS NOT NULL
  ) s
  GROUP BY s.organization_id, s.scope, s.scope_id, s.period_start
  -- One order for every writer: concurrent batches lock the same rows in the same order.
  ORDER BY s.organization_id, s.scope, s.scope_id, s.period_start
  ON CONFLICT (organization_id, scope, scope_id, period_start)
  DO UPDATE SET spent_usd = ai_spend.spent_usd + EXCLUDED.spent_usd, calls = ai_spend.calls + EXCLUDED.calls;
  RETURN NULL;
END;
$$;

CREATE TRIGGER trg_ai_usage__rollup AFTER INSERT ON ai_usage REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION ai_usage_rollup();

-- Monthly AI spend limits set by an organization (its own, lower than the plan's; per workflow;
-- per API key).
CREATE TABLE ai_budgets (
  organization_id uuid NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
  scope varchar(20) NOT NULL,
  scope_id uuid NOT NULL,
  monthly_limit_usd numeric(14, 4) NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (organization_id, scope, scope_id),
  CONSTRAINT ck_ai_budgets__scope CHECK (scope IN ('organization', 'workflow', 'api_key')),
  CONSTRAINT ck_ai_budgets__limit CHECK (monthly_limit_usd >= 0)
);

-- Budget warnings (80%) and stops (100%) raised, once per scope and month.
CREATE TABLE ai_budget_alerts (
  organization_id uuid NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
  scope varchar(20) NOT NULL,
  scope_id uuid NOT NULL,
  period_start date NOT NULL,
  level smallint NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (organization_id, scope, scope_id, period_start, level),
  CONSTRAINT ck_ai_budget_alerts__level CHECK (level IN (80, 100))
);
