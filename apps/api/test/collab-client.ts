import WebSocket from 'ws';
import type { YTypes } from '../src/modules/collab/esm';
import { Y } from '../src/modules/collab/esm';

type ProviderModule = typeof import('@hocuspocus/provider', { with: { 'resolution-mode': 'import' } });
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { HocuspocusProvider, HocuspocusProviderWebsocket }: ProviderModule = require('@hocuspocus/provider');

/** A `ws` socket class whose connection failures stay quiet (a reconnecting provider reports them). */
function quietWebSocket(options: WebSocket.ClientOptions = {}) {
  return class QuietWebSocket extends WebSocket {
    constructor(address: string, protocols?: string | string[]) {
      super(address, protocols, options);
      this.on('error', () => undefined);
    }
  };
}

/** A Node collaborator on one workflow's document, as the studio connects (Hocuspocus provider). */
export interface CollabClient {
  doc: YTypes.Doc;
  provider: InstanceType<typeof HocuspocusProvider>;
  /** Resolves true once synced, or false with the refusal reason. */
  ready: Promise<{ ok: true } | { ok: false; reason: string }>;
  /** Close events the socket saw (code and reason). */
  closes: { code: number; reason: string }[];
  /** Resolves when the server has acknowledged every local edit. */
  acknowledged(): Promise<void>;
  destroy(): void;
}

/** `ca`: a certificate authority to trust, for `https://` addresses with a certificate made by a test. */
export function connectCollab(
  baseUrl: string,
  workflowId: string,
  token: string | (() => string),
  options: { ca?: string } = {},
): CollabClient {
  const doc = new Y.Doc();
  const closes: { code: number; reason: string }[] = [];
  let settle: (value: { ok: true } | { ok: false; reason: string }) => void = () => undefined;
  const ready = new Promise<{ ok: true } | { ok: false; reason: string }>((resolve) => (settle = resolve));
  const provider = new HocuspocusProvider({
    // Node has no global WebSocket: the provider's own socket, given the `ws` implementation.
    websocketProvider: new HocuspocusProviderWebsocket({
      url: `${baseUrl.replace(/^http/, 'ws')}/api/collab`,
      WebSocketPolyfill: quietWebSocket(options.ca ? { ca: options.ca } : {}),
    }),
    name: workflowId,
    document: doc,
    token,
    onSynced: () => settle({ ok: true }),
    onAuthenticationFailed: ({ reason }) => settle({ ok: false, reason }),
    onClose: ({ event }) => {
      closes.push({ code: event.code, reason: event.reason });
      settle({ ok: false, reason: event.reason || String(event.code) });
    },
  });
  // A socket given to the provider must be attached explicitly, or nothing is sent.
  provider.attach();
  return {
    doc,
    provider,
    ready,
    closes,
    acknowledged: () =>
      new Promise<void>((resolve) => {
        if (!provider.hasUnsyncedChanges) return resolve();
        const check = () => {
          if (provider.hasUnsyncedChanges) return;
          provider.off('unsyncedChanges', check);
          resolve();
        };
        provider.on('unsyncedChanges', check);
      }),
    destroy: () => {
      const socket = provider.configuration.websocketProvider;
      provider.destroy();
      socket.destroy();
      // A socket the server closed schedules a reconnect that destroy() does not cancel.
      socket.connect = async () => undefined;
      doc.destroy();
    },
  };
}

/** Polls `check` until it passes or `timeoutMs` ends (then throws the last failure). */
export async function eventually(check: () => void | Promise<void>, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      await check();
      return;
    } catch (err) {
      if (Date.now() > deadline) throw err;
      await new Promise((r) => setTimeout(r, 25));
    }
  }
}
