/**
 * The parent side of the soak harness: forks soak-harness.ts (the built bin in a child process of its own, so
 * its memory, descriptors and timers are its own), waits for `promfetcher started`, and asks it for
 * measurements over IPC. Stopped with SIGTERM (the real shutdown path), SIGKILL after a bound.
 */
import { fork } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { assertBuilt } from './main-process.js';

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
  assertBuilt();
  const dir = mkdtempSync(join(tmpdir(), 'promfetcher-soak-'));
  const file = join(dir, 'promfetcher.yml');
  writeFileSync(file, configYaml.replaceAll('$DATA_DIR', dir));
  const child = fork(HARNESS, ['--config', file], {
    cwd: REPO_ROOT,
    execArgv: ['--expose-gc', '--import', 'tsx'],
    env: { PATH: process.env['PATH'] ?? '' },
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
  });
  const logs: Record<string, unknown>[] = [];
  let stderr = '';
  let partial = '';
  let onStarted: ((line: Record<string, unknown>) => void) | undefined;
  child.stdout?.on('data', (d: Buffer) => {
    partial += d.toString();
    const lines = partial.split('\n');
    partial = lines.pop() ?? '';
    for (const line of lines) {
      if (line.trim() === '') continue;
      try {
        const entry = JSON.parse(line) as Record<string, unknown>;
        logs.push(entry);
        if (entry['msg'] === 'promfetcher started') onStarted?.(entry);
      } catch {
        logs.push({ raw: line });
      }
    }
  });
  child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  void exited.finally(() => rmSync(dir, { recursive: true, force: true }));

  const pending = new Map<number, (m: SoakMeasurement) => void>();
  child.on('message', (message: SoakMeasurement) => {
    if (message.kind !== 'measurement') return;
    pending.get(message.id)?.(message);
    pending.delete(message.id);
  });
  let nextId = 0;

  const stop = async (boundMs = 20_000): Promise<{ code: number | null; signal: NodeJS.Signals | null }> => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), boundMs);
      const result = await exited;
      clearTimeout(timer);
      return result;
    }
    return exited;
  };

  try {
    const started = await new Promise<Record<string, unknown>>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`no "promfetcher started" within ${timeoutMs} ms; stderr: ${stderr}`)),
        timeoutMs,
      );
      onStarted = (entry) => {
        clearTimeout(timer);
        resolve(entry);
      };
      void exited.then(({ code }) => {
        clearTimeout(timer);
        reject(new Error(`the soak harness exited with ${code}: ${stderr}`));
      });
    });
    return {
      pid: child.pid ?? -1,
      url: String(started['url']),
      healthUrl: String(started['health']),
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
      logs: () => logs,
      stderr: () => stderr,
      stop,
    };
  } catch (error) {
    child.kill('SIGKILL');
    await exited;
    throw error;
  }
}
