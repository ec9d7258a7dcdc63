/**
 * `deploy/cf` run as Diego would run it: the manifest's start command, in a folder laid out as the README's
 * steps make it (`dist/` + `config.yml`), with the manifest's env (its variables from vars.example.yml) and
 * `$PORT`. Only what cannot exist on a laptop is replaced: NATS, the binding store and the listen address
 * point at loopback. Checks the manifest's health check (`GET /metrics` on `$PORT`), a merged app answer with
 * routes learned from NATS, and the broker catalog with the manifest's broker credentials.
 */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse as parseYaml } from 'yaml';
import { freePort, startNatsServer } from '../../adapter-gorouter/test/kit/nats-server.js';
import type { NatsServerHandle } from '../../adapter-gorouter/test/kit/nats-server.js';
import { startFoundation } from '../src/simulator/index.js';
import type { Foundation } from '../src/simulator/index.js';
import { assertBuilt, waitUntil } from './kit/main-process.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const DEPLOY_CF = join(ROOT, 'deploy/cf');
const DIST = fileURLToPath(new URL('../dist', import.meta.url));
const NATS_TEST_PASS = 'nats-test-pass';
const STOP_GRACE_MS = 5_000;
const FETCH_TIMEOUT_MS = 5_000;

const vars = parseYaml(readFileSync(join(DEPLOY_CF, 'vars.example.yml'), 'utf8')) as Record<string, string>;
const manifest = parseYaml(
  readFileSync(join(DEPLOY_CF, 'manifest.yml'), 'utf8').replace(/\(\(([\w-]+)\)\)/g, (_, name: string) =>
    String(vars[name]),
  ),
) as {
  applications: { command: string; env: Record<string, string>; 'health-check-http-endpoint': string }[];
};
const app = manifest.applications[0]!;

let dir: string;
let nats: NatsServerHandle | undefined;
let foundation: Foundation | undefined;
let child: ChildProcess | undefined;
let exited: Promise<void> | undefined;
let output = '';
let base: string;

beforeAll(async () => {
  assertBuilt();
  dir = mkdtempSync(join(tmpdir(), 'promfetcher-cf-'));
  // The pushed folder: the built server and the config copied next to it (deploy/README.md step 1).
  const appDir = join(dir, 'app');
  mkdirSync(appDir);
  symlinkSync(DIST, join(appDir, 'dist'), 'dir');
  copyFileSync(join(DEPLOY_CF, 'config.yml'), join(appDir, 'config.yml'));

  nats = await startNatsServer({ user: vars['nats_user'], pass: NATS_TEST_PASS });
  const port = await freePort();
  base = `http://127.0.0.1:${port}`;
  child = spawn('/bin/sh', ['-c', app.command], {
    cwd: appDir,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      PATH: process.env['PATH'] ?? '',
      PORT: String(port),
      ...app.env,
      PROMFETCHER_NATS_HOSTS: nats.server,
      PROMFETCHER_NATS_PASS: NATS_TEST_PASS,
      PROMFETCHER_DB_CONN: `sqlite://${join(dir, 'bindings.db')}`,
      PROMFETCHER_LISTEN_HOST: '127.0.0.1',
      PROMFETCHER_HEALTH_CHECK_PORT: '0',
    },
  });
  const started = child;
  started.stdout?.on('data', (d: Buffer) => (output += d.toString()));
  started.stderr?.on('data', (d: Buffer) => (output += d.toString()));
  // 'close': every holder of the pipes (the shell and promfetcher) has ended.
  exited = new Promise((resolve) => started.once('close', () => resolve()));
  foundation = await startFoundation({
    apps: [{ org: 'acme', space: 'prod', name: 'shop', instances: 2 }],
    nats: { server: nats.server, user: vars['nats_user'], pass: NATS_TEST_PASS, heartbeatMs: 1_000 },
  });
});

afterAll(async () => {
  const pid = child?.pid;
  if (pid !== undefined && child?.exitCode === null && child.signalCode === null) {
    // The shell need not exec the command: signal the process group it leads (the shell and promfetcher).
    killGroup(pid, 'SIGTERM');
    const timer = setTimeout(() => killGroup(pid, 'SIGKILL'), STOP_GRACE_MS);
    await exited;
    clearTimeout(timer);
  }
  await foundation?.stop();
  await nats?.stop();
  rmSync(dir, { recursive: true, force: true });
});

function killGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // already gone
  }
}

describe('deploy/cf: the manifest command with the manifest env', () => {
  it("passes the manifest's http health check (GET /metrics on $PORT)", async () => {
    expect(app['health-check-http-endpoint']).toBe('/metrics');
    await waitUntil(
      async () =>
        (
          await fetch(`${base}${app['health-check-http-endpoint']}`, {
            signal: AbortSignal.timeout(FETCH_TIMEOUT_MS),
          })
        ).status === 200,
      `health check on $PORT (output so far: ${output})`,
      300,
    );
    const answer = await fetch(`${base}/metrics`);
    expect(await answer.text()).toContain('promfetch_latest_time_scrape_route');
  });

  it('serves a merged answer for an app registered over NATS', async () => {
    let body = '';
    await waitUntil(
      async () => {
        const answer = await fetch(`${base}/v1/apps/acme/prod/shop/metrics`, {
          signal: AbortSignal.timeout(FETCH_TIMEOUT_MS),
        });
        body = await answer.text();
        return (
          answer.status === 200 && (body.match(/^promfetcher_instance_up\{.*\} 1$/gm) ?? []).length === 2
        );
      },
      'both instances of acme/prod/shop',
      300,
    );
    for (const instance of foundation!.app('acme', 'prod', 'shop').instances) {
      expect(body).toContain(`instance="${instance.address}"`);
    }
  });

  it("answers the broker catalog with the manifest's broker credentials", async () => {
    const auth = Buffer.from(`${vars['broker_user']}:${vars['broker_password']}`).toString('base64');
    const answer = await fetch(`${base}/broker/v2/catalog`, {
      headers: { Authorization: `Basic ${auth}`, 'X-Broker-API-Version': '2.17' },
    });
    expect(answer.status).toBe(200);
    const catalog = (await answer.json()) as { services: { name: string }[] };
    expect(catalog.services.map((s) => s.name)).toEqual(['promfetcher']);
    const wrong = await fetch(`${base}/broker/v2/catalog`, {
      headers: {
        Authorization: `Basic ${Buffer.from('x:y').toString('base64')}`,
        'X-Broker-API-Version': '2.17',
      },
    });
    expect(wrong.status).toBe(401);
  });
});
