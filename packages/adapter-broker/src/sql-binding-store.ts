import { canonicalJson, sameBinding, sameInstance } from '@promfetcher/core';
import type {
  BindingStore,
  JsonObject,
  PutOutcome,
  ServiceBinding,
  ServiceInstance,
} from '@promfetcher/core';
import type { BindingTables, SqlDriver } from './sql-driver.js';
import { LEGACY_GO_TABLE, checkTableName } from './sql-driver.js';
import { storeError } from './store-error.js';

/** How often a put retries when the row it collided with vanished before it could be read. */
const PUT_ATTEMPTS = 5;

interface InstanceRow {
  instance_id: string;
  service_id: string;
  plan_id: string;
  organization_guid: string;
  space_guid: string;
  parameters: string;
  context: string;
}

interface BindingRow {
  binding_id: string;
  instance_id: string;
  service_id: string;
  plan_id: string;
  app_guid: string | null;
  endpoint: string | null;
  parameters: string;
}

/**
 * The binding store on any SQL database behind a `SqlDriver`. Every OSB operation is one atomic statement
 * (or one transaction): creation is an insert that a unique key guards, so two processes binding at once
 * cannot both create, and "identical or conflict" is decided on the row that won. The newest binding of an
 * app is the one with the highest `seq` (an auto-increment column).
 */
export class SqlBindingStore implements BindingStore {
  private closed = false;

  constructor(
    private readonly driver: SqlDriver,
    private readonly t: BindingTables,
  ) {}

  async putInstance(instance: ServiceInstance): Promise<PutOutcome> {
    return this.guard('put instance', async () => {
      for (let attempt = 0; attempt < PUT_ATTEMPTS; attempt++) {
        const inserted = await this.driver.insertIfAbsent(
          `INSERT INTO ${this.t.instances} (instance_id, service_id, plan_id, organization_guid, space_guid, parameters, context) VALUES (?, ?, ?, ?, ?, ?, ?)`,
          [
            instance.instanceId,
            instance.serviceId,
            instance.planId,
            instance.organizationGuid,
            instance.spaceGuid,
            canonicalJson(instance.parameters),
            canonicalJson(instance.context),
          ],
        );
        if (inserted) return 'created';
        const existing = await this.getInstance(instance.instanceId);
        if (existing !== undefined) return sameInstance(existing, instance) ? 'identical' : 'conflict';
      }
      throw new Error(`instance "${instance.instanceId}" kept appearing and vanishing`);
    });
  }

  async getInstance(instanceId: string): Promise<ServiceInstance | undefined> {
    return this.guard('get instance', async () => {
      const rows = await this.driver.query<InstanceRow>(
        `SELECT instance_id, service_id, plan_id, organization_guid, space_guid, parameters, context FROM ${this.t.instances} WHERE instance_id = ?`,
        [instanceId],
      );
      const row = rows[0];
      if (row === undefined) return undefined;
      return {
        instanceId: row.instance_id,
        serviceId: row.service_id,
        planId: row.plan_id,
        organizationGuid: row.organization_guid,
        spaceGuid: row.space_guid,
        parameters: parseObject(row.parameters),
        context: parseObject(row.context),
      };
    });
  }

  async updateInstance(
    instanceId: string,
    patch: { readonly parameters?: JsonObject; readonly context?: JsonObject },
  ): Promise<boolean> {
    return this.guard('update instance', async () => {
      const sets: string[] = [];
      const params: string[] = [];
      if (patch.parameters !== undefined) {
        sets.push('parameters = ?');
        params.push(canonicalJson(patch.parameters));
      }
      if (patch.context !== undefined) {
        sets.push('context = ?');
        params.push(canonicalJson(patch.context));
      }
      if (sets.length === 0) return (await this.getInstance(instanceId)) !== undefined;
      const n = await this.driver.execute(
        `UPDATE ${this.t.instances} SET ${sets.join(', ')} WHERE instance_id = ?`,
        [...params, instanceId],
      );
      return n > 0;
    });
  }

