/** `pnpm demo` (the built `dist/simulator/demo.js`): prints working URLs, and Ctrl-C stops everything. */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { waitUntil } from './kit/main-process.js';

const DEMO = fileURLToPath(new URL('../dist/simulator/demo.js', import.meta.url));
let demo: ChildProcess | undefined;
let exited: Promise<number | null> | undefined;
let output = '';

async function freePort(): Promise<number> {
  const probe = net.createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}

afterAll(async () => {
  if (demo?.pid !== undefined && demo.exitCode === null) {
    demo.kill('SIGKILL');
    await exited;
  }
});

describe('pnpm demo', () => {
  it('prints URLs that answer merged metrics, and SIGINT stops the server and the foundation', async () => {
    if (!existsSync(DEMO)) throw new Error(`${DEMO} is missing: run \`pnpm build\` first`);
    const port = await freePort();
    const child = spawn(process.execPath, [DEMO, '--port', String(port)], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    demo = child;
    exited = new Promise((resolve) => child.once('exit', (code) => resolve(code)));
    child.stdout?.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr?.on('data', (d: Buffer) => (output += d.toString()));
    await waitUntil(async () => output.includes('Ctrl-C stops everything.'), 'the demo banner', 300);

    const first = /curl (http:\/\/127\.0\.0\.1:\d+\/v1\/apps\/acme\/prod\/shop\/metrics)/.exec(output)?.[1];
    expect(first).toBe(`http://127.0.0.1:${port}/v1/apps/acme/prod/shop/metrics`);
    const response = await fetch(first ?? '');
    expect(response.status).toBe(200);
    const body = await response.text();
    expect(body.match(/^promfetcher_instance_up\{.*app_name="shop".*\} 1$/gm)).toHaveLength(3);

    const failing = await (
      await fetch(`http://127.0.0.1:${port}/v1/apps/globex/staging/billing/metrics`)
    ).text();
    expect(failing).toMatch(/promfetcher_scrape_error\{[^}]*reason="status_5xx"[^}]*\} 1/);

    const instance = /instance="(127\.0\.0\.1:\d+)"/.exec(body)?.[1];
    child.kill('SIGINT');
    expect(await exited).toBe(0);
    await expect(fetch(`http://127.0.0.1:${port}/metrics`)).rejects.toThrow();
    await expect(fetch(`http://${instance}/metrics`)).rejects.toThrow();
  });
});
