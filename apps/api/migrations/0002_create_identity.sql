-- Identity and access: roles owner/admin/editor/viewer, platform administrators, sessions with
-- rotating refresh tokens, single-use user tokens (email verification, password reset), invites,
-- API keys and OAuth identities. Every secret token is stored as a SHA-256 hash only.

ALTER TABLE users DROP CONSTRAINT ck_users__role;
UPDATE users SET role = 'editor' WHERE role = 'member';
ALTER TABLE users ALTER COLUMN role SET DEFAULT 'viewer';
ALTER TABLE users ADD CONSTRAINT ck_users__role CHECK (role IN ('owner', 'admin', 'editor', 'viewer'));
ALTER TABLE users ADD COLUMN is_platform_admin boolean NOT NULL DEFAULT false;

CREATE TABLE sessions (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  organization_id uuid NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
  user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  user_agent varchar(500),
  ip varchar(64),
  expires_at timestamptz NOT NULL,
  revoked_at timestamptz,
  revoked_reason varchar(50),
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX idx_sessions__user_id ON sessions (user_id);
CREATE INDEX idx_sessions__revoked_at ON sessions (revoked_at) WHERE revoked_at IS NOT NULL;
CREATE TRIGGER trg_sessions__updated_at BEFORE UPDATE ON sessions FOR EACH ROW EXECUTE FUNCTION set_updated_at();

-- One row per issued refresh token; a session is the token family. A token is used once: the
-- refresh that consumes it sets used_at and issues the next one.
CREATE TABLE refresh_tokens (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  session_id uuid NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
  token_hash char(64) NOT NULL,
  expires_at timestamptz NOT NULL,
  used_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT uq_refresh_tokens__token_hash UNIQUE (token_hash)
);
CREATE INDEX idx_refresh_tokens__session_id ON refresh_tokens (session_id);

CREATE TABLE user_tokens (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  purpose varchar(30) NOT NULL,
  token_hash char(64) NOT NULL,
  expires_at timestamptz NOT NULL,
  used_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT uq_user_tokens__token_hash UNIQUE (token_hash),
  CONSTRAINT ck_user_tokens__purpose CHECK (purpose IN ('verify_email', 'reset_password'))
);
CREATE INDEX idx_user_tokens__user_id ON user_tokens (user_id);

CREATE TABLE invites (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  organization_id uuid NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
  email varchar(255) NOT NULL,
  role varchar(50) NOT NULL,
  token_hash char(64) NOT NULL,
  invited_by uuid REFERENCES users (id) ON DELETE SET NULL,
  expires_at timestamptz NOT NULL,
  accepted_at timestamptz,
  revoked_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT uq_invites__token_hash UNIQUE (token_hash),
  CONSTRAINT ck_invites__role CHECK (role IN ('admin', 'editor', 'viewer'))
);
CREATE INDEX idx_invites__organization_id ON invites (organization_id);
CREATE TRIGGER trg_invites__updated_at BEFORE UPDATE ON invites FOR EACH ROW EXECUTE FUNCTION set_updated_at();

CREATE TABLE api_keys (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  organization_id uuid NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
  created_by uuid REFERENCES users (id) ON DELETE SET NULL,
  name varchar(100) NOT NULL,
  prefix varchar(16) NOT NULL,
  key_hash char(64) NOT NULL,
  scopes text[] NOT NULL,
  expires_at timestamptz,
  last_used_at timestamptz,
  revoked_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT uq_api_keys__key_hash UNIQUE (key_hash)
);
CREATE INDEX idx_api_keys__organization_id ON api_keys (organization_id);
CREATE TRIGGER trg_api_keys__updated_at BEFORE UPDATE ON api_keys FOR EACH ROW EXECUTE FUNCTION set_updated_at();

CREATE TABLE user_identities (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  provider varchar(30) NOT NULL,
  subject varchar(255) NOT NULL,
  email varchar(255),
  created_at timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT uq_user_identities__provider_subject UNIQUE (provider, subject)
);
CREATE INDEX idx_user_identities__user_id ON user_identities (user_id);
