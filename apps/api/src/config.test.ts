import { ConfigError, loadConfig } from './config';

const SECRET = 'x'.repeat(40);
const HEX_KEY = 'ab'.repeat(32);

function errorOf(env: NodeJS.ProcessEnv): string {
  try {
    loadConfig(env);
  } catch (err) {
    if (err instanceof ConfigError) return err.message;
    throw err;
  }
  throw new Error('expected a ConfigError');
}

describe('loadConfig', () => {
  it('uses embedded defaults when nothing is set', () => {
    const config = loadConfig({});

    expect(config.port).toBe(3000);
    expect(config.env).toBe('development');
    expect(config.database.url).toBeUndefined();
    expect(config.redisUrl).toBeUndefined();
    expect(config.dataDir.endsWith('/data')).toBe(true);
    expect(config.migrateOnStart).toBe(true);
    expect(Object.isFrozen(config)).toBe(true);
  });

  it('reads services, limits and flags', () => {
    const config = loadConfig({
      PORT: '8080',
      DATABASE_URL: 'postgres://u@127.0.0.1:5432/db',
      REDIS_URL: 'redis://127.0.0.1:6379',
      MIGRATE_ON_START: 'false',
      BODY_LIMIT_BYTES: '2048',
      STUDIO_DIR: './somewhere',
      TRUST_PROXY_HOPS: '1',
    });

    expect(config.port).toBe(8080);
    expect(config.database.url).toBe('postgres://u@127.0.0.1:5432/db');
    expect(config.redisUrl).toBe('redis://127.0.0.1:6379');
    expect(config.migrateOnStart).toBe(false);
    expect(config.bodyLimitBytes).toBe(2048);
    expect(config.studioDir?.endsWith('/somewhere')).toBe(true);
    expect(config.trustProxyHops).toBe(1);
  });

  it('treats empty strings as unset', () => {
    expect(loadConfig({ PORT: '', DATABASE_URL: '' }).port).toBe(3000);
  });

  it('defaults to same-origin, 1 MB bodies, limiting on and no outbound exceptions', () => {
    const config = loadConfig({});

    expect(config.corsOrigins).toEqual([]);
    expect(config.bodyLimitBytes).toBe(1024 * 1024);
    expect(config.bodyLimits).toEqual({ maxDepth: 64, maxKeys: 10_000 });
    expect(config.rateLimits.enabled).toBe(true);
    expect(config.outbound).toEqual({ allowHosts: [], allowCidrs: [], timeoutMs: 30_000 });
  });

  it('reads CORS origins, body limits, the limiter switch and the outbound policy', () => {
    const config = loadConfig({
      CORS_ORIGINS: 'https://studio.example.com, http://localhost:5173/',
      BODY_MAX_DEPTH: '10',
      BODY_MAX_KEYS: '500',
      RATE_LIMIT_ENABLED: 'false',
      OUTBOUND_ALLOW_HOSTS: 'erp.internal:8443, *.corp.example',
      OUTBOUND_ALLOW_CIDRS: '10.20.0.0/16,fd00::/8',
      OUTBOUND_TIMEOUT_MS: '5000',
    });

    expect(config.corsOrigins).toEqual(['https://studio.example.com', 'http://localhost:5173']);
    expect(config.bodyLimits).toEqual({ maxDepth: 10, maxKeys: 500 });
    expect(config.rateLimits.enabled).toBe(false);
    expect(config.outbound).toEqual({
      allowHosts: ['erp.internal:8443', '*.corp.example'],
      allowCidrs: ['10.20.0.0/16', 'fd00::/8'],
      timeoutMs: 5000,
    });
  });

  it.each([
    [{ PORT: 'abc' }, /^PORT must be a number/],
    [{ PORT: '70000' }, /^PORT must be between 1 and 65535/],
    [{ PORT: '1.5' }, /^PORT must be a whole number/],
    [{ DATABASE_URL: 'mysql://x' }, /^DATABASE_URL must be a postgres:\/\/ URL/],
    [{ REDIS_URL: 'http://x' }, /^REDIS_URL must be a redis/],
    [{ NODE_ENV: 'staging' }, /^NODE_ENV /],
    [{ MIGRATE_ON_START: 'maybe' }, /^MIGRATE_ON_START must be true or false/],
    [{ RATE_LIMIT_ENABLED: 'off' }, /^RATE_LIMIT_ENABLED must be true or false/],
    [{ CORS_ORIGINS: '*' }, /^CORS_ORIGINS entry "\*" must be an origin/],
    [{ CORS_ORIGINS: 'https://a.example/app' }, /^CORS_ORIGINS entry "https:\/\/a.example\/app" must be an origin/],
    [{ CORS_ORIGINS: 'ftp://a.example' }, /^CORS_ORIGINS entry/],
    [{ OUTBOUND_ALLOW_CIDRS: '10.0.0.0/40' }, /^OUTBOUND_ALLOW_CIDRS allowCidrs entry "10.0.0.0\/40"/],
    [{ OUTBOUND_ALLOW_HOSTS: 'a host' }, /^OUTBOUND_ALLOW_HOSTS allowHosts entry "a host"/],
    [{ ENCRYPTION_KEY: 'short' }, /^ENCRYPTION_KEY must be 32 bytes/],
    [{ JWT_SECRET: 'too-short' }, /^JWT_SECRET must be at least 32 characters/],
    [{ JWT_SECRET: 'default-secret-change-in-production' }, /^JWT_SECRET is a well-known default/],
  ])('rejects %j with one line naming the variable', (env, message) => {
    expect(errorOf(env)).toMatch(message);
  });

  it('reads several keys for rotation and requires choosing the active one', () => {
    const two = `k1:${HEX_KEY},k2:${Buffer.alloc(32, 3).toString('base64')}`;

    const config = loadConfig({ ENCRYPTION_KEYS: two, ENCRYPTION_ACTIVE_KEY_ID: 'k2' });

    expect([...config.encryptionKeys.keys()]).toEqual(['k1', 'k2']);
    expect(config.encryptionActiveKeyId).toBe('k2');
    expect(errorOf({ ENCRYPTION_KEYS: two })).toMatch(/^ENCRYPTION_ACTIVE_KEY_ID is required/);
    expect(errorOf({ ENCRYPTION_KEYS: two, ENCRYPTION_ACTIVE_KEY_ID: 'k9' })).toMatch(/not configured/);
    expect(errorOf({ ENCRYPTION_KEYS: 'k1:short' })).toMatch(/^ENCRYPTION_KEYS must be a comma-separated list/);
  });

  it('refuses production without secrets', () => {
    expect(errorOf({ NODE_ENV: 'production', ENCRYPTION_KEY: HEX_KEY })).toMatch(/^JWT_SECRET is required/);
    expect(errorOf({ NODE_ENV: 'production', JWT_SECRET: SECRET })).toMatch(/^ENCRYPTION_KEY is required/);
  });

  it('accepts production with real secrets, as hex or base64 keys', () => {
    const hex = loadConfig({ NODE_ENV: 'production', JWT_SECRET: SECRET, ENCRYPTION_KEY: HEX_KEY });
    const base64 = loadConfig({
      NODE_ENV: 'production',
      JWT_SECRET: SECRET,
      ENCRYPTION_KEY: Buffer.alloc(32, 7).toString('base64'),
    });

    expect(hex.isProduction).toBe(true);
    expect(hex.encryptionKeys.get('k1')?.equals(Buffer.from(HEX_KEY, 'hex'))).toBe(true);
    expect(hex.encryptionActiveKeyId).toBe('k1');
    expect(base64.encryptionKeys.get('k1')?.equals(Buffer.alloc(32, 7))).toBe(true);
  });
});
