import { startGorouterStandIn } from './gorouter-stand-in.js';
import type { GorouterEndpointJson, GorouterRoutesJson, GorouterStandIn } from './gorouter-stand-in.js';
import { startInstanceServer } from './instance-server.js';
import type { InstanceBehaviour, InstanceServer } from './instance-server.js';
import { startNatsRegistrar } from './nats-registrar.js';
import type { NatsRegistrar, NatsRegistrarOptions, RegistryMessage } from './nats-registrar.js';
import { simGuid } from './sim-ids.js';

export interface SimInstanceSpec {
  readonly behaviour?: InstanceBehaviour;
  readonly slowMs?: number;
}

export interface SimAppSpec {
  readonly org: string;
  readonly space: string;
  readonly name: string;
  /** A count of healthy instances, or one spec per instance. */
  readonly instances: number | readonly SimInstanceSpec[];
  readonly openMetrics?: boolean;
  readonly gzip?: boolean;
  readonly basicAuth?: { readonly user: string; readonly pass: string };
  readonly extraSeries?: number;
  /** Routes (`host[/path]`); default `<name>.<domain>`. */
  readonly routes?: readonly string[];
  readonly metricsPath?: string;
}

export interface FoundationSpec {
  readonly apps: readonly SimAppSpec[];
  /** Apps domain (default `apps.sim.internal`). */
  readonly domain?: string;
  /** gorouter `/routes` credentials (default `router-status` / a generated password). */
  readonly gorouter?: { readonly user: string; readonly pass: string };
  /** Also register every route on this NATS server (a route-emitter stand-in). */
  readonly nats?: NatsRegistrarOptions;
}

export interface SimInstance {
  readonly index: number;
  /** `process_instance_id`. */
  readonly guid: string;
  readonly address: string;
  readonly behaviour: InstanceBehaviour;
  readonly server: InstanceServer;
}

export interface SimApp {
  readonly org: string;
  readonly space: string;
  readonly name: string;
  readonly guid: string;
  readonly orgGuid: string;
  readonly spaceGuid: string;
  readonly routes: readonly string[];
  readonly spec: SimAppSpec;
  readonly instances: readonly SimInstance[];
  /** The CF metric tags of one instance, as route-emitter sends them. */
  tagsOf(instance: SimInstance): Readonly<Record<string, string>>;
}

export interface Foundation {
  readonly apps: readonly SimApp[];
  readonly gorouter: GorouterStandIn;
  readonly nats: NatsRegistrar | undefined;
  /** The `/routes` JSON the gorouter stand-in serves. */
  routesJson(): GorouterRoutesJson;
  /** The `router.register` messages (one per route and instance). */
  registryMessages(): readonly RegistryMessage[];
  app(org: string, space: string, name: string): SimApp;
  stop(): Promise<void>;
}

export const DEFAULT_SIM_DOMAIN = 'apps.sim.internal';

