import { randomUUID } from 'node:crypto';
import {
  CredentialDataSchemas,
  type CreateCredentialBody,
  type CredentialDto,
  type CredentialType,
  type UpdateCredentialBody,
} from '@auterity/workflow-contracts';
import type { Encryptor } from '../../lib/crypto';
import type { Database } from '../../lib/db';
import type { Actor } from '../../http/actor';
import { NotFoundError, ValidationError } from '../../http/errors';
import * as repo from './credentials.repo';

/** The field whose masked form reminds the user which secret this is. */
const HINT_FIELD: Record<CredentialType, string> = {
  api_key: 'apiKey',
  http_header: 'value',
  http_bearer: 'token',
  http_basic: 'password',
  oauth2: 'accessToken',
};

/** `sk-…x9Qa`: enough to recognize a key, never enough to use it. Short secrets show only their length class. */
export function maskSecret(secret: string): string {
  if (secret.length < 12) return '…';
  const prefix = /^[A-Za-z]{2,4}[-_]/.exec(secret)?.[0] ?? '';
  return `${prefix}…${secret.slice(-4)}`;
}

function parseData(type: CredentialType, data: unknown): Record<string, unknown> {
  const parsed = CredentialDataSchemas[type].safeParse(data);
  if (!parsed.success) {
    throw new ValidationError(
      'Request validation failed',
      parsed.error.issues.map((i) => ({ path: ['body', 'data', ...i.path.map(String)].join('.'), message: i.message })),
    );
  }
  return parsed.data;
}

function present(c: repo.CredentialRecord): CredentialDto {
  return {
    id: c.id,
    name: c.name,
    type: c.type,
    hint: c.hint,
    provider: c.provider,
    createdAt: c.createdAt.toISOString(),
    updatedAt: c.updatedAt.toISOString(),
  };
}

/**
 * The per-organization credentials vault. Secrets are encrypted before they reach the repository,
 * bound to their organization and record, and decrypted only by `resolve` (the execution path).
 */
export function createCredentialsService(deps: { db: Database; encryptor: Encryptor }) {
  const { db, encryptor } = deps;
  const listeners: ((organizationId: string) => void)[] = [];
  const changed = (organizationId: string) => {
    for (const listener of listeners) listener(organizationId);
  };

  function seal(organizationId: string, id: string, type: CredentialType, data: Record<string, unknown>) {
    return {
      dataCiphertext: encryptor.encrypt(JSON.stringify(data), { organizationId, recordId: id }),
      keyId: encryptor.activeKeyId,
      hint: maskSecret(String(data[HINT_FIELD[type]] ?? '')),
      provider: type === 'api_key' && typeof data['provider'] === 'string' ? data['provider'] : null,
    };
  }

  return {
    async create(actor: Actor, body: CreateCredentialBody): Promise<CredentialDto> {
      const id = randomUUID();
      const sealed = seal(actor.organizationId, id, body.type, body.data);
      const created = await repo.insertCredential(db, {
        id,
        organizationId: actor.organizationId,
        name: body.name,
        type: body.type,
        createdBy: actor.userId,
        ...sealed,
      });
      changed(actor.organizationId);
      return present(created);
    },

    async list(actor: Actor): Promise<CredentialDto[]> {
      return (await repo.listCredentials(db, actor.organizationId)).map(present);
    },

    /** @throws NotFoundError, also for another organization's credential. */
    async get(actor: Actor, id: string): Promise<CredentialDto> {
      const found = await repo.findCredential(db, actor.organizationId, id);
      if (!found) throw new NotFoundError('credential');
      return present(found);
    },

    /** Renames and/or replaces the secret; the new secret is validated against the credential's type. */
    async update(actor: Actor, id: string, body: UpdateCredentialBody): Promise<CredentialDto> {
      return db.withTransaction(async (tx) => {
        const current = await repo.findCredential(tx, actor.organizationId, id, { forUpdate: true });
        if (!current) throw new NotFoundError('credential');
        const sealed = body.data
          ? seal(actor.organizationId, id, current.type, parseData(current.type, body.data))
          : {
              dataCiphertext: current.dataCiphertext,
              keyId: encryptor.keyIdOf(current.dataCiphertext),
              hint: current.hint,
              provider: current.provider,
            };
        const updated = await repo.updateCredential(tx, actor.organizationId, id, { name: body.name ?? current.name, ...sealed });
        if (!updated) throw new NotFoundError('credential');
        changed(actor.organizationId);
        return present(updated);
      });
    },

    async remove(actor: Actor, id: string): Promise<void> {
      if (!(await repo.deleteCredential(db, actor.organizationId, id))) throw new NotFoundError('credential');
      changed(actor.organizationId);
    },

    /** The decrypted secret fields, for the process that uses them (workflow nodes). Never presented. */
    async resolve(organizationId: string, id: string): Promise<{ type: CredentialType; data: Record<string, unknown> }> {
      const found = await repo.findCredential(db, organizationId, id);
      if (!found) throw new NotFoundError('credential');
      return {
        type: found.type,
        data: JSON.parse(encryptor.decrypt(found.dataCiphertext, { organizationId, recordId: id })) as Record<string, unknown>,
      };
    },

    /**
     * Re-encrypts every credential not yet under the active key, a batch per transaction, so a run
     * that stops halfway resumes where it left off. A row that does not decrypt (tampered, or its key
     * is gone) is skipped and reported, never silently rewritten.
     */
    async rotateKeys(batchSize = 100): Promise<{ rotated: number; failed: string[] }> {
      let rotated = 0;
      const failed: string[] = [];
      for (;;) {
        const seen = await db.withTransaction(async (tx) => {
          const batch = await repo.findCredentialsNotUnderKey(tx, encryptor.activeKeyId, batchSize, failed);
          for (const row of batch) {
            const owner = { organizationId: row.organizationId, recordId: row.id };
            let plaintext: string;
            try {
              plaintext = encryptor.decrypt(row.dataCiphertext, owner);
            } catch {
              failed.push(row.id);
              continue;
            }
            await repo.replaceCiphertext(tx, row.id, encryptor.encrypt(plaintext, owner), encryptor.activeKeyId);
            rotated++;
          }
          return batch.length;
        });
        if (seen < batchSize) return { rotated, failed };
      }
    },

    countByKey: () => repo.countCredentialsByKey(db),

    /** Calls `listener` with the organization after each change (caches of its keys forget them). */
    onChange(listener: (organizationId: string) => void): void {
      listeners.push(listener);
    },
  };
}

export type CredentialsService = ReturnType<typeof createCredentialsService>;
