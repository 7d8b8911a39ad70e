import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

const ALGORITHM = 'aes-256-gcm';
const IV_BYTES = 12;
const TAG_BYTES = 16;
const KEY_ID = /^[a-z0-9]{1,16}$/;

/** Thrown for a ciphertext that is malformed, tampered with, moved to another owner, or under an unknown key. */
export class DecryptionError extends Error {
  override name = 'DecryptionError';
}

/** Who a ciphertext belongs to; bound as additional authenticated data, so a copy elsewhere fails. */
export interface CipherOwner {
  organizationId: string;
  recordId: string;
}

export interface Encryptor {
  /** Id of the key new ciphertexts are made with. */
  readonly activeKeyId: string;
  encrypt(plaintext: string, owner: CipherOwner): string;
  /** @throws DecryptionError */
  decrypt(envelope: string, owner: CipherOwner): string;
  /** The key id recorded in a ciphertext (rotation reads it without decrypting). */
  keyIdOf(envelope: string): string;
}

/**
 * AES-256-GCM with a random 96-bit IV per message and the owner as AAD. Envelope:
 * `v1.<keyId>.<iv>.<tag>.<ciphertext>` (base64url), so keys can rotate: old ids keep decrypting
 * while they are configured, new data uses the active key. The only module that touches ciphers.
 */
export function createEncryptor(keys: ReadonlyMap<string, Buffer>, activeKeyId: string): Encryptor {
  for (const [id, key] of keys) {
    if (!KEY_ID.test(id)) throw new Error(`Encryption key id "${id}" must be 1-16 lowercase letters or digits`);
    if (key.length !== 32) throw new Error(`Encryption key "${id}" must be 32 bytes`);
  }
  const active = keys.get(activeKeyId);
  if (!active) throw new Error(`The active encryption key "${activeKeyId}" is not configured`);
  const aad = (owner: CipherOwner) => Buffer.from(`${owner.organizationId}:${owner.recordId}`, 'utf8');

  return {
    activeKeyId,
    encrypt(plaintext, owner) {
      const iv = randomBytes(IV_BYTES);
      const cipher = createCipheriv(ALGORITHM, active, iv, { authTagLength: TAG_BYTES });
      cipher.setAAD(aad(owner));
      const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
      return [
        'v1',
        activeKeyId,
        iv.toString('base64url'),
        cipher.getAuthTag().toString('base64url'),
        ciphertext.toString('base64url'),
      ].join('.');
    },
    decrypt(envelope, owner) {
      const [version, keyId, iv, tag, ciphertext] = envelope.split('.');
      if (version !== 'v1' || !keyId || !iv || !tag || ciphertext === undefined)
        throw new DecryptionError('Malformed ciphertext');
      const key = keys.get(keyId);
      if (!key) throw new DecryptionError(`Encryption key "${keyId}" is not configured`);
      const ivBytes = Buffer.from(iv, 'base64url');
      const tagBytes = Buffer.from(tag, 'base64url');
      if (ivBytes.length !== IV_BYTES || tagBytes.length !== TAG_BYTES) throw new DecryptionError('Malformed ciphertext');
      try {
        const decipher = createDecipheriv(ALGORITHM, key, ivBytes, { authTagLength: TAG_BYTES });
        decipher.setAAD(aad(owner));
        decipher.setAuthTag(tagBytes);
        return Buffer.concat([decipher.update(Buffer.from(ciphertext, 'base64url')), decipher.final()]).toString('utf8');
      } catch {
        throw new DecryptionError('Ciphertext failed authentication');
      }
    },
    keyIdOf(envelope) {
      const [version, keyId] = envelope.split('.');
      if (version !== 'v1' || !keyId) throw new DecryptionError('Malformed ciphertext');
      return keyId;
    },
  };
}
