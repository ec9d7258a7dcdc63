/**
 * The built promfetcher bin as a child process, as users run it: a generated YAML config pointing at the
 * foundation's gorouter stand-in, ready once its health port answers 200; memory read from /proc; stopped by
 * PID (SIGTERM, then SIGKILL after a bound).
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const BIN = fileURLToPath(new URL('../dist/main/bin.js', import.meta.url));

export interface BenchServer {
  readonly pid: number;
  readonly url: string;
  /** Peak resident set (VmHWM) so far, in MB; NaN when /proc is unavailable. */
  peakRssMb(): number;
  /** Current resident set (VmRSS), in MB. */
  rssMb(): number;
  stderr(): string;
  stop(): Promise<void>;
}

async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return typeof address === 'object' && address !== null ? address.port : 0;
}

function procStatusMb(pid: number, field: 'VmHWM' | 'VmRSS'): number {
  try {
    const match = new RegExp(`^${field}:\\s+(\\d+) kB$`, 'm').exec(
      readFileSync(`/proc/${pid}/status`, 'utf8'),
    );
    return match === null ? Number.NaN : Number(match[1]) / 1024;
  } catch {
    return Number.NaN;
  }
}

export async function startBenchServer(options: {
  readonly gorouter: { readonly port: number; readonly user: string; readonly pass: string };
  readonly maxScrapeTimeout: string;
  readonly readyTimeoutMs: number;
}): Promise<BenchServer> {
  if (!existsSync(BIN)) throw new Error(`${BIN} is missing: run \`pnpm build\` first`);
  const port = await freePort();
  const healthPort = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'promfetcher-bench-'));
  const configFile = join(dir, 'promfetcher.yml');
  const g = options.gorouter;
  writeFileSync(
    configFile,
    [
      `gorouters: [{host: 127.0.0.1, port: ${g.port}, user: ${g.user}, pass: ${g.pass}}]`,
      'gorouter_poll_interval: 30s',
      'listen_host: 127.0.0.1',
      `port: ${port}`,
      `health_check_port: ${healthPort}`,
      'broker: {enable: false}',
      `max_scrape_timeout: ${options.maxScrapeTimeout}`,
      '',
    ].join('\n'),
  );
  // BENCH_SERVER_NODE_ARGS: extra node flags for the server only, e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof`.
  const nodeArgs = (process.env['BENCH_SERVER_NODE_ARGS'] ?? '').split(' ').filter((a) => a !== '');
  const child = spawn(process.execPath, [...nodeArgs, BIN, '--config', configFile], {
    stdio: ['ignore', 'ignore', 'pipe'],
    env: { PATH: process.env['PATH'] ?? '' },
  });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const pid = child.pid ?? -1;
  const stop = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) {
      process.kill(pid, 'SIGTERM');
      const timer = setTimeout(() => {
        if (child.exitCode === null && child.signalCode === null) process.kill(pid, 'SIGKILL');
      }, 10_000);
      await exited;
      clearTimeout(timer);
    }
    rmSync(dir, { recursive: true, force: true });
  };

  const deadline = Date.now() + options.readyTimeoutMs;
  for (;;) {
    if (child.exitCode !== null) {
      await stop();
      throw new Error(`promfetcher exited with ${child.exitCode}: ${stderr}`);
    }
    const healthy = await fetch(`http://127.0.0.1:${healthPort}/`, {
      signal: AbortSignal.timeout(1_000),
    }).then(
      (r) => r.status === 200,
      () => false,
    );
    if (healthy) break;
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`promfetcher not healthy within ${options.readyTimeoutMs} ms: ${stderr}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return {
    pid,
    url: `http://127.0.0.1:${port}`,
    peakRssMb: () => procStatusMb(pid, 'VmHWM'),
    rssMb: () => procStatusMb(pid, 'VmRSS'),
    stderr: () => stderr,
    stop,
  };
}
