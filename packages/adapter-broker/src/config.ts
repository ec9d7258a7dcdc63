import { z } from 'zod';
import { parseGoDuration } from './go-duration.js';
import type { PoolOptions } from './pool-options.js';

/**
 * The broker's config slice (cloudfoundry-protocols §4): the `broker:` block, the binding store's `db_conn`
 * and pool keys, and `base_url` (for the catalog's documentation URL). Keys are promfetcher-release's;
 * durations come out in milliseconds. No secret has a default: `broker.user` and `broker.pass` are required
 * while the broker is enabled.
 */

// --- defaults (one place, unit in the name) ---
/** promfetcher-release's (BOSH) default ids; the Go code's own defaults differ and are not used. */
export const DEFAULT_BROKER_SERVICE_ID = 'e44a55b7-b532-4247-89f3-4ea92054b793';
export const DEFAULT_BROKER_PLAN_ID = '3294e4fa-42b3-4505-b289-8fb3695b5b3a';
export const DEFAULT_SQL_CNX_MAX_OPEN = 10;
export const DEFAULT_SQL_CNX_MAX_IDLE = 5;
export const DEFAULT_SQL_CNX_MAX_LIFE_MS = 3_600_000;
/** Staleness bound of the endpoint cache used by the scraping path (`broker.endpoint_cache_ttl`). */
export const DEFAULT_ENDPOINT_CACHE_TTL_MS = 5_000;

const durationSchema = z.union([z.number(), z.string()]).transform((value, ctx): number => {
  const ms = parseGoDuration(value);
  if (ms === undefined) {
    ctx.addIssue({
      code: 'custom',
      message:
        'invalid duration (value not shown): use a Go duration such as "1h", "30m", "90s", or a number of seconds',
    });
    return z.NEVER;
  }
  return ms;
});

/** A count: a number, or a string of digits as the BOSH template renders `"10"`. */
const countSchema = z.union([
  z.number().int().min(0),
  z
    .string()
    .regex(/^\d+$/, 'must be a whole number')
    .transform((s) => Number(s)),
]);

const idSchema = z.string().min(1).max(255);

export const brokerBlockSchema = z
  .strictObject({
    user: z.string().optional(),
    pass: z.string().optional(),
    broker_service_id: idSchema.default(DEFAULT_BROKER_SERVICE_ID),
    broker_plan_id: idSchema.default(DEFAULT_BROKER_PLAN_ID),
    enable: z.boolean().default(true),
    endpoint_cache_ttl: durationSchema.default(DEFAULT_ENDPOINT_CACHE_TTL_MS),
  })
  .superRefine((block, ctx) => {
    if (!block.enable) return;
    for (const key of ['user', 'pass'] as const) {
      if (block[key] === undefined || block[key] === '') {
        ctx.addIssue({
          code: 'custom',
          path: [key],
          message: `broker.${key} is required while the broker is enabled (or set broker.enable: false)`,
        });
      }
    }
    if (block.broker_service_id === block.broker_plan_id) {
      ctx.addIssue({
        code: 'custom',
        path: ['broker_plan_id'],
        message: 'broker.broker_plan_id must differ from broker.broker_service_id',
      });
    }
  });

export const brokerConfigShape = {
  broker: brokerBlockSchema.prefault({}),
  /** Absent: the SQLite file `promfetcher.db` in the data directory. */
  db_conn: z.string().min(1).optional(),
  sql_cnx_max_open: countSchema.default(DEFAULT_SQL_CNX_MAX_OPEN),
  sql_cnx_max_idle: countSchema.default(DEFAULT_SQL_CNX_MAX_IDLE),
  /** Out in milliseconds. */
  sql_cnx_max_life: durationSchema.default(DEFAULT_SQL_CNX_MAX_LIFE_MS),
  /** Public URL of promfetcher; a trailing `/` is trimmed. */
  base_url: z
    .string()
    .default('')
    .transform((s) => s.replace(/\/+$/, '')),
};
export const brokerConfigSchema = z.strictObject(brokerConfigShape);
export type BrokerConfig = z.output<typeof brokerConfigSchema>;
export type BrokerBlockConfig = z.output<typeof brokerBlockSchema>;

// --- derived options ---

export function poolOptionsFrom(config: BrokerConfig): PoolOptions {
  const maxOpen = Math.max(1, config.sql_cnx_max_open);
  return { maxOpen, maxIdle: Math.min(config.sql_cnx_max_idle, maxOpen), maxLifeMs: config.sql_cnx_max_life };
}
