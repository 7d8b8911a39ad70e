-- Core schema from the product spec, with its defects fixed:
-- * workflow_executions carries organization_id (its composite index and tenant isolation need it);
-- * updated_at is maintained by a trigger; status-like columns are guarded by CHECK constraints;
-- * tenant-owned rows require organization_id and cascade with their organization;
-- * emails are unique case-insensitively; seed providers are idempotent through a unique slug;
-- * durations are stored as integer milliseconds (portable, unambiguous) instead of INTERVAL.
-- Plain PostgreSQL 15 SQL: the same file runs on the Postgres server and on embedded PGlite.

CREATE OR REPLACE FUNCTION set_updated_at() RETURNS trigger AS $$
BEGIN
  NEW.updated_at = now();
  RETURN NEW;
END;
$$ LANGUAGE plpgsql;

CREATE TABLE organizations (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  name varchar(255) NOT NULL,
  domain varchar(255),
  subscription_tier varchar(50) NOT NULL DEFAULT 'free',
  deployment_type varchar(50) NOT NULL DEFAULT 'saas',
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT ck_organizations__subscription_tier CHECK (subscription_tier IN ('free', 'starter', 'professional', 'enterprise')),
  CONSTRAINT ck_organizations__deployment_type CHECK (deployment_type IN ('saas', 'self_hosted'))
);
CREATE UNIQUE INDEX uq_organizations__domain ON organizations (lower(domain)) WHERE domain IS NOT NULL;

CREATE TABLE users (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  organization_id uuid NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
  email varchar(255) NOT NULL,
  password_hash varchar(255),
  first_name varchar(100),
  last_name varchar(100),
  role varchar(50) NOT NULL DEFAULT 'member',
  is_active boolean NOT NULL DEFAULT true,
  email_verified boolean NOT NULL DEFAULT false,
  last_login_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT ck_users__role CHECK (role IN ('owner', 'admin', 'member', 'viewer'))
);
CREATE UNIQUE INDEX uq_users__email ON users (lower(email));
CREATE INDEX idx_users__organization_id ON users (organization_id);

CREATE TABLE ai_providers (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  name varchar(100) NOT NULL,
  type varchar(50) NOT NULL,
  api_key_encrypted text,
  base_url varchar(500),
  is_active boolean NOT NULL DEFAULT true,
  rate_limit integer NOT NULL DEFAULT 1000,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT uq_ai_providers__type UNIQUE (type),
  CONSTRAINT ck_ai_providers__rate_limit CHECK (rate_limit > 0)
);

CREATE TABLE ai_models (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  provider_id uuid NOT NULL REFERENCES ai_providers (id) ON DELETE CASCADE,
  name varchar(255) NOT NULL,
  model_id varchar(255) NOT NULL,
  type varchar(50) NOT NULL,
  context_window integer,
  input_cost numeric(10, 6),
  output_cost numeric(10, 6),
  is_active boolean NOT NULL DEFAULT true,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT uq_ai_models__provider_id_model_id UNIQUE (provider_id, model_id),
  CONSTRAINT ck_ai_models__type CHECK (type IN ('text', 'image', 'multimodal', 'embedding')),
  CONSTRAINT ck_ai_models__costs CHECK (coalesce(input_cost, 0) >= 0 AND coalesce(output_cost, 0) >= 0)
);

