/**
 * A real Prometheus server for e2e tests (Debian package `prometheus`): started on a free loopback port with
 * the given scrape configs, polled until ready (no sleeps), stopped by PID.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { e2eFreePort } from './e2e-net.js';
import { waitUntil } from './main-process.js';

export const PROMETHEUS_BIN = '/usr/bin/prometheus';

export interface PromTarget {
  readonly labels: Record<string, string>;
  readonly scrapePool: string;
  readonly health: 'up' | 'down' | 'unknown';
}

export interface PromSeries {
  readonly metric: Record<string, string>;
  readonly value: [number, string];
}

export interface PrometheusServer {
  readonly url: string;
  /** GET a Prometheus HTTP API path; throws unless `status` is `success`. */
  api<T>(path: string): Promise<T>;
  query(expr: string): Promise<PromSeries[]>;
  activeTargets(): Promise<PromTarget[]>;
  /** SIGTERM by PID, wait for the exit, remove the data folder. Idempotent. */
  stop(): Promise<void>;
}

/** Starts Prometheus with a 1 s scrape interval and `scrapeConfigs` (YAML lines under `scrape_configs:`). */
export async function startPrometheus(scrapeConfigs: readonly string[]): Promise<PrometheusServer> {
  if (!existsSync(PROMETHEUS_BIN))
    throw new Error(`${PROMETHEUS_BIN} is missing: apt-get install prometheus`);
  const dir = mkdtempSync(join(tmpdir(), 'promfetcher-prometheus-'));
  const port = await e2eFreePort();
  const url = `http://127.0.0.1:${port}`;
  const config = [
    'global: {scrape_interval: 1s, scrape_timeout: 1s, evaluation_interval: 1s}',
    'scrape_configs:',
    ...scrapeConfigs,
    '',
  ];
  writeFileSync(join(dir, 'prometheus.yml'), config.join('\n'));
  const child = spawn(
    PROMETHEUS_BIN,
    [
      `--config.file=${join(dir, 'prometheus.yml')}`,
      `--web.listen-address=127.0.0.1:${port}`,
      `--storage.tsdb.path=${join(dir, 'data')}`,
      '--log.level=warn',
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-4_000)));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  let stopped = false;
  const stop = async (): Promise<void> => {
    if (stopped) return;
    stopped = true;
    if (child.pid !== undefined && child.exitCode === null && child.signalCode === null) {
      process.kill(child.pid, 'SIGTERM');
      await exited;
    }
    rmSync(dir, { recursive: true, force: true });
  };
  const api = async <T>(path: string): Promise<T> => {
    const response = await fetch(`${url}${path}`);
    const body = (await response.json()) as { status: string; data: T; error?: string };
    if (body.status !== 'success') throw new Error(`prometheus ${path}: ${body.error ?? body.status}`);
    return body.data;
  };
  try {
    await waitUntil(
      async () => {
        if (child.exitCode !== null) throw new Error(`prometheus exited: ${stderr}`);
        return (await fetch(`${url}/-/ready`)).status === 200;
      },
      'prometheus ready',
      400,
    );
  } catch (error) {
    await stop();
    throw error;
  }
  return {
    url,
    api,
    query: async (expr) =>
      (await api<{ result: PromSeries[] }>(`/api/v1/query?query=${encodeURIComponent(expr)}`)).result,
    activeTargets: async () =>
      (await api<{ activeTargets: PromTarget[] }>('/api/v1/targets?state=active')).activeTargets,
    stop,
  };
}
