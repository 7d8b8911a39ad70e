-- The live, shared (Yjs) document of each workflow's canvas, and the updates acknowledged since its
-- last compaction: an update is appended here before the editor is told it arrived, so a crash
-- loses none; storing the document merges the log into `state` and deletes what it merged.

CREATE TABLE workflow_documents (
  workflow_id uuid PRIMARY KEY REFERENCES workflows (id) ON DELETE CASCADE,
  organization_id uuid NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
  state bytea NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX idx_workflow_documents__organization_id ON workflow_documents (organization_id);

CREATE TABLE workflow_document_updates (
  id bigserial PRIMARY KEY,
  organization_id uuid NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
  workflow_id uuid NOT NULL REFERENCES workflows (id) ON DELETE CASCADE,
  update bytea NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX idx_workflow_document_updates__workflow_id_id ON workflow_document_updates (workflow_id, id);
