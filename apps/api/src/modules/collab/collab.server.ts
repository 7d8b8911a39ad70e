import type http from 'node:http';
import type { Duplex } from 'node:stream';
import { Redis } from 'ioredis';
import { WebSocketServer } from 'ws';
import type { WorkflowGraph } from '@auterity/workflow-contracts';
import type { Actor } from '../../http/actor';
import { AppError } from '../../http/errors';
import { createBatcher } from '../../lib/batcher';
import type { Database } from '../../lib/db';
import type { Logger } from '../../lib/logger';
import type { AccessTokenSigner } from '../auth/access-token';
import type { RevocationStore } from '../auth/revocation';
import type { WorkflowsService } from '../workflows/workflows.service';
import * as repo from './collab.repo';
import { hocuspocusRedis, hocuspocusServer, Y, type YTypes } from './esm';
import { seedUpdate } from './graph-doc';

type Connection = InstanceType<typeof hocuspocusServer.Connection>;
type Extension = ConstructorParameters<typeof hocuspocusServer.Hocuspocus>[0] extends infer C
  ? C extends { extensions?: (infer E)[] }
    ? E
    : never
  : never;
const { Hocuspocus, IncomingMessage } = hocuspocusServer;

/** Where the WebSocket endpoint lives on the API's own HTTP server. */
export const COLLAB_PATH = '/api/collab';

/** Close codes and reasons the studio acts on (refresh and reconnect, show read-only, back off). */
export const CollabClose = {
  unauthenticated: { code: 4401, reason: 'unauthenticated' },
  tokenExpired: { code: 4401, reason: 'token-expired' },
  forbidden: { code: 4403, reason: 'read-only' },
  notFound: { code: 4404, reason: 'not-found' },
  tooLarge: { code: 4413, reason: 'document-too-large' },
  rateLimited: { code: 4429, reason: 'rate-limited' },
  tooManyConnections: { code: 4429, reason: 'too-many-connections' },
  tooManyCollaborators: { code: 4429, reason: 'too-many-collaborators' },
  shutdown: { code: 1001, reason: 'server-shutdown' },
  storageUnavailable: { code: 1011, reason: 'storage-unavailable' },
} as const;

export interface CollabSettings {
  /** Largest stored document, in bytes; an update that would grow it beyond is refused. */
  maxDocumentBytes: number;
  /** Messages (edits and presence) one connection may send per second, averaged over a 2-second burst. */
  messagesPerSecond: number;
  /** Open connections per organization on one process (a safety cap; the plan limits people per canvas). */
  connectionsPerOrganization: number;
  /** Quiet time after the last edit before the document is compacted into its stored state. */
  storeDebounceMs: number;
  storeMaxDebounceMs: number;
}

export interface CollabDeps {
  db: Database;
  log: Logger;
  signer: AccessTokenSigner;
  revocations: RevocationStore;
  workflows: Pick<WorkflowsService, 'get'>;
  settings: CollabSettings;
  /** Shares documents and presence across replicas; one process otherwise. */
  redisUrl?: string;
  /** The organization's plan: people editing one canvas at once (null: unlimited). */
  collaboratorLimit?: (organizationId: string) => Promise<number | null>;
  now?: () => number;
}

/** What a connection carries after authentication. */
interface CollabContext {
  organizationId: string;
  userId: string;
  sessionId: string;
  canWrite: boolean;
  /** Access-token expiry, epoch ms. */
  expiresAt: number;
  canvasData: WorkflowGraph;
}

