import http from 'node:http';
import type { Express } from 'express';

export interface RunningServer {
  server: http.Server;
  /** Stops accepting, lets in-flight requests finish (bounded), then closes every socket. */
  stop(timeoutMs: number): Promise<void>;
}

/** Pending connections the kernel queues for accept() (capped by net.core.somaxconn). */
const LISTEN_BACKLOG = 4096;

/** Listens and resolves once the port is bound. */
export function listen(app: Express, port: number, host: string): Promise<RunningServer> {
  // Once stopping, every response closes its connection (`Connection: close`), those in flight
  // included: a keep-alive client then opens a new connection (refused) for its next request,
  // instead of writing it onto a socket the drain is about to close unread.
  let stopping = false;
  const inFlight = new Set<http.ServerResponse>();
  const server = http.createServer((req, res) => {
    if (stopping) res.shouldKeepAlive = false;
    else {
      inFlight.add(res);
      res.once('close', () => inFlight.delete(res));
    }
    app(req, res);
  });
  // Longer than a typical load balancer idle timeout, so the proxy closes first (no 502 races).
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 66_000;
  server.requestTimeout = 120_000;
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    // A burst of new connections (1,000 clients at once) overflowed Node's default accept queue
    // of 511: the kernel dropped the rest, whose clients retried after 1, 3 and 7 s.
    server.listen({ port, host, backlog: LISTEN_BACKLOG }, () => {
      server.off('error', reject);
      resolve({
        server,
        stop: (timeoutMs) => {
          stopping = true;
          for (const res of inFlight) if (!res.headersSent) res.shouldKeepAlive = false;
          return stopServer(server, timeoutMs);
        },
      });
    });
  });
}

function stopServer(server: http.Server, timeoutMs: number): Promise<void> {
  return new Promise((resolve) => {
    const force = setTimeout(() => server.closeAllConnections(), timeoutMs);
    // Keep-alive sockets would hold close() open: close those idle now, and each busy one as soon
    // as its in-flight response is done.
    const sweep = setInterval(() => server.closeIdleConnections(), 50);
    force.unref();
    sweep.unref();
    server.close(() => {
      clearTimeout(force);
      clearInterval(sweep);
      resolve();
    });
    server.closeIdleConnections();
  });
}
