-- The credentials vault: secrets encrypted with AES-256-GCM (envelope v1.<keyId>.<iv>.<tag>.<ct>,
-- bound to organization and record id). key_id mirrors the envelope so rotation finds old rows by index.
CREATE TABLE credentials (
  id uuid PRIMARY KEY,
  organization_id uuid NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
  name varchar(100) NOT NULL,
  type varchar(30) NOT NULL,
  data_ciphertext text NOT NULL,
  key_id varchar(16) NOT NULL,
  hint varchar(40) NOT NULL,
  created_by uuid REFERENCES users (id) ON DELETE SET NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT uq_credentials__organization_id_name UNIQUE (organization_id, name),
  CONSTRAINT ck_credentials__type CHECK (type IN ('api_key', 'http_header', 'http_bearer', 'http_basic', 'oauth2'))
);
CREATE INDEX idx_credentials__key_id ON credentials (key_id);
CREATE TRIGGER trg_credentials__updated_at BEFORE UPDATE ON credentials FOR EACH ROW EXECUTE FUNCTION set_updated_at();
