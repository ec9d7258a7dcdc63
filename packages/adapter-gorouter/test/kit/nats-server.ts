import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import net from 'node:net';
import type { AddressInfo } from 'node:net';

export const NATS_SERVER_BIN = '/usr/sbin/nats-server';
const STARTUP_ATTEMPTS = 200;
const STARTUP_POLL_MS = 25;
const STOP_GRACE_MS = 3_000;

export interface NatsServerOptions {
  readonly port?: number;
  readonly user?: string;
  readonly pass?: string;
  /** Serve TLS with these PEM files; `verifyClients` requires a client cert signed by `caFile`. */
  readonly tls?: {
    readonly certFile: string;
    readonly keyFile: string;
    readonly caFile?: string;
    readonly verifyClients?: boolean;
  };
}

export interface NatsServerHandle {
  readonly port: number;
  /** `127.0.0.1:<port>`. */
  readonly server: string;
  /** PID of the running process, undefined while stopped. */
  readonly pid: number | undefined;
  stop(): Promise<void>;
  /** Starts it again on the same port (after `stop`). */
  restart(): Promise<void>;
}

/** A free TCP port on 127.0.0.1 (bound then released). */
export async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/** Starts `nats-server -a 127.0.0.1 -p <port>` and waits until it accepts connections. */
export async function startNatsServer(options: NatsServerOptions = {}): Promise<NatsServerHandle> {
  const port = options.port ?? (await freePort());
  const args = ['-a', '127.0.0.1', '-p', String(port)];
  if (options.user !== undefined) args.push('--user', options.user);
  if (options.pass !== undefined) args.push('--pass', options.pass);
  if (options.tls !== undefined) {
    args.push('--tls', '--tlscert', options.tls.certFile, '--tlskey', options.tls.keyFile);
    if (options.tls.caFile !== undefined) args.push('--tlscacert', options.tls.caFile);
    if (options.tls.verifyClients === true) args.push('--tlsverify');
  }
  let child: ChildProcess | undefined;
  let output = '';

  const launch = async (): Promise<void> => {
    output = '';
    const started = spawn(NATS_SERVER_BIN, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    child = started;
    started.stdout?.on('data', (data: Buffer) => (output += data.toString()));
    started.stderr?.on('data', (data: Buffer) => (output += data.toString()));
    const failed = new Promise<never>((_, reject) => {
      started.once('error', reject);
      started.once('exit', (code) => reject(new Error(`nats-server exited with ${code}: ${output}`)));
    });
    failed.catch(() => undefined);
    for (let attempt = 0; attempt < STARTUP_ATTEMPTS; attempt++) {
      if (await Promise.race([canConnect(port), failed])) return;
      await new Promise((resolve) => setTimeout(resolve, STARTUP_POLL_MS));
    }
    started.kill('SIGKILL');
    throw new Error(`nats-server did not listen on 127.0.0.1:${port}: ${output}`);
  };

  const stop = async (): Promise<void> => {
    const running = child;
    child = undefined;
    if (running === undefined || running.exitCode !== null || running.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => running.once('exit', () => resolve()));
    running.kill('SIGTERM');
    const timer = setTimeout(() => running.kill('SIGKILL'), STOP_GRACE_MS);
    await exited;
    clearTimeout(timer);
  };

  await launch();
  return {
    port,
    server: `127.0.0.1:${port}`,
    get pid() {
      return child?.pid;
    },
    stop,
    async restart() {
      await stop();
      await launch();
    },
  };
}
