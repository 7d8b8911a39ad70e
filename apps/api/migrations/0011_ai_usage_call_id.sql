-- AI usage rows are written behind the answer and retried until the database takes them (see
-- modules/ai/usage-writer.ts). A retry after an unclear failure (the connection lost while the
-- commit was on its way) must not bill a call twice: every row carries the id of the call it
-- bills, and a row whose call is already recorded is skipped. Gateway calls use their
-- `chatcmpl-…` id, so a customer can match a response to its usage row.
ALTER TABLE ai_usage ADD COLUMN call_id varchar(64);
CREATE UNIQUE INDEX uq_ai_usage__call_id ON ai_usage (call_id);
