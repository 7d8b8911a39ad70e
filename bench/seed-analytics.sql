-- Analytics seed (bench/analytics.mjs): 1,000,000 api_requests rows and 100,000 executions (with
-- 200,000 steps, 50,000 AI calls and 2,000 captured errors) spread over the 30 days before now, all
-- in one organization (the worst case for that organization's queries). Set with psql -v or by the
-- script: :'org' (organization id), :'user' (a user of it).
-- Everything is generated in SQL (generate_series), so it loads in seconds.

CREATE TEMP TABLE seed_workflows AS
SELECT gen_random_uuid() AS id, n FROM generate_series(1, 20) AS n;

INSERT INTO workflows (id, organization_id, name, canvas_data, created_by)
SELECT id, :'org', 'Seeded workflow ' || n, '{"nodes":[],"edges":[]}', :'user' FROM seed_workflows;

INSERT INTO api_requests (organization_id, user_id, endpoint, method, status_code, response_time, request_size, response_size, created_at)
SELECT :'org'::uuid,
  CASE WHEN i % 3 = 0 THEN :'user'::uuid END,
  (ARRAY['/api/workflows', '/api/workflows/:id', '/api/executions', '/api/executions/:id', '/v1/chat/completions',
         '/api/workflows/:id/execute', '/api/credentials', '/api/auth/me'])[1 + i % 8],
  (ARRAY['GET', 'GET', 'GET', 'GET', 'POST', 'POST', 'GET', 'GET'])[1 + i % 8],
  CASE WHEN i % 50 = 0 THEN 500 WHEN i % 13 = 0 THEN 404 ELSE 200 END,
  (2 + (i::bigint * 7919) % 97 + CASE WHEN i % 100 = 0 THEN 900 ELSE 0 END),
  CASE WHEN i % 8 IN (4, 5) THEN 400 END,
  800 + i % 4000,
  now() - (i * interval '2592 milliseconds')
FROM generate_series(1, 1000000) AS i;

-- The hourly rollups the request recorder maintains alongside the rows.
INSERT INTO api_request_rollups (organization_id, hour, method, endpoint, requests, server_errors, client_errors, total_ms, latency_hist)
SELECT organization_id, date_trunc('hour', created_at, 'UTC'), method, endpoint, count(*),
  count(*) FILTER (WHERE status_code >= 500), count(*) FILTER (WHERE status_code BETWEEN 400 AND 499),
  sum(response_time), api_latency_hist(array_agg(response_time))
FROM api_requests WHERE organization_id = :'org' GROUP BY 1, 2, 3, 4;

CREATE TEMP TABLE seed_executions AS
SELECT gen_random_uuid() AS id, i,
  (SELECT id FROM seed_workflows WHERE n = 1 + i % 20) AS workflow_id,
  CASE WHEN i % 10 = 0 THEN 'failed' WHEN i % 97 = 0 THEN 'timed_out' WHEN i % 101 = 0 THEN 'cancelled' ELSE 'succeeded' END AS status,
  now() - (i * interval '25920 milliseconds') AS at
FROM generate_series(1, 100000) AS i;

INSERT INTO workflow_executions (id, organization_id, workflow_id, status, trigger, started_at, completed_at, duration_ms, created_at, error)
SELECT id, :'org', workflow_id, status, 'api', at, at + ((20 + i % 500) * interval '1 millisecond'), 20 + i % 500, at,
  CASE WHEN status = 'failed' THEN jsonb_build_object('code', 'http_error', 'message', 'Request failed with status 502', 'nodeId', 'call') END
FROM seed_executions;

INSERT INTO execution_steps (organization_id, execution_id, seq, node_id, node_type, status, attempts, started_at, completed_at, duration_ms, error)
SELECT :'org', e.id, s.seq, CASE s.seq WHEN 0 THEN 'start' ELSE 'call' END, CASE s.seq WHEN 0 THEN 'trigger.manual' ELSE 'http' END,
  CASE WHEN s.seq = 1 AND e.status = 'failed' THEN 'failed' ELSE 'succeeded' END, 1,
  e.at, e.at + ((5 + e.i % 300) * interval '1 millisecond'), CASE s.seq WHEN 0 THEN 1 ELSE 5 + e.i % 300 END,
  CASE WHEN s.seq = 1 AND e.status = 'failed' THEN jsonb_build_object('code', 'http_error', 'message', 'Request failed with status 502') END
FROM seed_executions e CROSS JOIN (VALUES (0), (1)) AS s (seq);

INSERT INTO ai_usage (organization_id, workflow_id, execution_id, node_id, provider, model, input_tokens, output_tokens, cost_usd, latency_ms, created_at)
SELECT :'org', e.workflow_id, e.id, 'ai',
  (ARRAY['openai', 'anthropic', 'local'])[1 + e.i % 3],
  (ARRAY['openai/gpt-4o-mini', 'anthropic/claude-3-5-haiku', 'local/summarize'])[1 + e.i % 3],
  100 + e.i % 900, 20 + e.i % 300, (0.0001 * (1 + e.i % 7))::numeric, 100 + e.i % 2000, e.at
FROM seed_executions e WHERE e.i % 2 = 0;

INSERT INTO error_groups (id, organization_id, fingerprint, source, error_type, title, location, occurrences, first_seen_at, last_seen_at, window_start, window_count)
SELECT gen_random_uuid(), :'org', md5('seed' || n) || md5('seed2' || n), 'step', 'http_error', 'Request failed with status <n> (seed ' || n || ')', 'http',
  100, now() - interval '30 days', now() - (n * interval '1 hour'), date_trunc('hour', now()), 1
FROM generate_series(1, 20) AS n;

INSERT INTO error_logs (organization_id, group_id, error_type, error_message, context, created_at)
SELECT :'org', g.id, 'http_error', 'Request failed with status 502', '{}'::jsonb, now() - (i * interval '21 minutes')
FROM (SELECT id, row_number() OVER () AS n FROM error_groups WHERE organization_id = :'org') AS g
CROSS JOIN generate_series(1, 100) AS i;

ANALYZE api_requests;
ANALYZE workflow_executions;
ANALYZE execution_steps;
ANALYZE ai_usage;
ANALYZE error_logs;
