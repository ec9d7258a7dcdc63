/**
 * A stand-in app instance on 127.0.0.1:0 (http or https): answers with a handler, records every request's
 * headers, and counts connections and concurrent requests.
 */
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo, Socket } from 'node:net';

export type InstanceHandler = (req: http.IncomingMessage, res: http.ServerResponse) => void;

export interface InstanceServer {
  readonly address: string;
  readonly port: number;
  readonly requests: http.IncomingHttpHeaders[];
  readonly paths: string[];
  readonly connections: number;
  readonly maxConcurrent: number;
  setHandler(handler: InstanceHandler): void;
  close(): Promise<void>;
}

export async function startInstance(
  handler: InstanceHandler,
  tls?: https.ServerOptions,
): Promise<InstanceServer> {
  let current = handler;
  const requests: http.IncomingHttpHeaders[] = [];
  const paths: string[] = [];
  const sockets = new Set<Socket>();
  let connections = 0;
  let inFlight = 0;
  let maxConcurrent = 0;
  const listener = (req: http.IncomingMessage, res: http.ServerResponse): void => {
    requests.push(req.headers);
    paths.push(req.url ?? '');
    inFlight++;
    maxConcurrent = Math.max(maxConcurrent, inFlight);
    res.once('close', () => inFlight--);
    current(req, res);
  };
  const server = tls === undefined ? http.createServer(listener) : https.createServer(tls, listener);
  server.keepAliveTimeout = 60_000;
  server.on(tls === undefined ? 'connection' : 'secureConnection', (socket: Socket) => {
    connections++;
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    address: `127.0.0.1:${port}`,
    port,
    requests,
    paths,
    get connections() {
      return connections;
    },
    get maxConcurrent() {
      return maxConcurrent;
    },
    setHandler(h) {
      current = h;
    },
    close() {
      for (const s of sockets) s.destroy();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

/** A handler answering `body` with a Content-Type. */
export function answer(body: string | Buffer, contentType = 'text/plain; version=0.0.4'): InstanceHandler {
  return (_req, res) => {
    res.writeHead(200, { 'Content-Type': contentType });
    res.end(body);
  };
}
