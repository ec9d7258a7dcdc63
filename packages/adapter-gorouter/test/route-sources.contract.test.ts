import { connect } from 'nats';
import type { NatsConnection } from 'nats';
import { RouteTable, silentLogger } from '@promfetcher/core';
import type { Clock, Endpoint } from '@promfetcher/core';
import { routeSourceContract } from '@promfetcher/core/testing';
import type { RouteSourceHarness } from '@promfetcher/core/testing';
import { NatsRouteSubscriber } from '../src/nats-route-subscriber.js';
import { noopRouteSourceTelemetry } from '../src/route-source-telemetry.js';
import { startFakeGorouter } from './kit/fake-gorouter.js';
import { manualPoller } from './kit/manual-poller.js';
import { startNatsServer } from './kit/nats-server.js';
import type { NatsServerHandle } from './kit/nats-server.js';

const clock: Clock = { now: () => Date.now() };

/** The poller against a fake gorouter: announce/withdraw edit the fake's JSON; sync = one poll. */
async function gorouterHarness(): Promise<RouteSourceHarness> {
  const fake = await startFakeGorouter({ user: 'router-status', pass: 'pw' });
  const { poller, table } = manualPoller(
    { host: fake.host, port: fake.port, user: 'router-status', pass: 'pw' },
    5_000,
    clock,
  );
  return {
    source: poller,
    table,
    announce: async (uri, endpoint) => fake.announce(uri, endpoint),
    withdraw: async (uri, endpoint) => fake.withdraw(uri, endpoint.address),
    sync: () => poller.pollNow(),
    close: async () => {
      await poller.stop();
      await fake.close();
    },
  };
}

/** A registry message carrying `endpoint` (spec §2.2): the reverse of the subscriber's decoding. */
function registryMessageFor(uri: string, endpoint: Endpoint): string {
  const colon = endpoint.address.lastIndexOf(':');
  const host = endpoint.address.slice(0, colon);
  const port = Number(endpoint.address.slice(colon + 1));
  return JSON.stringify({
    host,
    port: endpoint.tls ? port + 1 : port,
    ...(endpoint.tls ? { tls_port: port } : {}),
    uris: [uri],
    protocol: endpoint.protocol ?? 'http1',
    app: endpoint.tags['app_id'],
    stale_threshold_in_seconds: endpoint.ttlSeconds,
    tags: endpoint.tags,
    ...(endpoint.privateInstanceId === undefined ? {} : { private_instance_id: endpoint.privateInstanceId }),
    ...(endpoint.serverCertDomainSan === undefined
      ? {}
      : { server_cert_domain_san: endpoint.serverCertDomainSan }),
    ...(endpoint.routeServiceUrl === undefined ? {} : { route_service_url: endpoint.routeServiceUrl }),
    ...(endpoint.availabilityZone === undefined ? {} : { availability_zone: endpoint.availabilityZone }),
    ...(endpoint.isolationSegment === undefined ? {} : { isolation_segment: endpoint.isolationSegment }),
  });
}

/** The subscriber on a shared nats-server: announce/withdraw publish; sync = both flushes (see `flush`). */
async function natsHarness(server: NatsServerHandle): Promise<RouteSourceHarness> {
  const table = new RouteTable(clock, { maxTtlSeconds: 120 });
  const subscriber = new NatsRouteSubscriber({
    table,
    clock,
    logger: silentLogger,
    telemetry: noopRouteSourceTelemetry,
    options: {
      servers: [server.server],
      pingIntervalMs: 20_000,
      dropletStaleThresholdMs: 120_000,
      startResponseDelayIntervalMs: 20_000,
      pruneIntervalMs: 3_600_000,
      index: 0,
      reconnectWaitMs: 100,
      localIp: '127.0.0.1',
    },
  });
  const publisher: NatsConnection = await connect({ servers: [server.server] });
  const publish = async (subject: string, uri: string, endpoint: Endpoint): Promise<void> => {
    await subscriber.subscribed();
    publisher.publish(subject, registryMessageFor(uri, endpoint));
  };
  return {
    source: subscriber,
    table,
    announce: (uri, endpoint) => publish('router.register', uri, endpoint),
    withdraw: (uri, endpoint) => publish('router.unregister', uri, endpoint),
    sync: async () => {
      await subscriber.subscribed();
      await publisher.flush();
      await subscriber.flush();
    },
    close: async () => {
      await subscriber.stop();
      await publisher.close();
    },
  };
}

routeSourceContract('GorouterRoutesPoller', gorouterHarness);

describe('NatsRouteSubscriber on a real nats-server', () => {
  let server: NatsServerHandle;

  beforeAll(async () => {
    server = await startNatsServer();
  });

  afterAll(async () => {
    await server.stop();
  });

  routeSourceContract('NatsRouteSubscriber', () => natsHarness(server));
});
