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

  it.each([
    [{ PORT: 'abc' }, /^PORT must be a number/],
    [{ PORT: '70000' }, /^PORT must be between 1 and 65535/],
    [{ PORT: '1.5' }, /^PORT must be a whole number/],
    [{ DATABASE_URL: 'mysql://x' }, /^DATABASE_URL must be a postgres:\/\/ URL/],
    [{ REDIS_URL: 'http://x' }, /^REDIS_URL must be a redis/],
    [{ NODE_ENV: 'staging' }, /^NODE_ENV /],
    [{ MIGRATE_ON_START: 'maybe' }, /^MIGRATE_ON_START must be true or false/],
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
