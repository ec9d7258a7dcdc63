import net from 'node:net';

/** A `router.register` message (spec §2.2), as route-emitter sends it. */
export interface RegistryMessage {
  readonly host: string;
  readonly port: number;
  readonly uris: readonly string[];
  readonly protocol: 'http1';
  readonly app: string;
  readonly private_instance_id: string;
  readonly private_instance_index: string;
  readonly server_cert_domain_san: string;
  readonly stale_threshold_in_seconds: number;
  readonly tags: Readonly<Record<string, string>>;
}

export interface NatsRegistrarOptions {
  /** `host:port` of the NATS server. */
  readonly server: string;
  readonly user?: string;
  readonly pass?: string;
  /** Re-send every registration this often (route-emitter's heartbeat; default 20 s). */
  readonly heartbeatMs?: number;
  readonly connectTimeoutMs?: number;
}

export interface NatsRegistrar {
  /** Publishes every message on `router.register` now. */
  publishAll(): void;
  /** Messages published so far. */
  readonly published: number;
  /** Unregisters everything, then closes the connection. */
  stop(): Promise<void>;
}

const CRLF = '\r\n';

/**
 * A route-emitter stand-in speaking the NATS client protocol directly (CONNECT / PUB / SUB / PING): it
 * registers `messages()` on connect, every heartbeat, and at once on every `router.start` (spec §2.3), and
 * unregisters them all on stop.
 */
export async function startNatsRegistrar(
  options: NatsRegistrarOptions,
  messages: () => readonly RegistryMessage[],
): Promise<NatsRegistrar> {
  const [host, portText] = splitHostPort(options.server);
  const socket = net.connect({ host, port: Number(portText) });
  let published = 0;
  let buffer = '';
  let pendingPayload: number | undefined;

  const publish = (subject: string, payload: string): void => {
    socket.write(`PUB ${subject} ${Buffer.byteLength(payload)}${CRLF}${payload}${CRLF}`);
    published++;
  };
  const publishAll = (): void => {
    for (const message of messages()) publish('router.register', JSON.stringify(message));
  };

  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(
      () =>
        reject(new Error(`NATS ${options.server}: no answer within ${options.connectTimeoutMs ?? 2_000} ms`)),
      options.connectTimeoutMs ?? 2_000,
    );
    socket.once('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => {
      buffer += chunk;
      for (let guard = 0; guard < 10_000; guard++) {
        if (pendingPayload !== undefined) {
          if (buffer.length < pendingPayload + 2) return;
          buffer = buffer.slice(pendingPayload + 2);
          pendingPayload = undefined;
          publishAll();
          continue;
        }
        const end = buffer.indexOf(CRLF);
        if (end < 0) return;
        const line = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        if (line.startsWith('INFO ')) {
          const connect = {
            verbose: false,
            pedantic: false,
            name: 'promfetcher-simulator',
            lang: 'node',
            version: '0',
            protocol: 1,
            ...(options.user === undefined ? {} : { user: options.user, pass: options.pass ?? '' }),
          };
          socket.write(`CONNECT ${JSON.stringify(connect)}${CRLF}SUB router.start 1${CRLF}PING${CRLF}`);
        } else if (line === 'PONG') {
          clearTimeout(timer);
          resolve();
        } else if (line === 'PING') {
          socket.write(`PONG${CRLF}`);
        } else if (line.startsWith('MSG ')) {
          pendingPayload = Number(line.split(' ').at(-1));
        } else if (line.startsWith('-ERR')) {
          clearTimeout(timer);
          reject(new Error(`NATS ${options.server}: ${line}`));
        }
      }
    });
  });
  socket.on('error', () => undefined);
  publishAll();
  const heartbeat = setInterval(publishAll, options.heartbeatMs ?? 20_000);
  return {
    publishAll,
    get published() {
      return published;
    },
    stop: async () => {
      clearInterval(heartbeat);
      if (socket.destroyed) return;
      for (const message of messages()) publish('router.unregister', JSON.stringify(message));
      await new Promise<void>((resolve) => socket.end(`PING${CRLF}`, () => resolve()));
      socket.destroy();
    },
  };
}

function splitHostPort(server: string): [string, string] {
  const at = server.lastIndexOf(':');
  return [server.slice(0, at).replace(/^\[|\]$/g, ''), server.slice(at + 1)];
}
