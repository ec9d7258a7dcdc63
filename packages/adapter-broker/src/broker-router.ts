import { Router } from '@koa/router';
import type { Context, Next } from 'koa';
import { PromfetcherError } from '@promfetcher/core';
import type { BindingStore, JsonObject, Logger, ServiceBinding } from '@promfetcher/core';
import { basicAuthMatches } from './basic-auth.js';
import type { BrokerRouterConfig } from './broker-router-config.js';
import { brokerRouterConfigFrom } from './broker-router-config.js';
import type { BrokerConfig } from './config.js';
import { brokerCatalog } from './catalog.js';
import { validateEndpointPath } from './endpoint-path.js';
import { OsbError } from './osb-error.js';
import { requestJsonObject } from './read-json-body.js';

export interface BrokerRouterDeps {
  readonly store: BindingStore;
  /** Told after each bind and unbind so that this process's scrapes see the change at once. */
  readonly overrides?: { invalidate(): void };
  /** The config slice (validated by `brokerConfigSchema`), or the settings derived from it. */
  readonly config: BrokerConfig | BrokerRouterConfig;
  readonly logger: Logger;
  /** Path prefix of every route (adapter-http mounts the broker under `/broker`). Default: none. */
  readonly prefix?: string;
}

const API_VERSION = /^2\.\d+$/;

/**
 * The Open Service Broker API 2.17 (accepting any 2.x client) as a Koa router: routes `/v2/...`.
 * Synchronous: every operation completes before the answer, `accepts_incomplete` is ignored, and
 * `last_operation` reports `succeeded` for what exists. Every 4xx leaves the store untouched.
 * Choices where the spec is silent (documented in the package README):
 * - bind to an instance unknown to the store is accepted (the Go broker kept no instances, so instances
 *   provisioned before the migration must stay bindable); so is update (200, no effect);
 * - an `endpoint` needs an app: a service key with an endpoint → 422 `RequiresApp`.
 */
