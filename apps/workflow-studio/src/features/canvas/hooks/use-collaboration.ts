import { useCallback, useEffect, useRef, useState } from 'react';
import { HocuspocusProvider, WebSocketStatus } from '@hocuspocus/provider';
import * as Y from 'yjs';
import type { WorkflowGraph } from '@auterity/workflow-contracts';
import { accessToken, refreshSession } from '../../../lib/session';
import { applyGraphDiff, readGraph } from '../utils/y-graph';
import type { CanvasState } from './use-canvas-state';

/** Where the API serves collaboration (same origin as the studio). */
const COLLAB_PATH = '/api/collab';
/** Transactions this editor makes; the document's other updates come from collaborators. */
const LOCAL_ORIGIN = 'auterity-local';
/** How long a first connection may take before the editor says it is offline. */
const OFFLINE_AFTER_MS = 5000;
/** Presence colors, picked by user id, readable on both themes. */
const COLORS = ['#b42318', '#175cd3', '#067647', '#b54708', '#6941c6', '#c11574', '#107569', '#5925dc'];

export type CollaborationStatus = 'connecting' | 'online' | 'offline';

/** Someone else with this workflow open (one per browser tab). */
export interface Collaborator {
  clientId: number;
  userId: string;
  name: string;
  color: string;
  /** Their pointer on the canvas, in flow coordinates; null when it is off the canvas. */
  cursor: { x: number; y: number } | null;
  /** Node ids they have selected. */
  selection: string[];
}

export interface Collaboration {
  status: CollaborationStatus;
  collaborators: Collaborator[];
  /** Shows this editor's pointer to the others (flow coordinates), or hides it (null). */
  setCursor: (cursor: { x: number; y: number } | null) => void;
}

export function colorFor(userId: string): string {
  let hash = 0;
  for (const char of userId) hash = (hash * 31 + char.charCodeAt(0)) | 0;
  return COLORS[Math.abs(hash) % COLORS.length] ?? '#175cd3';
}

function collabUrl(): string {
  const { protocol, host } = window.location;
  return `${protocol === 'https:' ? 'wss' : 'ws'}://${host}${COLLAB_PATH}`;
}

function sameGraph(a: WorkflowGraph, b: WorkflowGraph): boolean {
  return JSON.stringify([a.nodes, a.edges]) === JSON.stringify([b.nodes, b.edges]);
}

function toCollaborator(clientId: number, state: Record<string, unknown>): Collaborator | null {
  const user = state['user'];
  if (!user || typeof user !== 'object' || !('userId' in user) || !('name' in user)) return null;
  const cursor = state['cursor'];
  const selection = state['selection'];
  return {
    clientId,
    userId: String(user.userId),
    name: String(user.name),
    color: 'color' in user ? String(user.color) : colorFor(String(user.userId)),
    cursor:
      cursor && typeof cursor === 'object' && 'x' in cursor && 'y' in cursor
        ? { x: Number(cursor.x), y: Number(cursor.y) }
        : null,
    selection: Array.isArray(selection) ? selection.map(String) : [],
  };
}

/**
 * Binds the editor's graph to the workflow's shared document (Yjs over Hocuspocus at /api/collab):
 * local edits are written into the document field by field, collaborators' edits are drawn on the
 * canvas, and presence (who is here, their pointer and selection) travels as awareness. Edits made
 * offline stay in the document and merge on reconnect. Viewers only receive.
 */