  async deleteInstance(instanceId: string): Promise<boolean> {
    return this.guard('delete instance', async () => {
      const [, deleted] = await this.driver.batch([
        {
          sql: `DELETE FROM ${this.t.bindings} WHERE instance_id = ? AND EXISTS (SELECT 1 FROM ${this.t.instances} WHERE instance_id = ?)`,
          params: [instanceId, instanceId],
        },
        { sql: `DELETE FROM ${this.t.instances} WHERE instance_id = ?`, params: [instanceId] },
      ]);
      return (deleted ?? 0) > 0;
    });
  }

  async putBinding(binding: ServiceBinding): Promise<PutOutcome> {
    return this.guard('put binding', async () => {
      for (let attempt = 0; attempt < PUT_ATTEMPTS; attempt++) {
        const inserted = await this.driver.insertIfAbsent(
          `INSERT INTO ${this.t.bindings} (binding_id, instance_id, service_id, plan_id, app_guid, endpoint, parameters) VALUES (?, ?, ?, ?, ?, ?, ?)`,
          [
            binding.bindingId,
            binding.instanceId,
            binding.serviceId,
            binding.planId,
            binding.appGuid ?? null,
            binding.endpoint ?? null,
            canonicalJson(binding.parameters),
          ],
        );
        if (inserted) return 'created';
        const existing = await this.getBinding(binding.bindingId);
        if (existing !== undefined) return sameBinding(existing, binding) ? 'identical' : 'conflict';
      }
      throw new Error(`binding "${binding.bindingId}" kept appearing and vanishing`);
    });
  }

  async getBinding(bindingId: string): Promise<ServiceBinding | undefined> {
    return this.guard('get binding', async () => {
      const rows = await this.driver.query<BindingRow>(
        `SELECT binding_id, instance_id, service_id, plan_id, app_guid, endpoint, parameters FROM ${this.t.bindings} WHERE binding_id = ?`,
        [bindingId],
      );
      const row = rows[0];
      if (row === undefined) return undefined;
      return {
        bindingId: row.binding_id,
        instanceId: row.instance_id,
        serviceId: row.service_id,
        planId: row.plan_id,
        appGuid: row.app_guid ?? undefined,
        endpoint: row.endpoint ?? undefined,
        parameters: parseObject(row.parameters),
      };
    });
  }

  async deleteBinding(bindingId: string): Promise<boolean> {
    return this.guard('delete binding', async () => {
      return (
        (await this.driver.execute(`DELETE FROM ${this.t.bindings} WHERE binding_id = ?`, [bindingId])) > 0
      );
    });
  }

  async endpointsByApp(): Promise<ReadonlyMap<string, string>> {
    return this.guard('list endpoints', async () => {
      const rows = await this.driver.query<{ app_guid: string; endpoint: string }>(
        `SELECT app_guid, endpoint FROM ${this.t.bindings} WHERE app_guid IS NOT NULL AND endpoint IS NOT NULL ORDER BY seq`,
        [],
      );
      const out = new Map<string, string>();
      for (const row of rows) out.set(row.app_guid, row.endpoint);
      return out;
    });
  }

  async endpointFor(appGuid: string): Promise<string | undefined> {
    return this.guard('get endpoint', async () => {
      const rows = await this.driver.query<{ endpoint: string }>(
        `SELECT endpoint FROM ${this.t.bindings} WHERE app_guid = ? AND endpoint IS NOT NULL ORDER BY seq DESC LIMIT 1`,
        [appGuid],
      );
      return rows[0]?.endpoint;
    });
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.guard('close', () => this.driver.close(), true);
  }

  private async guard<T>(operation: string, fn: () => Promise<T>, closing = false): Promise<T> {
    if (this.closed && !closing) throw storeError(this.driver.label, operation, new Error('store is closed'));
    try {
      return await fn();
    } catch (cause) {
      throw storeError(this.driver.label, operation, cause, this.driver.secret);
    }
  }
}

