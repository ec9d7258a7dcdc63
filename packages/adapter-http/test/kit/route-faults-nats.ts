/**
 * NATS helpers for the route-source fault suite (issue 9 §2): a raw NATS client speaking the protocol over a
 * socket (adapter-http does not depend on `nats`; binary payloads go through untouched), and a bounded set of
 * malformed `router.register` / `router.unregister` payloads that promfetcher must refuse one by one.
 */
import net from 'node:net';

const CRLF = '\r\n';
const CONNECT_TIMEOUT_MS = 3_000;
const FLUSH_TIMEOUT_MS = 10_000;

export interface RawNatsClient {
  publish(subject: string, payload: string | Buffer): void;
  /** Every message on `subject` (payload as raw bytes). */
  subscribe(subject: string, onMessage: (payload: Buffer) => void): void;
  /** PING → PONG: the server has processed everything written before. */
  flush(): Promise<void>;
  close(): void;
}

/** Connects to `127.0.0.1:<port>` (no auth) and resolves after the first PONG. */
export async function connectRawNats(port: number): Promise<RawNatsClient> {
  const socket = net.connect({ host: '127.0.0.1', port });
  const handlers = new Map<string, (payload: Buffer) => void>();
  const pongs: (() => void)[] = [];
  let buffer: Buffer = Buffer.alloc(0);
  let pending: { sid: string; size: number } | undefined;
  let nextSid = 1;
  let failure: Error | undefined;

  const onData = (chunk: Buffer): void => {
    buffer = buffer.length === 0 ? chunk : Buffer.concat([buffer, chunk]);
    for (let guard = 0; guard < 100_000; guard++) {
      if (pending !== undefined) {
        if (buffer.length < pending.size + 2) return;
        const payload = buffer.subarray(0, pending.size);
        buffer = buffer.subarray(pending.size + 2);
        const { sid } = pending;
        pending = undefined;
        handlers.get(sid)?.(Buffer.from(payload));
        continue;
      }
      const end = buffer.indexOf(CRLF);
      if (end < 0) return;
      const line = buffer.subarray(0, end).toString('utf8');
      buffer = buffer.subarray(end + 2);
      if (line.startsWith('INFO ')) {
        const connect = { verbose: false, pedantic: false, name: 'route-faults', lang: 'node', protocol: 1 };
        socket.write(`CONNECT ${JSON.stringify(connect)}${CRLF}PING${CRLF}`);
      } else if (line === 'PING') {
        socket.write(`PONG${CRLF}`);
      } else if (line === 'PONG') {
        pongs.shift()?.();
      } else if (line.startsWith('MSG ')) {
        // MSG <subject> <sid> [reply-to] <#bytes>
        const parts = line.split(' ');
        pending = { sid: parts[2] ?? '', size: Number(parts.at(-1)) };
      } else if (line.startsWith('-ERR')) {
        failure = new Error(`NATS 127.0.0.1:${port}: ${line}`);
      }
    }
  };
  socket.on('data', onData);
  socket.on('error', (error) => (failure ??= error));

  const flush = (timeoutMs = FLUSH_TIMEOUT_MS): Promise<void> =>
    new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(failure ?? new Error(`no PONG from 127.0.0.1:${port} within ${timeoutMs} ms`)),
        timeoutMs,
      );
      pongs.push(() => {
        clearTimeout(timer);
        if (failure === undefined) resolve();
        else reject(failure);
      });
      socket.write(`PING${CRLF}`);
    });

  // The first PONG answers the PING sent with CONNECT.
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`NATS 127.0.0.1:${port}: not connected within ${CONNECT_TIMEOUT_MS} ms`)),
      CONNECT_TIMEOUT_MS,
    );
    socket.once('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    pongs.push(() => {
      clearTimeout(timer);
      resolve();
    });
  });

  return {
    publish(subject, payload) {
      const bytes = typeof payload === 'string' ? Buffer.from(payload) : payload;
      socket.write(
        Buffer.concat([Buffer.from(`PUB ${subject} ${bytes.length}${CRLF}`), bytes, Buffer.from(CRLF)]),
      );
    },
    subscribe(subject, onMessage) {
      const sid = String(nextSid++);
      handlers.set(sid, onMessage);
      socket.write(`SUB ${subject} ${sid}${CRLF}`);
    },
    flush: () => flush(),
    close() {
      socket.destroy();
    },
  };
}

/** What a malformed payload imitates (for the report of a failure). */
export interface MalformedPayload {
  readonly kind: string;
  /** The `promfetcher_route_messages_rejected_total` reason a gorouter-strict decoder gives it. */
  readonly reason: RejectReason;
  readonly payload: Buffer;
}

export type RejectReason = 'invalid-json' | 'wrong-type' | 'missing-field' | 'route-service-url-not-https';

/** Deterministic pseudo-random bytes (no dependency on Math.random: a failure replays). */
function bytes(seed: number, length: number): Buffer {
  const out = Buffer.alloc(length);
  let x = (seed * 2_654_435_761) >>> 0 || 1;
  for (let i = 0; i < length; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[i] = x & 0xff;
  }
  // Never valid JSON by chance (a lone digit is): 0xfe is not UTF-8 and decodes to U+FFFD.
  if (length > 0) out[0] = 0xfe;
  return out;
}

