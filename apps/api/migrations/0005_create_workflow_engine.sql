-- Workflows, immutable versions, executions with their steps, schedules and webhooks.

ALTER TABLE workflows
  ADD COLUMN tags text[] NOT NULL DEFAULT '{}',
  ADD COLUMN current_version integer NOT NULL DEFAULT 0,
  ADD COLUMN published_version integer,
  ADD COLUMN canary_version integer,
  ADD COLUMN canary_percent integer NOT NULL DEFAULT 0,
  ADD COLUMN webhook_token_hash varchar(64),
  ADD COLUMN webhook_token_ciphertext text,
  ADD CONSTRAINT ck_workflows__canary_percent CHECK (canary_percent BETWEEN 0 AND 100);
CREATE UNIQUE INDEX uq_workflows__webhook_token_hash ON workflows (webhook_token_hash) WHERE webhook_token_hash IS NOT NULL;
CREATE INDEX idx_workflows__organization_id_updated_at ON workflows (organization_id, updated_at DESC, id DESC);

CREATE TABLE workflow_versions (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  organization_id uuid NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
  workflow_id uuid NOT NULL REFERENCES workflows (id) ON DELETE CASCADE,
  version integer NOT NULL,
  canvas_data jsonb NOT NULL,
  message varchar(500),
  created_by uuid REFERENCES users (id) ON DELETE SET NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT uq_workflow_versions__workflow_id_version UNIQUE (workflow_id, version),
  CONSTRAINT ck_workflow_versions__version CHECK (version >= 1)
);
CREATE OR REPLACE FUNCTION workflow_versions_immutable() RETURNS trigger AS $$
BEGIN
  RAISE EXCEPTION 'workflow versions are immutable';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER trg_workflow_versions__immutable BEFORE UPDATE ON workflow_versions FOR EACH ROW EXECUTE FUNCTION workflow_versions_immutable();

ALTER TABLE workflow_executions DROP CONSTRAINT ck_workflow_executions__status;
UPDATE workflow_executions SET status = 'succeeded' WHERE status = 'completed';
UPDATE workflow_executions SET status = 'pending' WHERE status = 'queued';
ALTER TABLE workflow_executions
  ADD CONSTRAINT ck_workflow_executions__status CHECK (status IN ('pending', 'running', 'succeeded', 'failed', 'cancelled', 'timed_out')),
  ADD COLUMN version_id uuid REFERENCES workflow_versions (id) ON DELETE SET NULL,
  ADD COLUMN version integer,
  ADD COLUMN trigger varchar(20) NOT NULL DEFAULT 'manual',
  ADD COLUMN error jsonb,
  ADD COLUMN attempts integer NOT NULL DEFAULT 0,
  ADD COLUMN idempotency_key varchar(200),
  ADD COLUMN parent_execution_id uuid,
  ADD COLUMN depth integer NOT NULL DEFAULT 0,
  ADD COLUMN created_by uuid,
  ADD COLUMN worker_id varchar(100),
  ADD COLUMN heartbeat_at timestamptz,
  ADD COLUMN cancel_requested boolean NOT NULL DEFAULT false,
  ADD CONSTRAINT ck_workflow_executions__trigger CHECK (trigger IN ('manual', 'api', 'webhook', 'schedule', 'subworkflow', 'rerun'));
CREATE UNIQUE INDEX uq_workflow_executions__organization_id_idempotency_key
  ON workflow_executions (organization_id, idempotency_key) WHERE idempotency_key IS NOT NULL;
CREATE INDEX idx_workflow_executions__organization_id_created_at ON workflow_executions (organization_id, created_at DESC, id DESC);
CREATE INDEX idx_workflow_executions__status_active ON workflow_executions (status, created_at) WHERE status IN ('pending', 'running');

CREATE TABLE execution_steps (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  organization_id uuid NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
  execution_id uuid NOT NULL REFERENCES workflow_executions (id) ON DELETE CASCADE,
  seq integer NOT NULL,
  node_id varchar(64) NOT NULL,
  node_type varchar(40) NOT NULL,
  status varchar(20) NOT NULL,
  input jsonb,
  output jsonb,
  error jsonb,
  attempts integer NOT NULL DEFAULT 0,
  started_at timestamptz,
  completed_at timestamptz,
  duration_ms integer,
  model varchar(200),
  input_tokens integer,
  output_tokens integer,
  cost_usd numeric(14, 8),
  CONSTRAINT ck_execution_steps__status CHECK (status IN ('succeeded', 'failed', 'skipped', 'cancelled'))
);
CREATE INDEX idx_execution_steps__execution_id ON execution_steps (execution_id, seq);

CREATE TABLE workflow_schedules (
  workflow_id uuid PRIMARY KEY REFERENCES workflows (id) ON DELETE CASCADE,
  organization_id uuid NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
  cron varchar(120) NOT NULL,
  timezone varchar(64) NOT NULL,
  next_run_at timestamptz NOT NULL,
  last_run_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX idx_workflow_schedules__next_run_at ON workflow_schedules (next_run_at);
CREATE TRIGGER trg_workflow_schedules__updated_at BEFORE UPDATE ON workflow_schedules FOR EACH ROW EXECUTE FUNCTION set_updated_at();
