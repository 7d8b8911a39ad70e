-- Request analytics and Error-IQ (issue 9).

-- api_requests: who called (an API key as well as a user), and an index that answers the
-- analytics queries of one organization over a time range from the index alone.
ALTER TABLE api_requests ADD COLUMN api_key_id uuid;
DROP INDEX idx_api_requests__organization_id;
DROP INDEX idx_api_requests__organization_id_endpoint;
CREATE INDEX idx_api_requests__organization_id_created_at ON api_requests (organization_id, created_at)
  INCLUDE (status_code, response_time, endpoint, method);

-- Hourly rollups of api_requests, written by the same statement as the rows (the request recorder):
-- analytics over days and weeks read a few thousand rollup rows instead of millions of requests.
-- Latency is kept as a histogram (counts per bucket of API_LATENCY_BOUNDS_MS in analytics.repo.ts,
-- the same bounds as api_latency_bucket below), so percentiles over any set of hours are estimated
-- within one bucket.
CREATE FUNCTION api_latency_bucket(ms integer) RETURNS integer LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT width_bucket(ms, ARRAY[0, 2, 4, 6, 8, 10, 15, 20, 25, 30, 40, 50, 60, 80, 100, 125, 150, 200, 250, 300, 400,
    500, 600, 800, 1000, 1500, 2000, 3000, 5000, 10000, 30000])
$$;
CREATE FUNCTION api_latency_hist(ms integer[]) RETURNS integer[] LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT array_agg(coalesce(c.n, 0)::integer ORDER BY s.b)
  FROM generate_series(1, 31) AS s (b)
  LEFT JOIN (SELECT api_latency_bucket(m) AS b, count(*) AS n FROM unnest(ms) AS m GROUP BY 1) AS c ON c.b = s.b
$$;
CREATE FUNCTION int_array_add(a integer[], b integer[]) RETURNS integer[] LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT array_agg(coalesce(x, 0) + coalesce(y, 0) ORDER BY i) FROM unnest(a, b) WITH ORDINALITY AS t (x, y, i)
$$;
CREATE TABLE api_request_rollups (
  organization_id uuid REFERENCES organizations (id) ON DELETE CASCADE,
  hour timestamptz NOT NULL,
  method varchar(10) NOT NULL,
  endpoint varchar(500) NOT NULL,
  requests bigint NOT NULL,
  server_errors bigint NOT NULL,
  client_errors bigint NOT NULL,
  total_ms bigint NOT NULL,
  latency_hist integer[] NOT NULL,
  CONSTRAINT uq_api_request_rollups__organization_id_hour_method_endpoint UNIQUE NULLS NOT DISTINCT (organization_id, hour, method, endpoint)
);
CREATE INDEX idx_api_request_rollups__hour ON api_request_rollups (hour);

-- Error groups ("issues"): one row per fingerprint and organization (NULL: errors of no organization).
CREATE TABLE error_groups (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  organization_id uuid REFERENCES organizations (id) ON DELETE CASCADE,
  fingerprint char(64) NOT NULL,
  source varchar(20) NOT NULL,
  error_type varchar(100) NOT NULL,
  -- The message with ids, numbers, URLs and quoted values replaced by placeholders.
  title text NOT NULL,
  -- Where it happened: `GET /api/workflows/:id` or a node type.
  location varchar(300) NOT NULL,
  status varchar(20) NOT NULL DEFAULT 'open',
  occurrences bigint NOT NULL DEFAULT 0,
  first_seen_at timestamptz NOT NULL,
  last_seen_at timestamptz NOT NULL,
  resolved_at timestamptz,
  regressed_at timestamptz,
  regressions integer NOT NULL DEFAULT 0,
  -- Occurrences in the current hour (spike detection).
  window_start timestamptz NOT NULL,
  window_count integer NOT NULL DEFAULT 0,
  explanation jsonb,
  explained_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT ck_error_groups__status CHECK (status IN ('open', 'resolved', 'ignored')),
  CONSTRAINT ck_error_groups__source CHECK (source IN ('api', 'execution', 'step')),
  CONSTRAINT uq_error_groups__organization_id_fingerprint UNIQUE NULLS NOT DISTINCT (organization_id, fingerprint)
);
CREATE INDEX idx_error_groups__organization_id_last_seen_at ON error_groups (organization_id, last_seen_at DESC, id DESC);
CREATE TRIGGER trg_error_groups__updated_at BEFORE UPDATE ON error_groups FOR EACH ROW EXECUTE FUNCTION set_updated_at();

ALTER TABLE error_logs
  ADD COLUMN group_id uuid REFERENCES error_groups (id) ON DELETE CASCADE,
  ADD COLUMN api_key_id uuid,
  ADD COLUMN workflow_id uuid,
  ADD COLUMN execution_id uuid,
  ADD COLUMN node_id varchar(64);
CREATE INDEX idx_error_logs__group_id_created_at ON error_logs (group_id, created_at DESC);

-- Where an organization's Error-IQ alerts go. The webhook URL may carry a token: encrypted.
CREATE TABLE error_alert_settings (
  organization_id uuid PRIMARY KEY REFERENCES organizations (id) ON DELETE CASCADE,
  webhook_url_ciphertext text,
  email varchar(320),
  on_new boolean NOT NULL DEFAULT true,
  on_regression boolean NOT NULL DEFAULT true,
  on_spike boolean NOT NULL DEFAULT true,
  spike_per_hour integer NOT NULL DEFAULT 50,
  updated_at timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT ck_error_alert_settings__spike_per_hour CHECK (spike_per_hour >= 1)
);

-- Alerts sent: the unique key makes a storm of the same event one alert.
CREATE TABLE error_alerts (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  organization_id uuid NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
  group_id uuid NOT NULL REFERENCES error_groups (id) ON DELETE CASCADE,
  kind varchar(20) NOT NULL,
  dedup_key varchar(200) NOT NULL,
  channels text[] NOT NULL DEFAULT '{}',
  created_at timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT ck_error_alerts__kind CHECK (kind IN ('new', 'regression', 'spike')),
  CONSTRAINT uq_error_alerts__organization_id_dedup_key UNIQUE (organization_id, dedup_key)
);
CREATE INDEX idx_error_alerts__group_id ON error_alerts (group_id);
