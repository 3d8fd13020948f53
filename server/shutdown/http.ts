import net from 'node:net';
import type { Server, ServerResponse } from 'node:http';

/** An HTTP server being closed: `closed` settles once the last connection has ended. */
export interface ClosingServer {
  closed: Promise<void>;
  /** Ends every connection now, answered or not (after the deadline). */
  force(): void;
}

export interface HttpTracker {
  /** Requests being answered now. */
  inFlight(): number;
  /** Stops accepting and lets the requests in flight finish; call once, from the shutdown. */
  close(opts?: { pollMs?: number; idleGraceMs?: number }): ClosingServer;
}

interface Connection {
  /** Requests of this connection not yet answered. */
  busy: number;
  /** When it last became idle (connected, or answered its last request). */
  idleSince: number;
}

/**
 * Follows a listening server's connections so a shutdown can let their
 * requests finish. Once closing: the server stops listening; every answer not
 * yet sent says `Connection: close` (Node then ends that connection after it);
 * a connection idle for `idleGraceMs` is ended — never one with a request in
 * progress.
 *
 * Not Node's `server.close()`: it ends every connection without a request in
 * progress at once, and a connection whose request has arrived but not yet
 * been read (its bytes in the socket buffer while the event loop ran the
 * signal handler) counts as idle: its client got a reset for a request the
 * server had received (the SIGTERM test saw it under a burst). The grace lets
 * such a request be read first.
 */
export function trackHttp(server: Server, now: () => number = () => performance.now()): HttpTracker {
  const connections = new Map<net.Socket, Connection>();
  const responses = new Set<ServerResponse>();
  let closing = false;
  server.on('connection', (socket: net.Socket) => {
    connections.set(socket, { busy: 0, idleSince: now() });
    socket.once('close', () => connections.delete(socket));
  });
  // Before express's listener, so the header is set before any handler can answer.
  server.prependListener('request', (req, res: ServerResponse) => {
    const conn = connections.get(req.socket);
    if (conn) conn.busy += 1;
    responses.add(res);
    if (closing) res.setHeader('connection', 'close');
    res.once('close', () => {
      responses.delete(res);
      if (!conn) return;
      conn.busy -= 1;
      conn.idleSince = now();
    });
  });
  return {
    inFlight: () => responses.size,
    close({ pollMs = 50, idleGraceMs = 250 } = {}) {
      closing = true;
      for (const res of responses) if (!res.headersSent) res.setHeader('connection', 'close');
      // net's close: no new connection; settles once every connection has ended (see above for why not http's).
      const closed = new Promise<void>((resolve, reject) => {
        net.Server.prototype.close.call(server, (err?: Error) => (err && (err as NodeJS.ErrnoException).code !== 'ERR_SERVER_NOT_RUNNING' ? reject(err) : resolve()));
      });
      const endIdle = () => {
        const t = now();
        for (const [socket, conn] of connections) if (conn.busy === 0 && t - conn.idleSince >= idleGraceMs) socket.destroy();
      };
      const sweep = setInterval(endIdle, pollMs);
      void closed.then(() => clearInterval(sweep), () => clearInterval(sweep));
      return {
        closed,
        force() {
          clearInterval(sweep);
          server.closeAllConnections();
          for (const socket of connections.keys()) socket.destroy();
        },
      };
    },
  };
}
