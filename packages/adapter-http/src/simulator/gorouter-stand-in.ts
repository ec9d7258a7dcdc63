import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One endpoint object of gorouter's `/routes` JSON (spec §1.2), in the order Go writes its fields. */
export interface GorouterEndpointJson {
  readonly address: string;
  readonly availability_zone: string;
  readonly protocol: 'http1' | 'http2';
  readonly tls: boolean;
  readonly ttl: number;
  readonly tags: Readonly<Record<string, string>>;
  readonly private_instance_id?: string;
  readonly server_cert_domain_san?: string;
}

export type GorouterRoutesJson = Readonly<Record<string, readonly GorouterEndpointJson[]>>;

export interface GorouterStandIn {
  readonly port: number;
  /** `http://127.0.0.1:<port>/routes`. */
  readonly url: string;
  readonly user: string;
  readonly pass: string;
  /** `/routes` requests answered 200. */
  readonly served: number;
  stop(): Promise<void>;
}

/**
 * gorouter's `/routes` listener (spec §1.1): one path, HTTP basic auth checked the way gorouter does
 * (`WWW-Authenticate: Basic`, body `401 Unauthorized\n`), 200 with `Connection: close` and a JSON body whose
 * keys are sorted and which ends with a newline. `table()` is read on every request.
 */
export async function startGorouterStandIn(options: {
  readonly user: string;
  readonly pass: string;
  readonly table: () => GorouterRoutesJson;
}): Promise<GorouterStandIn> {
  let served = 0;
  const server = createServer((req, res) => {
    const header = req.headers.authorization ?? '';
    const [scheme, encoded] = header.split(' ');
    const parts =
      scheme === 'Basic' && encoded !== undefined ? Buffer.from(encoded, 'base64').toString().split(':') : [];
    if (parts.length !== 2 || parts[0] !== options.user || parts[1] !== options.pass) {
      res.writeHead(401, { 'www-authenticate': 'Basic', 'content-type': 'text/plain; charset=utf-8' });
      res.end('401 Unauthorized\n');
      return;
    }
    if ((req.url ?? '').split('?')[0] !== '/routes') {
      res.writeHead(404).end();
      return;
    }
    const table = options.table();
    const sorted: Record<string, readonly GorouterEndpointJson[]> = {};
    for (const key of Object.keys(table).sort()) sorted[key] = table[key] ?? [];
    served++;
    res.writeHead(200, { 'content-type': 'application/json', connection: 'close' });
    res.end(`${JSON.stringify(sorted)}\n`);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  return {
    port,
    url: `http://127.0.0.1:${port}/routes`,
    user: options.user,
    pass: options.pass,
    get served() {
      return served;
    },
    stop: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
