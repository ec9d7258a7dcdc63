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
}

/**
 * Starts the bin with `configYaml` (written to a temporary file; use `port: 0` and `health_check_port: 0`)
 * and waits for its `promfetcher started` log line, which carries the bound URLs.
 */
export async function startServerProcess(
  configYaml: string,
  env: Record<string, string> = {},
  timeoutMs = 15_000,
): Promise<RunningServer> {
  assertBuilt();
  const dir = mkdtempSync(join(tmpdir(), 'promfetcher-e2e-'));
  const file = join(dir, 'promfetcher.yml');
  writeFileSync(file, configYaml.replaceAll('$DATA_DIR', dir));
  const child = spawn(process.execPath, [BIN, '--config', file], {
    env: { PATH: process.env['PATH'] ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
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
  const kill = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGKILL');
      await exited;
    }
    rmSync(dir, { recursive: true, force: true });
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
        reject(new Error(`promfetcher exited with ${code}: ${stderr}`));
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
