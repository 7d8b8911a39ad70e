-- Cheaper execution writes (every webhook call inserts an execution and its steps):
-- * a step's organization is its execution's, which the execution_id foreign key already ties
--   (and cascades); the second foreign key only cost a lookup per step row;
-- * status alone is not selective; the partial index on active statuses serves the reconciler.
ALTER TABLE execution_steps DROP CONSTRAINT execution_steps_organization_id_fkey;
DROP INDEX idx_workflow_executions__status;
-- * steps are identified by their execution and position: that pair is the primary key, which
--   also serves reading an execution's steps in order (one index instead of two, no uuid).
ALTER TABLE execution_steps DROP CONSTRAINT execution_steps_pkey;
ALTER TABLE execution_steps DROP COLUMN id;
ALTER TABLE execution_steps ADD CONSTRAINT pk_execution_steps PRIMARY KEY (execution_id, seq);
DROP INDEX idx_execution_steps__execution_id;