export function createBrokerRouter(deps: BrokerRouterDeps): Router {
  const { store, logger } = deps;
  const config = brokerRouterConfigFrom(deps.config);
  const router = new Router(deps.prefix === undefined ? {} : { prefix: deps.prefix });
  router.use(osbGuard(config, logger));

  router.get('/v2/catalog', (ctx) => {
    ctx.body = brokerCatalog(config);
  });

  router.put('/v2/service_instances/:instance_id', async (ctx) => {
    const body = await requestJsonObject(ctx);
    const serviceId = requiredString(body, 'service_id');
    const planId = requiredString(body, 'plan_id');
    const organizationGuid = requiredString(body, 'organization_guid');
    const spaceGuid = requiredString(body, 'space_guid');
    checkIds(config, serviceId, planId);
    const outcome = await store.putInstance({
      instanceId: param(ctx, 'instance_id'),
      serviceId,
      planId,
      organizationGuid,
      spaceGuid,
      parameters: optionalObject(body, 'parameters'),
      context: optionalObject(body, 'context'),
    });
    if (outcome === 'conflict')
      throw new OsbError(409, 'a service instance with this id exists with other attributes');
    ctx.status = outcome === 'created' ? 201 : 200;
    ctx.body = {};
  });

  router.patch('/v2/service_instances/:instance_id', async (ctx) => {
    const body = await requestJsonObject(ctx);
    const serviceId = requiredString(body, 'service_id');
    if (serviceId !== config.serviceId) throw OsbError.badRequest(`unknown service_id "${serviceId}"`);
    const planId = optionalString(body, 'plan_id');
    if (planId !== undefined && planId !== config.planId)
      throw OsbError.badRequest(`unknown plan_id "${planId}"`);
    const parameters = body['parameters'] === undefined ? undefined : optionalObject(body, 'parameters');
    const context = body['context'] === undefined ? undefined : optionalObject(body, 'context');
    const instanceId = param(ctx, 'instance_id');
    const existing = await store.getInstance(instanceId);
    if (existing !== undefined && planId !== undefined && planId !== existing.planId) {
      throw new OsbError(422, 'the plan of a promfetcher instance cannot change (plan_updateable is false)');
    }
    if (existing !== undefined) {
      await store.updateInstance(instanceId, {
        ...(parameters === undefined ? {} : { parameters }),
        ...(context === undefined ? {} : { context }),
      });
    }
    ctx.body = {};
  });

  router.delete('/v2/service_instances/:instance_id', async (ctx) => {
    requiredQuery(ctx, 'service_id');
    requiredQuery(ctx, 'plan_id');
    const gone = await store.deleteInstance(param(ctx, 'instance_id'));
    if (gone) deps.overrides?.invalidate();
    ctx.status = gone ? 200 : 410;
    ctx.body = {};
  });

  router.get('/v2/service_instances/:instance_id', async (ctx) => {
    const instance = await store.getInstance(param(ctx, 'instance_id'));
    if (instance === undefined) throw new OsbError(404, 'no such service instance');
    ctx.body = { service_id: instance.serviceId, plan_id: instance.planId, parameters: instance.parameters };
  });

  router.get('/v2/service_instances/:instance_id/last_operation', async (ctx) => {
    const instance = await store.getInstance(param(ctx, 'instance_id'));
    if (instance === undefined) throw new OsbError(404, 'no such service instance');
    ctx.body = { state: 'succeeded' };
  });

  router.put('/v2/service_instances/:instance_id/service_bindings/:binding_id', async (ctx) => {
    const body = await requestJsonObject(ctx);
    const serviceId = requiredString(body, 'service_id');
    const planId = requiredString(body, 'plan_id');
    checkIds(config, serviceId, planId);
    const instanceId = param(ctx, 'instance_id');
    const parameters = optionalObject(body, 'parameters');
    const endpoint = endpointParameter(parameters);
    const appGuid = appGuidOf(body);
    if (endpoint !== undefined && appGuid === undefined) {
      throw new OsbError(422, 'an endpoint can only be set for a binding to an app', 'RequiresApp');
    }
    const instance = await store.getInstance(instanceId);
    if (instance !== undefined && (instance.serviceId !== serviceId || instance.planId !== planId)) {
      throw OsbError.badRequest('service_id and plan_id differ from those of the service instance');
    }
    const binding: ServiceBinding = {
      bindingId: param(ctx, 'binding_id'),
      instanceId,
      serviceId,
      planId,
      appGuid,
      endpoint,
      parameters,
    };
    const outcome = await store.putBinding(binding);
    if (outcome === 'conflict')
      throw new OsbError(409, 'a service binding with this id exists with other attributes');
    if (outcome === 'created') deps.overrides?.invalidate();
    ctx.status = outcome === 'created' ? 201 : 200;
    ctx.body = { credentials: credentialsOf(binding) };
  });

  router.get('/v2/service_instances/:instance_id/service_bindings/:binding_id', async (ctx) => {
    const binding = await findBinding(store, ctx);
    if (binding === undefined) throw new OsbError(404, 'no such service binding');
    ctx.body = { credentials: credentialsOf(binding), parameters: binding.parameters };
  });

  router.get(
    '/v2/service_instances/:instance_id/service_bindings/:binding_id/last_operation',
    async (ctx) => {
      if ((await findBinding(store, ctx)) === undefined) throw new OsbError(404, 'no such service binding');
      ctx.body = { state: 'succeeded' };
    },
  );

  router.delete('/v2/service_instances/:instance_id/service_bindings/:binding_id', async (ctx) => {
    requiredQuery(ctx, 'service_id');
    requiredQuery(ctx, 'plan_id');
    const binding = await findBinding(store, ctx);
    const gone = binding !== undefined && (await store.deleteBinding(binding.bindingId));
    if (gone) deps.overrides?.invalidate();
    ctx.status = gone ? 200 : 410;
    ctx.body = {};
  });

  return router;
}

