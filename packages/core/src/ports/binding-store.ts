/**
 * Where the service broker keeps its service instances and bindings (STYLE.md §2: a role noun). Adapters:
 * `SqliteBindingStore`, `PostgresBindingStore`, `MysqlBindingStore` (adapter-broker) and core's
 * `InMemoryBindingStore` (testing). Each mutating operation is atomic in the store, so that concurrent OSB
 * requests (several promfetcher processes, or the platform retrying) cannot race between a read and a write.
 */

/** A JSON object as received in an OSB body (`parameters`, `context`). */
export type JsonObject = Readonly<Record<string, unknown>>;

export interface ServiceInstance {
  readonly instanceId: string;
  readonly serviceId: string;
  readonly planId: string;
  readonly organizationGuid: string;
  readonly spaceGuid: string;
  readonly parameters: JsonObject;
  /** The OSB `context` object; stored, but not part of the "identical" comparison (names may change). */
  readonly context: JsonObject;
}

export interface ServiceBinding {
  readonly bindingId: string;
  readonly instanceId: string;
  readonly serviceId: string;
  readonly planId: string;
  /** The bound app; undefined for a service key (a binding without an app). */
  readonly appGuid: string | undefined;
  /** The metrics path set by the binding's `{"endpoint": "/path"}` parameter, if any. */
  readonly endpoint: string | undefined;
  readonly parameters: JsonObject;
}

/** The outcome of an idempotent put, as OSB needs it: 201, 200 (same attributes) or 409. */
export type PutOutcome = 'created' | 'identical' | 'conflict';

export interface BindingStore {
  /** Creates the instance unless one with this id exists; compares attributes when it does. */
  putInstance(instance: ServiceInstance): Promise<PutOutcome>;
  getInstance(instanceId: string): Promise<ServiceInstance | undefined>;
  /**
   * Replaces parameters and/or context of an existing instance. Returns false (and changes nothing) when
   * the instance does not exist.
   */
  updateInstance(
    instanceId: string,
    patch: { readonly parameters?: JsonObject; readonly context?: JsonObject },
  ): Promise<boolean>;
  /** Deletes the instance and every binding of it. Returns false when there was no such instance. */
  deleteInstance(instanceId: string): Promise<boolean>;
  /** Creates the binding unless one with this id exists; compares attributes when it does. */
  putBinding(binding: ServiceBinding): Promise<PutOutcome>;
  getBinding(bindingId: string): Promise<ServiceBinding | undefined>;
  /** Returns false when there was no such binding. */
  deleteBinding(bindingId: string): Promise<boolean>;
  /**
   * The effective endpoint per app: among the bindings of an app that carry an endpoint, the newest
   * (latest created) wins; deleting it falls back to the next newest.
   */
  endpointsByApp(): Promise<ReadonlyMap<string, string>>;
  /** The effective endpoint of one app (same rule as `endpointsByApp`). */
  endpointFor(appGuid: string): Promise<string | undefined>;
  /** Releases connections; idempotent. */
  close(): Promise<void>;
}

/** JSON with object keys sorted, so that two equal objects always give the same text. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortKeys(value));
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (typeof value === 'object' && value !== null) {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value).sort()) out[key] = sortKeys((value as Record<string, unknown>)[key]);
    return out;
  }
  return value;
}

/** The OSB "identical attributes" rule for provision: every field but `context`. */
export function sameInstance(a: ServiceInstance, b: ServiceInstance): boolean {
  return (
    a.instanceId === b.instanceId &&
    a.serviceId === b.serviceId &&
    a.planId === b.planId &&
    a.organizationGuid === b.organizationGuid &&
    a.spaceGuid === b.spaceGuid &&
    canonicalJson(a.parameters) === canonicalJson(b.parameters)
  );
}

/** The OSB "identical attributes" rule for bind: every field. */
export function sameBinding(a: ServiceBinding, b: ServiceBinding): boolean {
  return (
    a.bindingId === b.bindingId &&
    a.instanceId === b.instanceId &&
    a.serviceId === b.serviceId &&
    a.planId === b.planId &&
    a.appGuid === b.appGuid &&
    a.endpoint === b.endpoint &&
    canonicalJson(a.parameters) === canonicalJson(b.parameters)
  );
}