/**
 * `count` payloads, each of which a gorouter refuses (invalid JSON, wrong JSON types, missing host/port, an
 * http route service), several aimed at a real endpoint (`target`: its uri, host, port and tags) so that a
 * lenient decoder would register or unregister it. `hugeEvery`-th payloads are ~`hugeBytes` long.
 */
export function malformedRegistryPayloads(
  count: number,
  target: {
    readonly uri: string;
    readonly host: string;
    readonly port: number;
    readonly tags: Readonly<Record<string, string>>;
  },
  huge: { readonly every: number; readonly bytes: number } = { every: 500, bytes: 256 * 1024 },
): MalformedPayload[] {
  const { uri, host, port, tags } = target;
  const json = (value: unknown): Buffer => Buffer.from(JSON.stringify(value));
  const valid = { host, port, uris: [uri], tags, private_instance_index: '9' };
  const makers: ((i: number) => MalformedPayload)[] = [
    (i) => ({ kind: 'binary', reason: 'invalid-json', payload: bytes(i + 1, 1 + (i % 200)) }),
    () => ({ kind: 'empty', reason: 'invalid-json', payload: Buffer.alloc(0) }),
    (i) => ({
      kind: 'truncated-json',
      reason: 'invalid-json',
      payload: json(valid).subarray(0, 5 + (i % 40)),
    }),
    () => ({ kind: 'json-null', reason: 'wrong-type', payload: Buffer.from('null') }),
    () => ({ kind: 'json-array', reason: 'wrong-type', payload: json([valid]) }),
    () => ({ kind: 'json-string', reason: 'wrong-type', payload: json(JSON.stringify(valid)) }),
    () => ({ kind: 'json-number', reason: 'wrong-type', payload: Buffer.from('42') }),
    () => ({ kind: 'port-as-string', reason: 'wrong-type', payload: json({ ...valid, port: String(port) }) }),
    () => ({ kind: 'port-float', reason: 'wrong-type', payload: json({ ...valid, port: port + 0.5 }) }),
    () => ({ kind: 'port-out-of-range', reason: 'wrong-type', payload: json({ ...valid, port: 70_000 }) }),
    () => ({ kind: 'port-negative', reason: 'wrong-type', payload: json({ ...valid, port: -1 }) }),
    () => ({ kind: 'uris-not-array', reason: 'wrong-type', payload: json({ ...valid, uris: uri }) }),
    () => ({ kind: 'uris-of-numbers', reason: 'wrong-type', payload: json({ ...valid, uris: [1, 2] }) }),
    () => ({ kind: 'tags-array', reason: 'wrong-type', payload: json({ ...valid, tags: [tags] }) }),
    () => ({
      kind: 'tag-not-string',
      reason: 'wrong-type',
      payload: json({ ...valid, tags: { ...tags, app_id: 7 } }),
    }),
    () => ({ kind: 'host-object', reason: 'wrong-type', payload: json({ ...valid, host: { ip: host } }) }),
    () => ({ kind: 'missing-host', reason: 'missing-field', payload: json({ port, uris: [uri], tags }) }),
    () => ({ kind: 'empty-host', reason: 'missing-field', payload: json({ ...valid, host: '' }) }),
    () => ({ kind: 'missing-port', reason: 'missing-field', payload: json({ host, uris: [uri], tags }) }),
    () => ({
      kind: 'stale-threshold-string',
      reason: 'wrong-type',
      payload: json({ ...valid, stale_threshold_in_seconds: '1' }),
    }),
    () => ({
      kind: 'http-route-service',
      reason: 'route-service-url-not-https',
      payload: json({ ...valid, route_service_url: 'http://rs.example' }),
    }),
    () => ({
      kind: 'options-loadbalancing-number',
      reason: 'wrong-type',
      payload: json({ ...valid, options: { loadbalancing: 1 } }),
    }),
    () => ({
      kind: 'proto-pollution',
      reason: 'wrong-type',
      payload: Buffer.from(
        `{"host":"${host}","port":${port},"uris":["${uri}"],"tags":{"__proto__":{"app_id":1}}}`,
      ),
    }),
    () => ({
      kind: 'deep-nesting',
      reason: 'wrong-type',
      payload: Buffer.from(`${'['.repeat(5_000)}${']'.repeat(5_000)}`),
    }),
    () => ({
      kind: 'lone-surrogate',
      reason: 'invalid-json',
      payload: Buffer.from([0x7b, 0x22, 0xed, 0xa0, 0x80, 0x22, 0x7d]),
    }),
  ];
  const out: MalformedPayload[] = [];
  for (let i = 0; i < count; i++) {
    if (huge.every > 0 && i % huge.every === huge.every - 1) {
      // Huge strings: a valid-looking message whose port is a huge string, and an unterminated huge string.
      out.push(
        i % 2 === 0
          ? {
              kind: 'huge-port-string',
              reason: 'wrong-type',
              payload: json({ ...valid, port: '9'.repeat(huge.bytes) }),
            }
          : {
              kind: 'huge-unterminated',
              reason: 'invalid-json',
              payload: Buffer.from(`{"host":"${'h'.repeat(huge.bytes)}`),
            },
      );
      continue;
    }
    out.push((makers[i % makers.length] as (i: number) => MalformedPayload)(i));
  }
  return out;
}
