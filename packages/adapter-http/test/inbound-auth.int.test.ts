/**
 * Inbound authentication on the real stack: users, networks (loopback), what reaches the instances.
 */
import { anEndpoint, appTags } from '@promfetcher/core/testing';
import { answer, startInstance, type InstanceServer } from './kit/instance-server.js';
import { startAppStack, type AppStack } from './kit/app-stack.js';

const basic = (user: string, pass: string): string =>
  `Basic ${Buffer.from(`${user}:${pass}`).toString('base64')}`;
const BODY = '# TYPE work_total counter\nwork_total 1\n';

describe('inbound authentication', () => {
  let instance: InstanceServer;
  let users: AppStack;
  let forwarding: AppStack;
  let loopbackOnly: AppStack;
  let elsewhereOnly: AppStack;
  let open: AppStack;

  beforeAll(async () => {
    instance = await startInstance(answer(BODY));
    const user = { user: 'prometheus', pass: 'sekret' };
    users = await startAppStack({ app: { inboundAuth: { users: [user] } } });
    forwarding = await startAppStack({ app: { inboundAuth: { users: [user], forwardCredentials: true } } });
    loopbackOnly = await startAppStack({ app: { inboundAuth: { networks: ['127.0.0.0/8', '::1/128'] } } });
    elsewhereOnly = await startAppStack({ app: { inboundAuth: { networks: ['10.0.0.0/8'] } } });
    open = await startAppStack();
    for (const s of [users, forwarding, loopbackOnly, elsewhereOnly, open]) {
      s.table.register('shop.example.com', anEndpoint({ address: instance.address, tags: appTags() }));
    }
  });

  afterAll(async () => {
    for (const s of [users, forwarding, loopbackOnly, elsewhereOnly, open]) await s.close();
    await instance.close();
  });

  const PATHS = [
    '/v1/apps/acme/prod/shop/metrics',
    '/v2/apps/metrics?app=shop.example.com',
    '/v1/apps/acme/prod/shop/instances/0/metrics',
    '/v1/discovery/apps',
    '/v1/discovery/instances',
  ];

  it('users: 401 with WWW-Authenticate without valid credentials, 200 with them', async () => {
    for (const path of PATHS) {
      const none = await fetch(`${users.url}${path}`);
      expect([path, none.status]).toEqual([path, 401]);
      expect(none.headers.get('www-authenticate')).toMatch(/^Basic realm="promfetcher"/);
      const wrong = await fetch(`${users.url}${path}`, {
        headers: { Authorization: basic('prometheus', 'nope') },
      });
      expect([path, wrong.status]).toEqual([path, 401]);
      const good = await fetch(`${users.url}${path}`, {
        headers: { Authorization: basic('prometheus', 'sekret') },
      });
      expect([path, good.status]).toEqual([path, 200]);
    }
    // own metrics and the doc page stay open
    expect((await fetch(`${users.url}/metrics`)).status).toBe(200);
    expect((await fetch(`${users.url}/doc`)).status).toBe(200);
    expect(await (await fetch(`${users.url}/metrics`)).text()).toMatch(
      /promfetcher_inbound_auth_refused_total\{status="401"\} [1-9]/,
    );
  });

  it('the inbound Authorization reaches instances only with forward_credentials (or without inbound users)', async () => {
    const auth = { Authorization: basic('prometheus', 'sekret') };
    let before = instance.requests.length;
    expect((await fetch(`${users.url}/v1/apps/acme/prod/shop/metrics`, { headers: auth })).status).toBe(200);
    expect(instance.requests.slice(before).map((h) => h['authorization'])).toEqual([undefined]);
    before = instance.requests.length;
    expect((await fetch(`${forwarding.url}/v1/apps/acme/prod/shop/metrics`, { headers: auth })).status).toBe(
      200,
    );
    expect(instance.requests.slice(before).map((h) => h['authorization'])).toEqual([auth.Authorization]);
    before = instance.requests.length;
    expect((await fetch(`${open.url}/v1/apps/acme/prod/shop/metrics`, { headers: auth })).status).toBe(200);
    expect(instance.requests.slice(before).map((h) => h['authorization'])).toEqual([auth.Authorization]);
  });

  it('networks: loopback allowed, a client outside the list gets 403', async () => {
    for (const path of PATHS) {
      expect([path, (await fetch(`${loopbackOnly.url}${path}`)).status]).toEqual([path, 200]);
      const refused = await fetch(`${elsewhereOnly.url}${path}`, {
        headers: { Authorization: basic('prometheus', 'sekret') },
      });
      expect([path, refused.status]).toEqual([path, 403]);
    }
    expect((await fetch(`${elsewhereOnly.url}/metrics`)).status).toBe(200);
  });
});
