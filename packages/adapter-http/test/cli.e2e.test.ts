import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import https from 'node:https';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startFoundation } from '../src/simulator/index.js';
import type { Foundation } from '../src/simulator/index.js';
import { e2eCanConnect, e2eFreePort } from './kit/e2e-net.js';
import { assertBuilt, baseConfigLines, runBin, startServerProcess, waitUntil } from './kit/main-process.js';
import type { RunningServer } from './kit/main-process.js';
import { makeSelfSignedCert } from './kit/test-pki.js';

const running: RunningServer[] = [];
let foundation: Foundation;

beforeAll(async () => {
  assertBuilt();
  foundation = await startFoundation({
    apps: [
      { org: 'acme', space: 'prod', name: 'shop', instances: 2 },
      { org: 'acme', space: 'prod', name: 'slowpoke', instances: [{ behaviour: 'slow', slowMs: 1_500 }] },
    ],
  });
});

afterAll(async () => {
  await Promise.all(running.map((server) => server.kill()));
  await foundation.stop();
});

function gorouterConfig(extra = ''): string {
  const g = foundation.gorouter;
  return [...baseConfigLines(g), 'broker: {user: b, pass: b-secret}', 'data_dir: $DATA_DIR', extra].join(
    '\n',
  );
}

async function start(extra = '', env: Record<string, string> = {}): Promise<RunningServer> {
  const server = await startServerProcess(gorouterConfig(extra), env);
  running.push(server);
  return server;
}

async function status(url: string): Promise<number> {
  return (await fetch(url)).status;
}

describe('promfetcher bin: command line', () => {
  it('--help prints the usage and exits 0', async () => {
    const result = await runBin(['--help']);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('Usage: promfetcher [--config FILE]');
    expect(result.stdout).toContain('PROMFETCHER_CONFIG=FILE');
  });

  it('--version prints the package version', async () => {
    const result = await runBin(['--version']);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^promfetcher \d+\.\d+\.\d+\n$/);
  });

  it('an unknown argument is a usage error (exit 2)', async () => {
    const result = await runBin(['--confg', 'x.yml']);
    expect(result.code).toBe(2);
    expect(result.stderr.split('\n')[0]).toBe('promfetcher: unknown argument "--confg"');
  });

  it('a bad config prints one line per problem, opens no port and exits 2', async () => {
    const port = await e2eFreePort();
    const dir = mkdtempSync(join(tmpdir(), 'promfetcher-cli-'));
    const file = join(dir, 'bad.yml');
    writeFileSync(
      file,
      'gorouters: [{host: 127.0.0.1, port: 1}]\nlogging: {level: loud}\nbroker: {user: u, pass: Sup3rSecret, passwd: Sup3rSecret}\ngorouter_pol_interval: 1s\n',
    );
    try {
      const result = await runBin(['--config', file], {
        PROMFETCHER_PORT: String(port),
        PROMFETCHER_PROT: '1',
      });
      expect(result.code).toBe(2);
      expect(result.stderr.trim().split('\n')).toEqual([
        'promfetcher: config error: PROMFETCHER_PROT: unknown environment variable (did you mean PROMFETCHER_PORT?)',
        'promfetcher: config error: broker.passwd: unknown key (did you mean "broker.pass"?)',
        'promfetcher: config error: logging.level: Invalid option: expected one of "trace"|"debug"|"info"|"warn"|"warning"|"error"|"fatal"|"panic"',
        'promfetcher: config error: gorouter_pol_interval: unknown key (did you mean "gorouter_poll_interval"?)',
      ]);
      expect(result.stderr).not.toContain('Sup3rSecret');
      expect(result.stdout).toBe('');
      expect(await e2eCanConnect(port)).toBe(false);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a port already in use: one line on stderr, exit 1', async () => {
    const blocker = net.createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const { port } = blocker.address() as net.AddressInfo;
    try {
      const result = await runBin(['--config', '/dev/null'], {
        PROMFETCHER_NATS_HOSTS: '127.0.0.1:1',
        PROMFETCHER_BROKER_ENABLE: 'false',
        PROMFETCHER_LISTEN_HOST: '127.0.0.1',
        PROMFETCHER_HEALTH_CHECK_PORT: String(port),
        PROMFETCHER_PORT: '0',
      });
      expect(result.code).toBe(1);
      expect(result.stderr).toBe(
        `promfetcher: cannot start: listen EADDRINUSE: address already in use 127.0.0.1:${port}\n`,
      );
    } finally {
      await new Promise<void>((resolve) => blocker.close(() => resolve()));
    }
  });

  it('PROMFETCHER_CONFIG names the file when --config is absent', async () => {
    const result = await runBin([], { PROMFETCHER_CONFIG: '/nonexistent/promfetcher.yml' });
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(
      'promfetcher: config error: /nonexistent/promfetcher.yml: cannot read the config file (ENOENT)\n',
    );
  });
});