/** Starts every instance, the gorouter stand-in and (optionally) the NATS registrar, all on 127.0.0.1. */
export async function startFoundation(spec: FoundationSpec): Promise<Foundation> {
  const domain = spec.domain ?? DEFAULT_SIM_DOMAIN;
  const apps: SimApp[] = [];
  const stoppers: (() => Promise<void>)[] = [];
  const stopAll = async (): Promise<void> => {
    const all = stoppers.splice(0).reverse();
    await Promise.allSettled(all.map((stop) => stop()));
  };
  try {
    for (const appSpec of spec.apps) {
      const guid = simGuid(`app:${appSpec.org}/${appSpec.space}/${appSpec.name}`);
      const instanceSpecs: readonly SimInstanceSpec[] =
        typeof appSpec.instances === 'number'
          ? Array.from({ length: appSpec.instances }, () => ({}))
          : appSpec.instances;
      const instances = await Promise.all(
        instanceSpecs.map(async (instanceSpec, index): Promise<SimInstance> => {
          const behaviour = instanceSpec.behaviour ?? 'ok';
          const server = await startInstanceServer({
            appName: appSpec.name,
            instanceIndex: index,
            behaviour,
            ...(instanceSpec.slowMs === undefined ? {} : { slowMs: instanceSpec.slowMs }),
            ...(appSpec.openMetrics === undefined ? {} : { openMetrics: appSpec.openMetrics }),
            ...(appSpec.gzip === undefined ? {} : { gzip: appSpec.gzip }),
            ...(appSpec.basicAuth === undefined ? {} : { basicAuth: appSpec.basicAuth }),
            ...(appSpec.extraSeries === undefined ? {} : { extraSeries: appSpec.extraSeries }),
            ...(appSpec.metricsPath === undefined ? {} : { metricsPath: appSpec.metricsPath }),
          });
          stoppers.push(() => server.stop());
          return {
            index,
            guid: simGuid(`instance:${guid}/${index}`),
            address: server.address,
            behaviour,
            server,
          };
        }),
      );
      const orgGuid = simGuid(`org:${appSpec.org}`);
      const spaceGuid = simGuid(`space:${appSpec.org}/${appSpec.space}`);
      apps.push({
        org: appSpec.org,
        space: appSpec.space,
        name: appSpec.name,
        guid,
        orgGuid,
        spaceGuid,
        routes: appSpec.routes ?? [`${appSpec.name}.${domain}`],
        spec: appSpec,
        instances,
        tagsOf: (instance) => ({
          app_id: guid,
          app_name: appSpec.name,
          component: 'route-emitter',
          instance_id: String(instance.index),
          organization_id: orgGuid,
          organization_name: appSpec.org,
          process_id: guid,
          process_instance_id: instance.guid,
          process_type: 'web',
          source_id: guid,
          space_id: spaceGuid,
          space_name: appSpec.space,
        }),
      });
    }

    const routesJson = (): GorouterRoutesJson => {
      const table: Record<string, GorouterEndpointJson[]> = {};
      for (const app of apps) {
        for (const route of app.routes) {
          const key = route.toLowerCase().replace(/\/$/, '');
          const list = (table[key] ??= []);
          for (const instance of app.instances) {
            list.push({
              address: instance.address,
              availability_zone: `z${(instance.index % 3) + 1}`,
              protocol: 'http1',
              tls: false,
              ttl: 120,
              tags: app.tagsOf(instance),
              private_instance_id: instance.guid,
              server_cert_domain_san: instance.guid,
            });
          }
        }
      }
      return table;
    };
    const registryMessages = (): RegistryMessage[] =>
      apps.flatMap((app) =>
        app.routes.flatMap((route) =>
          app.instances.map((instance) => ({
            host: '127.0.0.1',
            port: instance.server.port,
            uris: [route],
            protocol: 'http1' as const,
            app: app.guid,
            private_instance_id: instance.guid,
            private_instance_index: String(instance.index),
            server_cert_domain_san: instance.guid,
            stale_threshold_in_seconds: 120,
            tags: app.tagsOf(instance),
          })),
        ),
      );

    const gorouter = await startGorouterStandIn({
      user: spec.gorouter?.user ?? 'router-status',
      pass: spec.gorouter?.pass ?? simGuid(`gorouter-pass:${Math.random()}`),
      table: routesJson,
    });
    stoppers.push(() => gorouter.stop());
    let nats: NatsRegistrar | undefined;
    if (spec.nats !== undefined) {
      const registrar = await startNatsRegistrar(spec.nats, registryMessages);
      nats = registrar;
      stoppers.push(() => registrar.stop());
    }
    return {
      apps,
      gorouter,
      nats,
      routesJson,
      registryMessages,
      app: (org, space, name) => {
        const found = apps.find((a) => a.org === org && a.space === space && a.name === name);
        if (found === undefined) throw new Error(`no simulated app ${org}/${space}/${name}`);
        return found;
      },
      stop: stopAll,
    };
  } catch (error) {
    await stopAll();
    throw error;
  }
}
