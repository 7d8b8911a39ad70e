-- Subscriptions, usage metering and platform administration (modules/billing).

-- One subscription per organization; its row carries the lifecycle and the Stripe link.
CREATE UNIQUE INDEX uq_subscriptions__organization_id ON subscriptions (organization_id);
ALTER TABLE subscriptions
  ADD COLUMN pending_plan_id varchar(100),
  ADD COLUMN suspended_reason text,
  ADD COLUMN stripe_customer_id varchar(255),
  ADD COLUMN stripe_subscription_id varchar(255);
CREATE UNIQUE INDEX uq_subscriptions__stripe_customer_id ON subscriptions (stripe_customer_id) WHERE stripe_customer_id IS NOT NULL;
CREATE INDEX idx_subscriptions__current_period_end ON subscriptions (current_period_end);

-- AI spend is metered exactly (picodollars add up); whole counts fit as well.
ALTER TABLE subscription_usage ALTER COLUMN metric_value TYPE numeric(24, 12);

-- Every organization has a subscription: existing ones on their tier, for the current month.
INSERT INTO subscriptions (organization_id, plan_id, status, billing_cycle, current_period_start, current_period_end)
SELECT o.id, o.subscription_tier, 'active', 'monthly',
  date_trunc('month', now() AT TIME ZONE 'UTC') AT TIME ZONE 'UTC',
  (date_trunc('month', now() AT TIME ZONE 'UTC') + interval '1 month') AT TIME ZONE 'UTC'
FROM organizations o
WHERE NOT EXISTS (SELECT 1 FROM subscriptions s WHERE s.organization_id = o.id);

-- A new organization starts on its tier (Free by default) for one month from now; the billing
-- service turns it into a trial when the plan catalog configures one.
CREATE FUNCTION organizations_create_subscription() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO subscriptions (organization_id, plan_id, status, billing_cycle, current_period_start, current_period_end)
  -- Millisecond precision, like every period boundary the API writes (usage rows are keyed by it).
  VALUES (NEW.id, NEW.subscription_tier, 'active', 'monthly', date_trunc('milliseconds', now()),
    date_trunc('milliseconds', now()) + interval '1 month')
  ON CONFLICT (organization_id) DO NOTHING;
  RETURN NULL;
END;
$$;
CREATE TRIGGER trg_organizations__create_subscription AFTER INSERT ON organizations
  FOR EACH ROW EXECUTE FUNCTION organizations_create_subscription();

-- Executions are counted in the statement that inserts them (one atomic upsert per statement and
-- organization, same transaction): no lost or double counts however many processes insert.
CREATE FUNCTION workflow_executions_meter() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO subscription_usage (subscription_id, period_start, period_end, metric_name, metric_value)
  SELECT s.id, s.current_period_start, s.current_period_end, 'executions', count(*)
  FROM new_rows n JOIN subscriptions s ON s.organization_id = n.organization_id
  GROUP BY s.id, s.current_period_start, s.current_period_end
  -- One order for every writer: concurrent statements lock the same rows in the same order.
  ORDER BY s.id
  ON CONFLICT (subscription_id, metric_name, period_start)
  DO UPDATE SET metric_value = subscription_usage.metric_value + EXCLUDED.metric_value;
  RETURN NULL;
END;
$$;
CREATE TRIGGER trg_workflow_executions__meter AFTER INSERT ON workflow_executions REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION workflow_executions_meter();

-- AI tokens and spend, counted with the AI usage rows they come from.
CREATE FUNCTION ai_usage_meter() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO subscription_usage (subscription_id, period_start, period_end, metric_name, metric_value)
  SELECT s.id, s.current_period_start, s.current_period_end, m.metric_name, sum(m.metric_value)
  FROM new_rows n
  JOIN subscriptions s ON s.organization_id = n.organization_id
  CROSS JOIN LATERAL (VALUES
    ('ai_input_tokens', n.input_tokens::numeric),
    ('ai_output_tokens', n.output_tokens::numeric),
    ('ai_cost_usd', n.cost_usd)
  ) AS m(metric_name, metric_value)
  GROUP BY s.id, s.current_period_start, s.current_period_end, m.metric_name
  ORDER BY s.id, m.metric_name
  ON CONFLICT (subscription_id, metric_name, period_start)
  DO UPDATE SET metric_value = subscription_usage.metric_value + EXCLUDED.metric_value;
  RETURN NULL;
END;
$$;
CREATE TRIGGER trg_ai_usage__meter AFTER INSERT ON ai_usage REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION ai_usage_meter();

-- Stripe events already applied (a replayed event changes nothing).
CREATE TABLE stripe_events (
  id varchar(255) PRIMARY KEY,
  type varchar(100) NOT NULL,
  organization_id uuid REFERENCES organizations (id) ON DELETE SET NULL,
  received_at timestamptz NOT NULL DEFAULT now()
);
