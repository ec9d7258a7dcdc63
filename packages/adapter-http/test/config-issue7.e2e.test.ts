/**
 * The built server honours the issue-7 keys of its YAML file: `inbound_auth` (users and networks),
 * `cf_labels` and `single_flight` (run `pnpm build` first).
 */
import { startFoundation } from '../src/simulator/index.js';
import type { Foundation } from '../src/simulator/index.js';
import { assertBuilt, baseConfigLines, startServerProcess, waitUntil } from './kit/main-process.js';
import type { RunningServer } from './kit/main-process.js';

const running: RunningServer[] = [];
let foundation: Foundation;
const PASS = 'inbound-s3cret-pw';
const SHOP = '/v1/apps/acme/prod/shop/metrics';

const basic = (user: string, pass: string): string =>
  `Basic ${Buffer.from(`${user}:${pass}`).toString('base64')}`;

beforeAll(async () => {
  assertBuilt();
  foundation = await startFoundation({ apps: [{ org: 'acme', space: 'prod', name: 'shop', instances: 2 }] });
});

afterAll(async () => {
  await Promise.all(running.map((server) => server.kill()));
  await foundation.stop();
});

async function start(extra: string[]): Promise<RunningServer> {
  const g = foundation.gorouter;
  const server = await startServerProcess(
    [...baseConfigLines(g), 'broker: {enable: false}', 'data_dir: $DATA_DIR', ...extra].join('\n'),
  );
  running.push(server);
  await waitUntil(async () => (await fetch(server.healthUrl)).status === 200, 'health 200');
  return server;
}

async function leaderCount(server: RunningServer): Promise<number> {
  const own = await (await fetch(`${server.url}/metrics`)).text();
  const match = /^promfetcher_single_flight_leader_total (\d+)$/m.exec(own);
  return match === null ? 0 : Number(match[1]);
}

describe('promfetcher bin: inbound_auth, cf_labels and single_flight from the YAML file', () => {
  it('users + loopback networks: 401 without or with wrong credentials, 200 with them; cf_labels: info', async () => {
    const server = await start([
      'single_flight: false',
      'cf_labels: info',
      'inbound_auth:',
      `  users: [{user: prometheus, pass: ${PASS}}]`,
      '  networks: [127.0.0.0/8, "::1/128"]',
    ]);
    expect((await fetch(`${server.url}${SHOP}`)).status).toBe(401);
    expect(
      (await fetch(`${server.url}${SHOP}`, { headers: { Authorization: basic('prometheus', 'nope') } }))
        .status,
    ).toBe(401);
    expect((await fetch(`${server.url}/v1/discovery/apps`)).status).toBe(401);
    const good = await fetch(`${server.url}${SHOP}`, {
      headers: { Authorization: basic('prometheus', PASS) },
    });
    expect(good.status).toBe(200);
    const body = await good.text();
    expect(body.split('\n').filter((l) => l.startsWith('cf_app_instance_info{'))).toHaveLength(2);
    const full = await fetch(`${server.url}${SHOP}?labels=full`, {
      headers: { Authorization: basic('prometheus', PASS) },
    });
    expect(await full.text()).not.toContain('cf_app_instance_info');
    // own metrics stay open; single_flight: false → no fan-out went through single-flight
    expect(await leaderCount(server)).toBe(0);
    expect(JSON.stringify(server.logs())).not.toContain(PASS);
    expect(server.stderr()).not.toContain(PASS);
  }, 30_000);

  it('networks that exclude the client: 403 even with no users', async () => {
    const server = await start(['inbound_auth: {networks: [10.0.0.0/8]}']);
    expect((await fetch(`${server.url}${SHOP}`)).status).toBe(403);
    expect((await fetch(`${server.url}/v1/discovery/instances`)).status).toBe(403);
    expect((await fetch(`${server.url}/metrics`)).status).toBe(200);
  }, 30_000);

  it('defaults: open, full labels, single flight on', async () => {
    const server = await start([]);
    const res = await fetch(`${server.url}${SHOP}`);
    expect(res.status).toBe(200);
    expect(await res.text()).not.toContain('cf_app_instance_info');
    expect(await leaderCount(server)).toBeGreaterThan(0);
  }, 30_000);
});