export function useCollaboration(options: {
  workflowId: string;
  canvas: CanvasState;
  canEdit: boolean;
  user: { id: string; name: string };
}): Collaboration {
  const { workflowId, canEdit, user } = options;
  const canvasRef = useRef(options.canvas);
  canvasRef.current = options.canvas;
  const [status, setStatus] = useState<CollaborationStatus>('connecting');
  const [collaborators, setCollaborators] = useState<Collaborator[]>([]);
  const session = useRef<{ doc: Y.Doc; provider: HocuspocusProvider; synced: boolean; last: WorkflowGraph } | null>(null);

  useEffect(() => {
    const doc = new Y.Doc();
    // The graph the editor opened with: edits made before the first sync are merged as a diff from it.
    const base = canvasRef.current.graph;
    let everConnected = false;
    let retriedAuth = 0;
    const provider = new HocuspocusProvider({
      url: collabUrl(),
      name: workflowId,
      document: doc,
      // The session refreshes its token a minute before expiry; a reconnect always sends the current one.
      token: async () => accessToken() ?? ((await refreshSession()) ? (accessToken() ?? '') : ''),
      onStatus: ({ status: next }) => {
        if (next === WebSocketStatus.Connected) {
          everConnected = true;
          setStatus('online');
        } else if (everConnected) setStatus('offline');
      },
      onAuthenticationFailed: ({ reason }) => {
        // A token the server no longer accepts: refresh once and connect again.
        if (reason !== 'unauthenticated' || retriedAuth > 2) return;
        retriedAuth += 1;
        void refreshSession().then((ok) => {
          if (!ok) return;
          provider.disconnect();
          void provider.connect();
        });
      },
      onSynced: ({ state }) => {
        const current = session.current;
        if (!state || !current || current.synced) return;
        if (canEdit) doc.transact(() => applyGraphDiff(doc, base, canvasRef.current.graph), LOCAL_ORIGIN);
        const graph = readGraph(doc);
        current.synced = true;
        current.last = graph;
        canvasRef.current.applyRemote(graph);
      },
    });
    session.current = { doc, provider, synced: false, last: base };

    const handleUpdate = (_update: Uint8Array, origin: unknown) => {
      const current = session.current;
      if (origin === LOCAL_ORIGIN || !current?.synced) return;
      const graph = readGraph(doc);
      current.last = graph;
      canvasRef.current.applyRemote(graph);
    };
    doc.on('update', handleUpdate);

    const awareness = provider.awareness;
    awareness?.setLocalStateField('user', { userId: user.id, name: user.name, color: colorFor(user.id) });
    const handleAwareness = () => {
      if (!awareness) return;
      const others: Collaborator[] = [];
      for (const [clientId, state] of awareness.getStates()) {
        if (clientId === doc.clientID) continue;
        const collaborator = toCollaborator(clientId, state);
        if (collaborator) others.push(collaborator);
      }
      setCollaborators(others);
    };
    awareness?.on('change', handleAwareness);
    const offline = setTimeout(() => {
      if (!everConnected) setStatus('offline');
    }, OFFLINE_AFTER_MS);

    return () => {
      clearTimeout(offline);
      awareness?.off('change', handleAwareness);
      doc.off('update', handleUpdate);
      provider.destroy();
      doc.destroy();
      session.current = null;
    };
  }, [workflowId, canEdit, user.id, user.name]);

  // Local edits (including undo, redo and restoring a version) go into the shared document.
  const graph = options.canvas.graph;
  useEffect(() => {
    const current = session.current;
    if (!current?.synced || !canEdit || sameGraph(graph, current.last)) return;
    const before = current.last;
    current.last = graph;
    current.doc.transact(() => applyGraphDiff(current.doc, before, graph), LOCAL_ORIGIN);
  }, [graph, canEdit]);

  // What this editor has selected is shown to the others.
  const selectedIds = options.canvas.nodes
    .filter((n) => n.selected)
    .map((n) => n.id)
    .join('|');
  useEffect(() => {
    session.current?.provider.awareness?.setLocalStateField('selection', selectedIds ? selectedIds.split('|') : []);
  }, [selectedIds]);

  const setCursor = useCallback((cursor: { x: number; y: number } | null) => {
    session.current?.provider.awareness?.setLocalStateField(
      'cursor',
      cursor ? { x: Math.round(cursor.x), y: Math.round(cursor.y) } : null,
    );
  }, []);

  return { status, collaborators, setCursor };
}
