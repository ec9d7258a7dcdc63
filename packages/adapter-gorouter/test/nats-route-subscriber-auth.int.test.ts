import { connect } from 'nats';
import type { NatsConnection } from 'nats';
import { startNatsServer } from './kit/nats-server.js';
import type { NatsServerHandle } from './kit/nats-server.js';
import { SubscriberFixture, shop, systemClock } from './kit/subscriber-fixture.js';
import { makeTlsMaterial } from './kit/tls-material.js';
import type { TlsMaterial } from './kit/tls-material.js';
import { waitFor } from './kit/wait-for.js';

const fixture = new SubscriberFixture();

describe('NatsRouteSubscriber with credentials', () => {
  let nats: NatsServerHandle;
  let publisher: NatsConnection;

  beforeAll(async () => {
    nats = await startNatsServer({ user: 'nats', pass: 's3cret' });
    publisher = await connect({ servers: [nats.server], user: 'nats', pass: 's3cret' });
  });

  afterAll(async () => {
    await fixture.stopAll();
    await publisher.close();
    await nats.stop();
  });

  it('connects with user/pass and applies registrations', async () => {
    const { table } = await fixture.start(nats.server, { user: 'nats', pass: 's3cret' });
    publisher.publish('router.register', JSON.stringify(shop('0', 1)));
    await publisher.flush();
    await waitFor(() => table.size === 1, 'the registration');
  });
});

describe('NatsRouteSubscriber over TLS', () => {
  let tls: TlsMaterial;
  let serverOnly: NatsServerHandle;
  let mutual: NatsServerHandle;

  beforeAll(async () => {
    tls = makeTlsMaterial();
    const files = { certFile: tls.serverCertFile, keyFile: tls.serverKeyFile };
    serverOnly = await startNatsServer({ tls: files });
    mutual = await startNatsServer({ tls: { ...files, caFile: tls.caFile, verifyClients: true } });
  });

  afterAll(async () => {
    await fixture.stopAll();
    await serverOnly.stop();
    await mutual.stop();
    tls.remove();
  });

  it('connects with the CA alone: the client certificate is optional (spec §5.22)', async () => {
    const { subscriber } = await fixture.start(serverOnly.server, { tls: { ca: tls.caPem } });
    expect(subscriber.status().stale).toBe(false);
  });

  it('presents the client certificate when the server requires one', async () => {
    const { subscriber } = await fixture.start(mutual.server, {
      tls: { ca: tls.caPem, cert: tls.clientCertPem, key: tls.clientKeyPem },
    });
    expect(subscriber.status().stale).toBe(false);
  });

  it('does not connect to a server whose certificate the CA does not sign', async () => {
    const other = makeTlsMaterial();
    try {
      const { subscriber, logger } = await fixture.start(
        serverOnly.server,
        { tls: { ca: other.caPem } },
        systemClock,
        false,
      );
      await waitFor(() => logger.at('warn').length > 0, 'a failed connect');
      expect(subscriber.status()).toMatchObject({ ready: false, stale: true });
      expect(logger.at('warn')[0]?.message).toBe('cannot connect to NATS; retrying');
    } finally {
      other.remove();
    }
  });
});