/** Request identity echo, basic auth, API version, and the OSB error body for every failure. */
function osbGuard(config: BrokerRouterConfig, logger: Logger): (ctx: Context, next: Next) => Promise<void> {
  return async (ctx, next) => {
    const identity = ctx.get('X-Broker-API-Request-Identity');
    if (identity !== '') ctx.set('X-Broker-API-Request-Identity', identity);
    try {
      if (!basicAuthMatches(ctx.get('Authorization') || undefined, config.user, config.pass)) {
        ctx.set('WWW-Authenticate', 'Basic realm="promfetcher broker", charset="UTF-8"');
        throw new OsbError(401, 'unauthorized');
      }
      const version = ctx.get('X-Broker-API-Version');
      if (!API_VERSION.test(version)) {
        throw new OsbError(
          412,
          `X-Broker-API-Version must be 2.x (got ${version === '' ? 'none' : JSON.stringify(version.slice(0, 20))})`,
        );
      }
      await next();
    } catch (e) {
      if (e instanceof OsbError) {
        logger.debug(
          { method: ctx.method, path: ctx.path, status: e.status, description: e.message },
          'broker request refused',
        );
        ctx.status = e.status;
        ctx.body = e.body();
        return;
      }
      const storeFailed = PromfetcherError.hasCode(e, 'PF_STORE');
      logger.error(
        { err: e, method: ctx.method, path: ctx.path },
        storeFailed ? 'broker: the binding store failed' : 'broker: unexpected error',
      );
      ctx.status = storeFailed ? 503 : 500;
      ctx.body = {
        description: storeFailed ? 'the binding store is unavailable, retry later' : 'internal error',
      };
    }
  };
}

async function findBinding(store: BindingStore, ctx: Context): Promise<ServiceBinding | undefined> {
  const binding = await store.getBinding(param(ctx, 'binding_id'));
  if (binding === undefined) return undefined;
  // A binding imported from the Go promfetcher has no known instance ('') and matches whichever the URL names.
  return binding.instanceId === param(ctx, 'instance_id') || binding.instanceId === '' ? binding : undefined;
}

function credentialsOf(binding: ServiceBinding): Record<string, string> {
  return binding.endpoint === undefined ? {} : { endpoint: binding.endpoint };
}

function checkIds(config: BrokerRouterConfig, serviceId: string, planId: string): void {
  if (serviceId !== config.serviceId) throw OsbError.badRequest(`unknown service_id "${serviceId}"`);
  if (planId !== config.planId) throw OsbError.badRequest(`unknown plan_id "${planId}"`);
}

function param(ctx: Context, name: string): string {
  return (ctx as Context & { params: Record<string, string> }).params[name] as string;
}

function requiredString(body: Record<string, unknown>, key: string): string {
  const value = body[key];
  if (typeof value !== 'string' || value === '')
    throw OsbError.badRequest(`${key} is required (a non-empty string)`);
  return value;
}

function optionalString(body: Record<string, unknown>, key: string): string | undefined {
  const value = body[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string' || value === '')
    throw OsbError.badRequest(`${key} must be a non-empty string`);
  return value;
}

function optionalObject(body: Record<string, unknown>, key: string): JsonObject {
  const value = body[key];
  if (value === undefined || value === null) return {};
  if (typeof value !== 'object' || Array.isArray(value))
    throw OsbError.badRequest(`${key} must be a JSON object`);
  return value as JsonObject;
}

function requiredQuery(ctx: Context, key: string): string {
  const value = ctx.query[key];
  if (typeof value !== 'string' || value === '')
    throw OsbError.badRequest(`query parameter ${key} is required`);
  return value;
}

/** `bind_resource.app_guid`, else the deprecated top-level `app_guid`; undefined for a service key. */
function appGuidOf(body: Record<string, unknown>): string | undefined {
  const resource = body['bind_resource'];
  if (
    resource !== undefined &&
    resource !== null &&
    (typeof resource !== 'object' || Array.isArray(resource))
  ) {
    throw OsbError.badRequest('bind_resource must be a JSON object');
  }
  const fromResource =
    resource == null ? undefined : optionalString(resource as Record<string, unknown>, 'app_guid');
  return fromResource ?? optionalString(body, 'app_guid');
}

/** The `endpoint` parameter: absent or empty → none; otherwise a path (see `validateEndpointPath`). */
function endpointParameter(parameters: JsonObject): string | undefined {
  const value = parameters['endpoint'];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw OsbError.badRequest('parameter endpoint must be a string');
  if (value.trim() === '') return undefined;
  const checked = validateEndpointPath(value);
  if (!checked.ok) throw OsbError.badRequest(checked.error.message);
  return checked.value;
}
