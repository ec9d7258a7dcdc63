/**
 * A gorouter `/routes` stand-in that can be told to fail (issue 9 §2): like the simulator's
 * `startGorouterStandIn` (basic auth, sorted JSON, `Connection: close`), plus fault modes and a real outage
 * (`down()` closes the listener so polls get "connection refused"; `up()` listens again on the same port).
 */
import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { GorouterRoutesJson } from '../../src/simulator/index.js';

/**
 * - `ok`: 200 with the table as JSON;
 * - `unauthorized`: 401 whatever the credentials (a rotated password), as gorouter words it;
 * - `status500`: 500;
 * - `garbage`: 200 with an HTML page (a proxy error page);
 * - `truncated`: 200, the first half of the JSON, then a clean end (no Content-Length: only the JSON shows it).
 */
export type RouteFaultMode = 'ok' | 'unauthorized' | 'status500' | 'garbage' | 'truncated';

export interface FaultyGorouter {
  readonly port: number;
  readonly user: string;
  readonly pass: string;
  mode: RouteFaultMode;
  /** `/routes` requests received in each mode (authorized or not). */
  readonly requests: Readonly<Record<RouteFaultMode, number>>;
  /** Close the listener and every socket: the next polls are refused. */
  down(): Promise<void>;
  /** Listen again on the same port. */
  up(): Promise<void>;
  close(): Promise<void>;
}

function authorized(header: string | undefined, user: string, pass: string): boolean {
  const [scheme, encoded, ...rest] = (header ?? '').split(' ');
  if (scheme !== 'Basic' || encoded === undefined || rest.length > 0) return false;
  const parts = Buffer.from(encoded, 'base64').toString('utf8').split(':');
  return parts.length === 2 && parts[0] === user && parts[1] === pass;
}

function sortedJson(table: GorouterRoutesJson): string {
  const sorted: Record<string, unknown> = {};
  for (const key of Object.keys(table).sort()) sorted[key] = table[key];
  return `${JSON.stringify(sorted)}\n`;
}

/** Starts on 127.0.0.1, a free port; `table()` is read on every request. */
export async function startFaultyGorouter(options: {
  readonly user: string;
  readonly pass: string;
  readonly table: () => GorouterRoutesJson;
}): Promise<FaultyGorouter> {
  const requests: Record<RouteFaultMode, number> = {
    ok: 0,
    unauthorized: 0,
    status500: 0,
    garbage: 0,
    truncated: 0,
  };
  const sockets = new Set<Socket>();
  const answer = (request: http.IncomingMessage, response: http.ServerResponse): void => {
    if (request.url?.split('?')[0] !== '/routes') {
      response.writeHead(404).end('404 page not found\n');
      return;
    }
    const mode = gorouter.mode;
    requests[mode]++;
    if (mode === 'unauthorized' || !authorized(request.headers.authorization, options.user, options.pass)) {
      response.writeHead(401, { 'WWW-Authenticate': 'Basic' }).end('401 Unauthorized\n');
      return;
    }
    const json = { 'Content-Type': 'application/json', Connection: 'close' };
    switch (mode) {
      case 'ok':
        response.writeHead(200, json).end(sortedJson(options.table()));
        return;
      case 'status500':
        response.writeHead(500).end('500 Internal Server Error\n');
        return;
      case 'garbage':
        response
          .writeHead(200, { 'Content-Type': 'text/html' })
          .end('<html><body><h1>502 Bad Gateway</h1>{"not": "routes"</body></html>');
        return;
      case 'truncated': {
        const text = sortedJson(options.table());
        response.writeHead(200, json).end(text.slice(0, Math.floor(text.length / 2)));
        return;
      }
    }
  };

  let server: http.Server | undefined;
  const listen = async (port: number): Promise<number> => {
    const next = http.createServer(answer);
    next.on('connection', (socket: Socket) => {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
    });
    await new Promise<void>((resolve, reject) => {
      next.once('error', reject);
      next.listen(port, '127.0.0.1', () => resolve());
    });
    server = next;
    return (next.address() as AddressInfo).port;
  };
  const down = async (): Promise<void> => {
    const running = server;
    server = undefined;
    if (running === undefined) return;
    for (const socket of sockets) socket.destroy();
    await new Promise<void>((resolve) => running.close(() => resolve()));
  };

  const port = await listen(0);
  const gorouter: FaultyGorouter = {
    port,
    user: options.user,
    pass: options.pass,
    mode: 'ok',
    requests,
    down,
    async up() {
      if (server === undefined) await listen(port);
    },
    close: down,
  };
  return gorouter;
}
