/**
 * The parent side of the soak harness: forks soak-harness.ts (the built bin in a child process of its own, so
 * its memory, descriptors and timers are its own), waits for `promfetcher started`, and asks it for
 * measurements over IPC. Stopped with SIGTERM (the real shutdown path), SIGKILL after a bound.
 */
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { launchServerProcess } from './main-process.js';

const HARNESS = fileURLToPath(new URL('./soak-harness.ts', import.meta.url));
const REPO_ROOT = fileURLToPath(new URL('../../../../', import.meta.url));

export interface SoakMeasureRequest {
  readonly kind: 'measure';
  readonly id: number;
  /** Run two full garbage collections first (the harness runs with --expose-gc). */
  readonly gc: boolean;
}

export interface SoakMeasurement {
  readonly kind: 'measurement';
  readonly id: number;
  readonly gcExposed: boolean;
  readonly rssBytes: number;
  readonly heapUsedBytes: number;
  /** The V8 heap's committed size (includes the young generation's semi-spaces). */
  readonly heapTotalBytes: number;
  readonly externalBytes: number;
  /** `process.getActiveResourcesInfo()` counted by type (TCPSocketWrap, Timeout — refed only —, …). */
  readonly resources: Readonly<Record<string, number>>;
  /** Timers alive (created, neither cleared nor fired for the last time), refed or not. */
  readonly liveTimers: number;
  /** Open file descriptors of the process, and how many of them are sockets. */
  readonly fds: number;
  readonly sockets: number;
}

export interface SoakServer {
  readonly pid: number;
  /** `http://127.0.0.1:<port>` of the main listener. */
  readonly url: string;
  readonly healthUrl: string;
  measure(gc?: boolean): Promise<SoakMeasurement>;
  /** Every log line so far (JSON objects). */
  logs(): readonly Record<string, unknown>[];
  stderr(): string;
  /** SIGTERM; resolves with how the process ended (SIGKILL after `boundMs`). */
  stop(boundMs?: number): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** Starts the harness with `configYaml` (`$DATA_DIR` is replaced by a temporary directory). */
export async function startSoakServer(configYaml: string, timeoutMs = 30_000): Promise<SoakServer> {
  const server = await launchServerProcess(
    configYaml,
    {
      spawn: (file) =>
        fork(HARNESS, ['--config', file], {
          cwd: REPO_ROOT,
          execArgv: ['--expose-gc', '--import', 'tsx'],
          env: { PATH: process.env['PATH'] ?? '' },
          stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
        }),
      tmpPrefix: 'promfetcher-soak-',
      name: 'the soak harness',
    },
    timeoutMs,
  );
  const { child } = server;
  const pending = new Map<number, (m: SoakMeasurement) => void>();
  child.on('message', (message: SoakMeasurement) => {
    if (message.kind !== 'measurement') return;
    pending.get(message.id)?.(message);
    pending.delete(message.id);
  });
  let nextId = 0;
  return {
    pid: server.pid,
    url: server.url,
    healthUrl: server.healthUrl,
    measure: (gc = true) =>
      new Promise<SoakMeasurement>((resolve, reject) => {
        const id = nextId++;
        const timer = setTimeout(() => {
          pending.delete(id);
          reject(new Error('the soak harness did not answer a measurement within 30 s'));
        }, 30_000);
        pending.set(id, (m) => {
          clearTimeout(timer);
          resolve(m);
        });
        const request: SoakMeasureRequest = { kind: 'measure', id, gc };
        child.send(request);
      }),
    logs: server.logs,
    stderr: server.stderr,
    stop: server.stop,
  };
}
