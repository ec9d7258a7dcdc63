/**
 * Starts a Koa app on a listener and returns a handle whose `close(hardDeadlineMs)` shuts down gracefully:
 * stop accepting, close idle keep-alive sockets at once, let in-flight requests finish (their sockets are
 * closed as soon as they are done), and destroy whatever is left at the hard deadline.
 */
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import type Koa from 'koa';
import { DEFAULT_SHUTDOWN_HARD_DEADLINE_MS } from '../defaults.js';

export interface ListenOptions {
  readonly host: string;
  /** 0 picks a free port. */
  readonly port: number;
  /** PEM certificate chain and key: serve https (`enable_ssl` + `tls_pem`). */
  readonly tls?: { readonly cert: string; readonly key: string };
}

export interface ServerHandle {
  readonly server: http.Server;
  readonly host: string;
  readonly port: number;
  /** `http(s)://host:port` (IPv6 hosts bracketed). */
  readonly url: string;
  /** Resolves when every socket is closed; idempotent. */
  close(hardDeadlineMs?: number): Promise<void>;
}

export async function startServer(app: Koa, options: ListenOptions): Promise<ServerHandle> {
  const server: http.Server =
    options.tls === undefined
      ? http.createServer(app.callback())
      : https.createServer({ cert: options.tls.cert, key: options.tls.key }, app.callback());
  // Sockets that carry requests (TLS sockets for https) → requests in flight on each.
  const active = new Map<Socket, number>();
  // Every raw TCP socket (also those still in a TLS handshake), for the hard stop.
  const raw = new Set<Socket>();
  let closing: Promise<void> | undefined;

  server.on('connection', (socket: Socket) => {
    raw.add(socket);
    socket.once('close', () => raw.delete(socket));
  });
  server.on(options.tls === undefined ? 'connection' : 'secureConnection', (socket: Socket) => {
    active.set(socket, 0);
    socket.once('close', () => active.delete(socket));
  });
  server.on('request', (req: http.IncomingMessage, res: http.ServerResponse) => {
    const socket = req.socket;
    active.set(socket, (active.get(socket) ?? 0) + 1);
    if (closing !== undefined) res.setHeader('Connection', 'close');
    res.once('close', () => {
      const n = (active.get(socket) ?? 1) - 1;
      if (active.has(socket)) active.set(socket, n);
      if (closing !== undefined && n === 0) socket.destroySoon();
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const hostPart = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  const scheme = options.tls === undefined ? 'http' : 'https';

  return {
    server,
    host: address.address,
    port: address.port,
    url: `${scheme}://${hostPart}:${address.port}`,
    close(hardDeadlineMs = DEFAULT_SHUTDOWN_HARD_DEADLINE_MS): Promise<void> {
      closing ??= new Promise<void>((resolve) => {
        const timer = setTimeout(() => {
          for (const socket of active.keys()) socket.destroy();
          for (const socket of raw) socket.destroy();
        }, hardDeadlineMs);
        timer.unref();
        server.close(() => {
          clearTimeout(timer);
          resolve();
        });
        for (const [socket, n] of active) if (n === 0) socket.destroy();
      });
      return closing;
    },
  };
}