export type SqlDialect = 'sqlite' | 'postgres' | 'mysql';

/**
 * Creates or migrates the schema. Version 1: the tables. Version 2: a one-time import of the Go
 * promfetcher's `app_endpoints` rows (when that table exists), so that replacing the Go binary loses no
 * binding: each row becomes a binding with its `guid` as binding id, an unknown instance (`''`), no
 * service/plan ids, `{}` parameters; an empty app GUID or endpoint becomes none. `legacyTable: false` skips it.
 */
export async function migrateBindingSchema(
  driver: SqlDriver,
  dialect: SqlDialect,
  t: BindingTables,
  legacyTable: string | false = LEGACY_GO_TABLE,
): Promise<void> {
  const legacy = legacyTable !== false && (await driver.tableExists(checkTableName(legacyTable)));
  await driver.migrate(t.migrations, [
    { version: 1, statements: schemaV1(dialect, t) },
    { version: 2, statements: legacy ? [legacyImport(dialect, t, legacyTable)] : [] },
  ]);
}

function legacyImport(dialect: SqlDialect, t: BindingTables, legacyTable: string): string {
  const columns = '(binding_id, instance_id, service_id, plan_id, app_guid, endpoint, parameters)';
  const select = `SELECT guid, '', '', '', NULLIF(app_guid, ''), NULLIF(endpoint, ''), '{}' FROM ${legacyTable} WHERE guid IS NOT NULL AND guid <> ''`;
  // SQLite needs a WHERE before ON CONFLICT in INSERT … SELECT (it has one); MySQL has no ON CONFLICT.
  return dialect === 'mysql'
    ? `INSERT IGNORE INTO ${t.bindings} ${columns} ${select}`
    : `INSERT INTO ${t.bindings} ${columns} ${select} ON CONFLICT DO NOTHING`;
}

/** The version-1 schema in each dialect. */
export function schemaV1(dialect: SqlDialect, t: BindingTables): string[] {
  const id = dialect === 'mysql' ? 'VARCHAR(255)' : 'TEXT';
  const text = dialect === 'mysql' ? 'MEDIUMTEXT' : 'TEXT';
  const seq = {
    sqlite: 'seq INTEGER PRIMARY KEY AUTOINCREMENT',
    postgres: 'seq BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY',
    mysql: 'seq BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY',
  }[dialect];
  // Binary collation: OSB ids and app GUIDs compare case-sensitively, as everywhere else.
  const tableOptions =
    dialect === 'mysql' ? ' ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin' : '';
  return [
    `CREATE TABLE IF NOT EXISTS ${t.instances} (
      instance_id ${id} NOT NULL PRIMARY KEY,
      service_id ${id} NOT NULL,
      plan_id ${id} NOT NULL,
      organization_guid ${id} NOT NULL,
      space_guid ${id} NOT NULL,
      parameters ${text} NOT NULL,
      context ${text} NOT NULL
    )${tableOptions}`,
    `CREATE TABLE IF NOT EXISTS ${t.bindings} (
      ${seq},
      binding_id ${id} NOT NULL UNIQUE,
      instance_id ${id} NOT NULL,
      service_id ${id} NOT NULL,
      plan_id ${id} NOT NULL,
      app_guid ${id} NULL,
      endpoint ${text} NULL,
      parameters ${text} NOT NULL
    )${tableOptions}`,
    `CREATE INDEX ${dialect === 'mysql' ? '' : 'IF NOT EXISTS '}${t.bindings}_app ON ${t.bindings} (app_guid, seq)`,
    `CREATE INDEX ${dialect === 'mysql' ? '' : 'IF NOT EXISTS '}${t.bindings}_instance ON ${t.bindings} (instance_id)`,
  ];
}

function parseObject(text: string): JsonObject {
  const value: unknown = JSON.parse(text);
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as JsonObject) : {};
}
