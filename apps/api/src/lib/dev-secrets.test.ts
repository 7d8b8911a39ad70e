import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { resolveSecrets } from './dev-secrets';

describe('resolveSecrets', () => {
  const dir = () => mkdtempSync(path.join(tmpdir(), 'auterity-secrets-'));

  it('generates secrets once per data directory, readable only by the owner', () => {
    const dataDir = dir();

    const first = resolveSecrets(dataDir, { encryptionKeys: new Map() });
    const second = resolveSecrets(dataDir, { encryptionKeys: new Map() });

    expect(first.generated).toBe(true);
    expect(first.jwtSecret.length).toBeGreaterThanOrEqual(32);
    expect(first.encryptionKeys.get(first.activeKeyId)).toHaveLength(32);
    expect(second.jwtSecret).toBe(first.jwtSecret);
    expect(second.encryptionKeys.get('k1')?.equals(first.encryptionKeys.get('k1') ?? Buffer.alloc(0))).toBe(true);
    expect(statSync(path.join(dataDir, 'secrets.json')).mode & 0o777).toBe(0o600);
  });

  it('uses configured secrets and writes nothing when both are given', () => {
    const dataDir = dir();
    const key = Buffer.alloc(32, 1);

    const keys = new Map([['k1', key]]);

    const secrets = resolveSecrets(dataDir, { jwtSecret: 'j'.repeat(40), encryptionKeys: keys, encryptionActiveKeyId: 'k1' });

    expect(secrets).toEqual({ jwtSecret: 'j'.repeat(40), encryptionKeys: keys, activeKeyId: 'k1', generated: false });
    expect(() => readFileSync(path.join(dataDir, 'secrets.json'))).toThrow();
  });

  it('refuses a corrupted secrets file', () => {
    const dataDir = dir();
    writeFileSync(path.join(dataDir, 'secrets.json'), JSON.stringify({ jwtSecret: 'short' }));

    expect(() => resolveSecrets(dataDir, { encryptionKeys: new Map() })).toThrow(/not a valid secrets file/);
  });
});