describe('promfetcher bin: running against a fake gorouter', () => {
  it('serves merged metrics; health turns 200 once the table is loaded', async () => {
    const server = await start();
    await waitUntil(async () => (await status(server.healthUrl)) === 200, 'health 200');
    const response = await fetch(`${server.url}/v1/apps/acme/prod/shop/metrics`);
    expect(response.status).toBe(200);
    const body = await response.text();
    for (const instance of foundation.app('acme', 'prod', 'shop').instances) {
      expect(body).toContain(`instance="${instance.address}"`);
    }
    expect(body).toMatch(/http_requests_total\{.*app_name="shop".*\} \d+/);
    const lines = server.logs();
    expect(lines.find((l) => l['msg'] === 'promfetcher started')).toMatchObject({
      component: 'main',
      level: 'info',
    });
    expect(JSON.stringify(lines)).not.toContain('b-secret');
  });

  it('SIGUSR1: health answers 503 for good, then the process drains and exits 0', async () => {
    const server = await start('drain_delay: 1s');
    await waitUntil(async () => (await status(server.healthUrl)) === 200, 'health 200');
    process.kill(server.pid, 'SIGUSR1');
    await waitUntil(async () => (await status(server.healthUrl)) === 503, 'health 503');
    expect(await status(`${server.url}/v1/apps/acme/prod/shop/metrics`)).toBe(200);
    expect(await server.exited).toEqual({ code: 0, signal: null });
  });

  it('SIGTERM during in-flight requests: they complete, then exit 0', async () => {
    const server = await start('max_scrape_timeout: 5s');
    await waitUntil(async () => (await status(server.healthUrl)) === 200, 'health 200');
    // Distinct forwarded headers: three separate fan-outs (identical requests would share one, single-flight).
    const inflight = [1, 2, 3].map((caller) =>
      fetch(`${server.url}/v1/apps/acme/prod/slowpoke/metrics`, { headers: { 'x-caller': String(caller) } }),
    );
    const slow = foundation.app('acme', 'prod', 'slowpoke').instances[0]?.server;
    await waitUntil(async () => (slow?.requests ?? 0) >= 3, 'the slow instance to be hit');
    process.kill(server.pid, 'SIGTERM');
    const answers = await Promise.all(inflight);
    expect(answers.map((a) => a.status)).toEqual([200, 200, 200]);
    const bodies = await Promise.all(answers.map((a) => a.text()));
    for (const body of bodies)
      expect(body).toMatch(/promfetcher_instance_up\{[^}]*app_name="slowpoke"[^}]*\} 1/);
    expect(await server.exited).toEqual({ code: 0, signal: null });
    await expect(fetch(`${server.url}/metrics`)).rejects.toThrow();
  });

  it('a second signal during the shutdown is not lost or doubled: one shutdown, exit 0', async () => {
    const server = await start();
    process.kill(server.pid, 'SIGTERM');
    process.kill(server.pid, 'SIGINT');
    expect(await server.exited).toEqual({ code: 0, signal: null });
    const messages = server.logs().map((l) => l['msg']);
    expect(messages.filter((m) => m === 'shutting down')).toHaveLength(1);
    expect(messages).toContain('stopped');
  });
});

