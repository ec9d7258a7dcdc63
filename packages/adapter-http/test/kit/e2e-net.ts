/** Loopback helpers for the e2e tests: a free port on 127.0.0.1, whether a port accepts connections, a text GET. */
import net from 'node:net';
import type { AddressInfo } from 'node:net';

/** A port that was free on 127.0.0.1 a moment ago (listen on 0, read it, close). */
export async function e2eFreePort(): Promise<number> {
  const probe = net.createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}

export interface TextAnswer {
  readonly status: number;
  readonly contentType: string;
  readonly body: string;
}

/** GET `url` and read the whole body as text. */
export async function e2eGetText(url: string, headers: Record<string, string> = {}): Promise<TextAnswer> {
  const response = await fetch(url, { headers });
  return {
    status: response.status,
    contentType: response.headers.get('content-type') ?? '',
    body: await response.text(),
  };
}

/** The sample lines of `body` whose metric name is `name` (no HELP/TYPE lines). */
export function e2eSamples(body: string, name: string): string[] {
  return body.split('\n').filter((line) => line.startsWith(`${name}{`) || line.startsWith(`${name} `));
}

/** The value of label `label` in one sample line, or `undefined`. */
export function e2eLabel(sample: string, label: string): string | undefined {
  return new RegExp(`[{,]${label}="([^"]*)"`).exec(sample)?.[1];
}

/** Whether a TCP connection to 127.0.0.1:`port` is accepted (closed again at once). */
export function e2eCanConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}
