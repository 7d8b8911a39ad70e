import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';

const SecretsFileSchema = z.object({ jwtSecret: z.string().min(32), encryptionKey: z.string().regex(/^[0-9a-f]{64}$/) });

export interface ResolvedSecrets {
  jwtSecret: string;
  encryptionKeys: ReadonlyMap<string, Buffer>;
  activeKeyId: string;
  /** True when at least one secret came from the generated development file. */
  generated: boolean;
}

/**
 * Outside production, missing secrets are generated once per data directory and kept in
 * `DATA_DIR/secrets.json` (mode 0600), so a laptop install needs no setup and sessions survive
 * restarts. There is no built-in default secret anywhere. Production never reaches this: config
 * refuses to start without both secrets.
 */
export function resolveSecrets(
  dataDir: string,
  given: { jwtSecret?: string; encryptionKeys: ReadonlyMap<string, Buffer>; encryptionActiveKeyId?: string },
): ResolvedSecrets {
  if (given.jwtSecret && given.encryptionActiveKeyId) {
    return {
      jwtSecret: given.jwtSecret,
      encryptionKeys: given.encryptionKeys,
      activeKeyId: given.encryptionActiveKeyId,
      generated: false,
    };
  }
  const file = path.join(dataDir, 'secrets.json');
  let stored: z.infer<typeof SecretsFileSchema>;
  if (existsSync(file)) {
    const parsed = SecretsFileSchema.safeParse(JSON.parse(readFileSync(file, 'utf8')));
    if (!parsed.success) throw new Error(`${file} is not a valid secrets file; delete it to generate a new one`);
    stored = parsed.data;
  } else {
    mkdirSync(dataDir, { recursive: true });
    stored = { jwtSecret: randomBytes(48).toString('base64url'), encryptionKey: randomBytes(32).toString('hex') };
    writeFileSync(file, JSON.stringify(stored, null, 2), { mode: 0o600 });
    chmodSync(file, 0o600);
  }
  return {
    jwtSecret: given.jwtSecret ?? stored.jwtSecret,
    ...(given.encryptionActiveKeyId
      ? { encryptionKeys: given.encryptionKeys, activeKeyId: given.encryptionActiveKeyId }
      : { encryptionKeys: new Map([['k1', Buffer.from(stored.encryptionKey, 'hex')]]), activeKeyId: 'k1' }),
    generated: true,
  };
}