describe('promfetcher bin: NATS route source and TLS listener', () => {
  let nats: ChildProcess | undefined;
  let natsExited: Promise<void> | undefined;
  let natsFoundation: Foundation | undefined;

  afterAll(async () => {
    await natsFoundation?.stop();
    if (nats?.pid !== undefined && nats.exitCode === null) {
      process.kill(nats.pid, 'SIGTERM');
      await natsExited;
    }
  });

  it('learns the routes from router.register and serves them over TLS', async () => {
    const { cert, key } = makeSelfSignedCert('127.0.0.1', 'IP:127.0.0.1');

    const natsPort = await e2eFreePort();
    const child = spawn('/usr/sbin/nats-server', ['-a', '127.0.0.1', '-p', String(natsPort)], {
      stdio: 'ignore',
    });
    nats = child;
    natsExited = new Promise((resolve) => child.once('exit', () => resolve()));
    await waitUntil(() => e2eCanConnect(natsPort), 'nats-server');

    const server = await startServerProcess(
      [
        `nats: {hosts: [{hostname: 127.0.0.1, port: ${natsPort}}]}`,
        'listen_host: 127.0.0.1',
        'port: 0',
        'health_check_port: 0',
        'broker: {enable: false}',
        'enable_ssl: true',
        `tls_pem: {cert_chain: ${JSON.stringify(cert)}, private_key: ${JSON.stringify(key)}}`,
      ].join('\n'),
    );
    running.push(server);
    expect(server.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    natsFoundation = await startFoundation({
      apps: [{ org: 'initech', space: 'prod', name: 'tps', instances: 2 }],
      nats: { server: `127.0.0.1:${natsPort}`, heartbeatMs: 1_000 },
    });
    await waitUntil(async () => (await status(server.healthUrl)) === 200, 'health 200', 300);
    let body = '';
    await waitUntil(
      async () => {
        const answer = await httpsGet(`${server.url}/v1/apps/initech/prod/tps/metrics`, cert);
        body = answer.body;
        return (
          answer.status === 200 && (body.match(/^promfetcher_instance_up\{.*\} 1$/gm) ?? []).length === 2
        );
      },
      'both NATS-registered instances',
      300,
    );
    for (const instance of natsFoundation.app('initech', 'prod', 'tps').instances) {
      expect(body).toContain(`instance="${instance.address}"`);
    }
  });

  it('a TLS key that does not load is a config error before any port opens', async () => {
    const bad = mkdtempSync(join(tmpdir(), 'promfetcher-badtls-'));
    try {
      const file = join(bad, 'c.yml');
      writeFileSync(
        file,
        'gorouters: [{host: 127.0.0.1, port: 1}]\nbroker: {enable: false}\nenable_ssl: true\ntls_pem: {cert_chain: "-----BEGIN CERTIFICATE-----\\nAAAA\\n-----END CERTIFICATE-----", private_key: "-----BEGIN PRIVATE KEY-----\\nAAAA\\n-----END PRIVATE KEY-----"}\n',
      );
      const result = await runBin(['--config', file]);
      expect(result.code).toBe(2);
      expect(result.stderr).toBe(
        'promfetcher: config error: tls_pem: the certificate chain or private key cannot be loaded (or they do not match)\n',
      );
    } finally {
      rmSync(bad, { recursive: true, force: true });
    }
  });
});

function httpsGet(url: string, ca: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const request = https.get(url, { ca }, (response) => {
      let body = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => (body += chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body }));
    });
    request.on('error', reject);
  });
}