CREATE TABLE workflows (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  organization_id uuid NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
  name varchar(255) NOT NULL,
  description text,
  canvas_data jsonb NOT NULL,
  is_template boolean NOT NULL DEFAULT false,
  is_active boolean NOT NULL DEFAULT true,
  created_by uuid REFERENCES users (id) ON DELETE SET NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX idx_workflows__organization_id ON workflows (organization_id);

CREATE TABLE workflow_executions (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  organization_id uuid NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
  workflow_id uuid NOT NULL REFERENCES workflows (id) ON DELETE CASCADE,
  status varchar(50) NOT NULL DEFAULT 'pending',
  input_data jsonb,
  output_data jsonb,
  error_message text,
  started_at timestamptz,
  completed_at timestamptz,
  duration_ms integer,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT ck_workflow_executions__status CHECK (status IN ('pending', 'queued', 'running', 'completed', 'failed', 'cancelled')),
  CONSTRAINT ck_workflow_executions__duration_ms CHECK (duration_ms IS NULL OR duration_ms >= 0)
);
CREATE INDEX idx_workflow_executions__workflow_id ON workflow_executions (workflow_id);
CREATE INDEX idx_workflow_executions__status ON workflow_executions (status);
CREATE INDEX idx_workflow_executions__organization_id_status ON workflow_executions (organization_id, status);

CREATE TABLE subscriptions (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  organization_id uuid NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
  plan_id varchar(100) NOT NULL,
  status varchar(50) NOT NULL DEFAULT 'active',
  billing_cycle varchar(20) NOT NULL DEFAULT 'monthly',
  current_period_start timestamptz NOT NULL,
  current_period_end timestamptz NOT NULL,
  trial_end timestamptz,
  cancel_at_period_end boolean NOT NULL DEFAULT false,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT ck_subscriptions__status CHECK (status IN ('trialing', 'active', 'past_due', 'suspended', 'cancelled')),
  CONSTRAINT ck_subscriptions__billing_cycle CHECK (billing_cycle IN ('monthly', 'yearly')),
  CONSTRAINT ck_subscriptions__period CHECK (current_period_end > current_period_start)
);
CREATE INDEX idx_subscriptions__organization_id ON subscriptions (organization_id);

CREATE TABLE subscription_usage (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  subscription_id uuid NOT NULL REFERENCES subscriptions (id) ON DELETE CASCADE,
  period_start timestamptz NOT NULL,
  period_end timestamptz NOT NULL,
  metric_name varchar(100) NOT NULL,
  metric_value numeric(15, 2) NOT NULL DEFAULT 0,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT uq_subscription_usage__subscription_id_metric_name_period_start UNIQUE (subscription_id, metric_name, period_start)
);
CREATE INDEX idx_subscription_usage__subscription_id_period ON subscription_usage (subscription_id, period_start, period_end);

CREATE TABLE api_requests (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  organization_id uuid REFERENCES organizations (id) ON DELETE CASCADE,
  user_id uuid REFERENCES users (id) ON DELETE SET NULL,
  endpoint varchar(500) NOT NULL,
  method varchar(10) NOT NULL,
  status_code integer NOT NULL,
  response_time integer,
  request_size integer,
  response_size integer,
  created_at timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT ck_api_requests__status_code CHECK (status_code BETWEEN 100 AND 599)
);
CREATE INDEX idx_api_requests__organization_id ON api_requests (organization_id);
CREATE INDEX idx_api_requests__created_at ON api_requests (created_at);
CREATE INDEX idx_api_requests__organization_id_endpoint ON api_requests (organization_id, endpoint);

CREATE TABLE error_logs (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  organization_id uuid REFERENCES organizations (id) ON DELETE CASCADE,
  user_id uuid REFERENCES users (id) ON DELETE SET NULL,
  error_type varchar(100) NOT NULL,
  error_message text NOT NULL,
  stack_trace text,
  context jsonb,
  resolved boolean NOT NULL DEFAULT false,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX idx_error_logs__created_at ON error_logs (created_at);
CREATE INDEX idx_error_logs__organization_id_created_at ON error_logs (organization_id, created_at);

CREATE TRIGGER trg_organizations__updated_at BEFORE UPDATE ON organizations FOR EACH ROW EXECUTE FUNCTION set_updated_at();
CREATE TRIGGER trg_users__updated_at BEFORE UPDATE ON users FOR EACH ROW EXECUTE FUNCTION set_updated_at();
CREATE TRIGGER trg_ai_providers__updated_at BEFORE UPDATE ON ai_providers FOR EACH ROW EXECUTE FUNCTION set_updated_at();
CREATE TRIGGER trg_ai_models__updated_at BEFORE UPDATE ON ai_models FOR EACH ROW EXECUTE FUNCTION set_updated_at();
CREATE TRIGGER trg_workflows__updated_at BEFORE UPDATE ON workflows FOR EACH ROW EXECUTE FUNCTION set_updated_at();
CREATE TRIGGER trg_workflow_executions__updated_at BEFORE UPDATE ON workflow_executions FOR EACH ROW EXECUTE FUNCTION set_updated_at();
CREATE TRIGGER trg_subscriptions__updated_at BEFORE UPDATE ON subscriptions FOR EACH ROW EXECUTE FUNCTION set_updated_at();
CREATE TRIGGER trg_subscription_usage__updated_at BEFORE UPDATE ON subscription_usage FOR EACH ROW EXECUTE FUNCTION set_updated_at();

INSERT INTO ai_providers (name, type, is_active) VALUES
  ('OpenAI', 'openai', true),
  ('Anthropic', 'anthropic', true),
  ('Google', 'google', true),
  ('Hugging Face', 'huggingface', true)
ON CONFLICT (type) DO NOTHING;