/** A rejection Hocuspocus turns into a close/permission-denied message (a plain object: no stack in logs). */
function reject(close: { code: number; reason: string }): never {
  throw { ...close };
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const MESSAGE_SYNC = 0;
const MESSAGE_SYNC_STATUS = 8;
const SYNC_STEP2 = 1;
const SYNC_UPDATE = 2;
/** An empty Yjs update (no structs, no deletions). */
const EMPTY_UPDATE_BYTES = 2;

function isContext(value: unknown): value is CollabContext {
  return typeof value === 'object' && value !== null && 'organizationId' in value && 'canWrite' in value;
}

/** The document edit a message carries (sync step 2 or update), or null for presence and sync requests. */
function readUpdate(data: Uint8Array): { kind: 'step2' | 'update'; update: Uint8Array } | null {
  const message = new IncomingMessage(data);
  message.readVarString();
  if (message.readVarUint() !== MESSAGE_SYNC) return null;
  const step = message.readVarUint();
  if (step !== SYNC_STEP2 && step !== SYNC_UPDATE) return null;
  return { kind: step === SYNC_UPDATE ? 'update' : 'step2', update: message.readVarUint8Array() };
}

/** True for Hocuspocus' acknowledgement of an edit (the provider's "synced" signal). */
function isSyncStatus(data: Uint8Array): boolean {
  try {
    const message = new IncomingMessage(data);
    message.readVarString();
    return message.readVarUint() === MESSAGE_SYNC_STATUS;
  } catch {
    return false;
  }
}

interface DocumentState {
  organizationId: string;
  /** Size of the stored state plus the updates appended since, in bytes. */
  bytes: number;
  /** Appended update ids already applied to the in-memory document (deleted once stored). */
  applied: string[];
}

/**
 * Real-time collaboration on workflow canvases: a Hocuspocus (Yjs) server on the API's HTTP server
 * at `/api/collab`. Document name = workflow id. Connections authenticate with the API's access
 * token; viewers get a read-only connection and their edits are refused. Every acknowledged edit is
 * appended to Postgres before the editor is told it arrived, and compacted into the document's
 * state after a quiet period, at the last disconnect and at shutdown.
 */
export function createCollabServer(deps: CollabDeps) {
  const { db, log, settings } = deps;
  const now = deps.now ?? Date.now;
  const documents = new Map<string, DocumentState>();
  /** Open connections of this process by organization (`socketId:document` keys). */
  const connections = new Map<string, Set<string>>();
  /** People on each document of this process: user id → their open connections. */
  const people = new Map<string, Map<string, number>>();
  const buckets = new Map<string, { tokens: number; at: number }>();
  const expiryTimers = new Map<string, NodeJS.Timeout>();
  /** Per connection: resolves (false on a failed write) once its edits so far are in the update log. */
  const pendingWrites = new WeakMap<object, Promise<boolean>>();
  let stopping = false;

  const appender = createBatcher<{ organizationId: string; workflowId: string; update: Uint8Array; ids: string[] }>(
    async (items) => {
      const ids = await repo.insertUpdates(db, items);
      items.forEach((item, i) => item.ids.push(ids[i] ?? ''));
    },
  );

  function contextOf(value: unknown): CollabContext {
    if (!isContext(value)) reject(CollabClose.unauthenticated);
    return value;
  }

  function allow(key: string): boolean {
    const burst = settings.messagesPerSecond * 2;
    const t = now();
    const bucket = buckets.get(key) ?? { tokens: burst, at: t };
    bucket.tokens = Math.min(burst, bucket.tokens + ((t - bucket.at) / 1000) * settings.messagesPerSecond);
    bucket.at = t;
    buckets.set(key, bucket);
    if (bucket.tokens < 1) return false;
    bucket.tokens -= 1;
    return true;
  }

  async function collaboratorLimit(organizationId: string): Promise<number | null> {
    return deps.collaboratorLimit ? deps.collaboratorLimit(organizationId).catch(() => null) : null;
  }

  /** Compacts the in-memory document into its stored state and drops the updates it contains. */
  async function storeDocument(name: string, document: YTypes.Doc): Promise<void> {
    const state = documents.get(name);
    if (!state) return;
    const applied = state.applied.splice(0);
    const current = Y.encodeStateAsUpdate(document);
    try {
      const size = await db.withTransaction(async (tx) => {
        const stored = await repo.lockDocumentState(tx, state.organizationId, name);
        const merged = stored ? Y.mergeUpdates([stored, current]) : current;
        await repo.upsertDocumentState(tx, state.organizationId, name, merged);
        await repo.deleteUpdates(tx, state.organizationId, name, applied);
        return merged.byteLength;
      });
      state.bytes = size;
    } catch (err) {
      state.applied.unshift(...applied);
      log.warn({ err, workflowId: name }, 'collaboration document not stored; its updates stay in the log');
      throw err;
    }
  }

  const extensions: Extension[] = [];
  let redisExtension: InstanceType<typeof hocuspocusRedis.Redis> | undefined;
  if (deps.redisUrl) {
    const url = deps.redisUrl;
    redisExtension = new hocuspocusRedis.Redis({
      prefix: 'auterity:collab',
      createClient: () => {
        const client = new Redis(url, { maxRetriesPerRequest: null });
        client.on('error', (err) => log.warn({ err }, 'collaboration redis error'));
        return client;
      },
    });
    extensions.push(redisExtension);
  }

  const hocuspocus = new Hocuspocus({
    name: 'auterity-collab',
    quiet: true,
    debounce: settings.storeDebounceMs,
    maxDebounce: settings.storeMaxDebounceMs,
    extensions,

    async onAuthenticate({ token, documentName, connectionConfig, socketId }) {
      if (stopping) reject(CollabClose.shutdown);
      const claims = deps.signer.verify(token);
      if (!claims || (await deps.revocations.isRevoked(claims.sid))) reject(CollabClose.unauthenticated);
      if (!UUID.test(documentName)) reject(CollabClose.notFound);
      const actor: Actor = {
        kind: 'user',
        userId: claims.userId,
        organizationId: claims.organizationId,
        email: claims.email,
        role: claims.role,
        permissions: claims.permissions,
        sessionId: claims.sid,
      };
      let workflow;
      try {
        workflow = await deps.workflows.get(actor, documentName);
      } catch (err) {
        if (err instanceof AppError && err.status === 404) reject(CollabClose.notFound);
        throw err;
      }
      const open = connections.get(actor.organizationId);
      const key = `${socketId}:${documentName}`;
      if (!open?.has(key) && (open?.size ?? 0) >= settings.connectionsPerOrganization) reject(CollabClose.tooManyConnections);
      // The plan counts people, not tabs: another tab of someone already here is always let in.
      const here = people.get(documentName);
      const limit = await collaboratorLimit(actor.organizationId);
      if (limit !== null && !here?.has(actor.userId) && (here?.size ?? 0) >= limit) reject(CollabClose.tooManyCollaborators);
      connectionConfig.readOnly = !workflow.abilities.canEdit;
      const context: CollabContext = {
        organizationId: actor.organizationId,
        userId: actor.userId,
        sessionId: claims.sid,
        canWrite: workflow.abilities.canEdit,
        expiresAt: claims.exp * 1000,
        canvasData: workflow.canvasData,
      };
      return context;
    },

    async connected({ context, documentName, socketId, connection }) {
      const ctx = contextOf(context);
      const key = `${socketId}:${documentName}`;
      const open = connections.get(ctx.organizationId) ?? new Set<string>();
      open.add(key);
      connections.set(ctx.organizationId, open);
      const here = people.get(documentName) ?? new Map<string, number>();
      here.set(ctx.userId, (here.get(ctx.userId) ?? 0) + 1);
      people.set(documentName, here);
      // An edit is applied and broadcast at once; only the sender's acknowledgement waits until
      // the edit is in the update log, so a crash never loses an edit its author saw acknowledged.
      const send = connection.send.bind(connection);
      connection.send = (message: Uint8Array) => {
        const pending = pendingWrites.get(connection);
        if (!pending || !isSyncStatus(message)) return send(message);
        void pending.then((ok) => {
          if (ok) send(message);
        });
      };
      // The token ends mid-session: close with a reason; the studio refreshes and reconnects.
      const timer = setTimeout(() => closeSocket(connection, CollabClose.tokenExpired), Math.max(0, ctx.expiresAt - now()));
      timer.unref();
      expiryTimers.set(key, timer);
    },

    async onDisconnect({ context, documentName, socketId }) {
      const key = `${socketId}:${documentName}`;
      clearTimeout(expiryTimers.get(key));
      expiryTimers.delete(key);
      buckets.delete(key);
      if (!isContext(context)) return;
      const open = connections.get(context.organizationId);
      if (!open?.delete(key)) return;
      if (open.size === 0) connections.delete(context.organizationId);
      const here = people.get(documentName);
      const count = (here?.get(context.userId) ?? 1) - 1;
      if (count > 0) here?.set(context.userId, count);
      else here?.delete(context.userId);
      if (here?.size === 0) people.delete(documentName);
    },

    async onLoadDocument({ documentName, document, context }) {
      const ctx = contextOf(context);
      let stored = await repo.findDocument(db, ctx.organizationId, documentName);
      if (!stored.state) {
        // The first opening seeds the document from the saved graph; written at once so that
        // updates logged against the seed always find it, whatever the workflow is saved as later.
        await db.query(
          `INSERT INTO workflow_documents (workflow_id, organization_id, state) VALUES ($1, $2, $3) ON CONFLICT (workflow_id) DO NOTHING`,
          [documentName, ctx.organizationId, Buffer.from(seedUpdate(ctx.canvasData))],
        );
        stored = await repo.findDocument(db, ctx.organizationId, documentName);
      }
      let bytes = 0;
      for (const update of [stored.state, ...stored.updates.map((u) => u.update)]) {
        if (!update) continue;
        Y.applyUpdate(document, update);
        bytes += update.byteLength;
      }
      documents.set(documentName, { organizationId: ctx.organizationId, bytes, applied: stored.updates.map((u) => u.id) });
      return document;
    },

    async beforeHandleMessage({ context, documentName, socketId, update: data, connection }) {
      const ctx = contextOf(context);
      const key = `${socketId}:${documentName}`;
      for (const [failed, close] of [
        [ctx.expiresAt <= now(), CollabClose.tokenExpired],
        [await deps.revocations.isRevoked(ctx.sessionId), CollabClose.unauthenticated],
      ] as const) {
        if (!failed) continue;
        closeSocket(connection, close);
        reject(close);
      }
      if (!allow(key)) reject(CollabClose.rateLimited);
      const edit = readUpdate(data);
      if (!edit || edit.update.byteLength <= EMPTY_UPDATE_BYTES) return;
      // A viewer's step-2 answer to the first sync is not applied (read-only connection); a pushed update is refused.
      if (!ctx.canWrite) {
        if (edit.kind === 'update') reject(CollabClose.forbidden);
        return;
      }
      const state = documents.get(documentName);
      if (!state) return;
      if (state.bytes + edit.update.byteLength > settings.maxDocumentBytes) reject(CollabClose.tooLarge);
      // Counted before the write, so that messages handled concurrently see each other's size.
      const size = edit.update.byteLength;
      state.bytes += size;
      const ids: string[] = [];
      const write = appender
        .write({ organizationId: ctx.organizationId, workflowId: documentName, update: edit.update, ids })
        .then(
          () => {
            // Applied by now (Hocuspocus applies the message as soon as this hook resolves): a store may drop the row.
            state.applied.push(...ids);
            return true;
          },
          (err: unknown) => {
            state.bytes -= size;
            log.warn({ err, workflowId: documentName }, 'collaboration edit not logged; closing the connection');
            closeSocket(connection, CollabClose.storageUnavailable);
            return false;
          },
        );
      const before = pendingWrites.get(connection) ?? Promise.resolve(true);
      pendingWrites.set(
        connection,
        before.then((ok) => write.then((written) => ok && written)),
      );
    },

    async onStoreDocument({ documentName, document }) {
      await storeDocument(documentName, document);
    },

    async afterUnloadDocument({ documentName }) {
      documents.delete(documentName);
    },
  });

  /** Closes the whole socket (the provider reconnects, authenticating again with a fresh token). */
  function closeSocket(connection: Connection, close: { code: number; reason: string }): void {
    connection.webSocket.close(close.code, close.reason);
  }

  const wss = new WebSocketServer({ noServer: true, maxPayload: settings.maxDocumentBytes });
  wss.on('connection', (socket, request: http.IncomingMessage) => {
    socket.on('error', (err) => log.debug({ err }, 'collaboration socket error'));
    hocuspocus.handleConnection(socket, request);
  });

  function handleUpgrade(request: http.IncomingMessage, socket: Duplex, head: Buffer): void {
    const path = (request.url ?? '').split('?')[0];
    if (path !== COLLAB_PATH || stopping) {
      socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
      return;
    }
    wss.handleUpgrade(request, socket, head, (ws) => wss.emit('connection', ws, request));
  }

  return {
    hocuspocus,
    /** Accepts WebSocket upgrades at `/api/collab` on the API's HTTP server. */
    attach(server: http.Server): void {
      server.on('upgrade', handleUpgrade);
    },
    /** Open connections of an organization on this process. */
    connectionCount: (organizationId: string) => connections.get(organizationId)?.size ?? 0,
    /** Stops taking connections, closes every socket with a reason and stores every document. */
    async stop(): Promise<void> {
      stopping = true;
      const loaded = [...hocuspocus.documents.entries()];
      for (const client of wss.clients) client.close(CollabClose.shutdown.code, CollabClose.shutdown.reason);
      for (const [name, document] of loaded) {
        await storeDocument(name, document).catch(() => undefined);
      }
      for (const timer of expiryTimers.values()) clearTimeout(timer);
      expiryTimers.clear();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
      await redisExtension?.onDestroy();
    },
  };
}

export type CollabServer = ReturnType<typeof createCollabServer>;
