import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The built bin (`pnpm build` first: the e2e tests run the real artefact). */
export const BIN = fileURLToPath(new URL('../../dist/main/bin.js', import.meta.url));

export function assertBuilt(): void {
  if (!existsSync(BIN)) throw new Error(`${BIN} is missing: run \`pnpm build\` before the e2e tests`);
}

export interface RunResult {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs the bin to completion (for --help, --version, bad configs); bounded by `timeoutMs`. */
export function runBin(
  args: readonly string[],
  env: Record<string, string> = {},
  timeoutMs = 10_000,
): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], {
      env: { PATH: process.env['PATH'] ?? '', ...env },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`bin did not exit within ${timeoutMs} ms; stderr: ${stderr}`));
    }, timeoutMs);
    child.once('error', reject);
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
  });
}

export interface RunningServer {
  readonly child: ChildProcess;
  readonly pid: number;
  /** `http://127.0.0.1:<port>` of the main listener. */
  readonly url: string;
  /** `http://127.0.0.1:<port>` of the health listener. */
  readonly healthUrl: string;
  /** Every log line so far (JSON objects). */
  logs(): readonly Record<string, unknown>[];
  stderr(): string;
  /** Resolves with the exit code once the process has ended. */
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** SIGKILL if still running, remove the temporary directory. */
  kill(): Promise<void>;
  /**
   * SIGTERM (the real shutdown path) if still running, SIGKILL after `boundMs`; resolves with how the process
   * ended, once the temporary directory is removed.
   */
  stop(boundMs?: number): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** Config lines: both listeners on 127.0.0.1, port 0 (startServerProcess reads the bound ports from the log). */
export const LISTENER_LINES: readonly string[] = [
  'listen_host: 127.0.0.1',
  'port: 0',
  'health_check_port: 0',
];

/**
 * The config lines the e2e servers start from: `gorouter` (on 127.0.0.1) polled every second, LISTENER_LINES.
 */
export function baseConfigLines(gorouter: {
  readonly port: number;
  readonly user: string;
  readonly pass: string;
}): string[] {
  return [
    `gorouters: [{host: 127.0.0.1, port: ${gorouter.port}, user: ${gorouter.user}, pass: ${gorouter.pass}}]`,
    'gorouter_poll_interval: 1s',
    ...LISTENER_LINES,
  ];
}

/** How to start a server process that logs `promfetcher started` (as JSON lines on stdout). */
export interface ServerLaunch {
  /** Starts the process with the config file at `configFile`; stdout and stderr must be pipes. */
  spawn(configFile: string): ChildProcess;
  /** The prefix of the temporary directory (`$DATA_DIR`, holding the config file). */
  readonly tmpPrefix: string;
  /** What the process is called in errors. */
  readonly name: string;
}

/**
 * Starts the bin with `configYaml` (written to a temporary file; use `port: 0` and `health_check_port: 0`)
 * and waits for its `promfetcher started` log line, which carries the bound URLs.
 */
export function startServerProcess(
  configYaml: string,
  env: Record<string, string> = {},
  timeoutMs = 15_000,
): Promise<RunningServer> {
  return launchServerProcess(
    configYaml,
    {
      spawn: (file) =>
        spawn(process.execPath, [BIN, '--config', file], {
          env: { PATH: process.env['PATH'] ?? '', ...env },
          stdio: ['ignore', 'pipe', 'pipe'],
        }),
      tmpPrefix: 'promfetcher-e2e-',
      name: 'promfetcher',
    },
    timeoutMs,
  );
}

/**
 * Starts what `launch` spawns with `configYaml` written to a temporary file (`$DATA_DIR` is replaced by the
 * temporary directory) and waits for its `promfetcher started` log line, which carries the bound URLs.
 */
export async function launchServerProcess(
  configYaml: string,
  launch: ServerLaunch,
  timeoutMs: number,
): Promise<RunningServer> {
  assertBuilt();
  const dir = mkdtempSync(join(tmpdir(), launch.tmpPrefix));
  const file = join(dir, 'promfetcher.yml');
  writeFileSync(file, configYaml.replaceAll('$DATA_DIR', dir));
  const child = launch.spawn(file);
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
  const running = (): boolean => child.exitCode === null && child.signalCode === null;
  const kill = async (): Promise<void> => {
    if (running()) {
      child.kill('SIGKILL');
      await exited;
    }
    rmSync(dir, { recursive: true, force: true });
  };
  const stop = async (boundMs = 20_000): Promise<{ code: number | null; signal: NodeJS.Signals | null }> => {
    if (running()) {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), boundMs);
      await exited;
      clearTimeout(timer);
    }
    await kill();
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
        reject(new Error(`${launch.name} exited with ${code}: ${stderr}`));
      });
    });
    return {
      child,
      pid: child.pid ?? -1,
      url: String(started['url']),
      healthUrl: String(started['health']),
      logs: () => logs,
      stderr: () => stderr,
      exited,
      kill,
      stop,
    };
  } catch (error) {
    await kill();
    throw error;
  }
}

/** Polls `probe` every `intervalMs` until it returns true; throws after `attempts`. */
export async function waitUntil(
  probe: () => Promise<boolean>,
  what: string,
  attempts = 200,
  intervalMs = 50,
): Promise<void> {
  for (let attempt = 0; attempt < attempts; attempt++) {
    if (await probe().catch(() => false)) return;
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
  throw new Error(`timed out waiting for ${what}`);
}
