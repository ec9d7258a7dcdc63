import { durationSchema } from '@promfetcher/adapter-gorouter';
import { LABEL_MODES } from '@promfetcher/core';
import { z } from 'zod';
import { InboundAuth } from '../../http/inbound-auth.js';
import {
  DEFAULT_BACKENDS_MAX_CONNS,
  DEFAULT_CONFIG,
  DEFAULT_DRAIN_DELAY_MS,
  DEFAULT_IDLE_CONN_TIMEOUT_MS,
  DEFAULT_MAX_SCRAPE_TIMEOUT_MS,
} from './defaults.js';

/**
 * The server's own config slice: the promfetcher-release keys of the listeners, the instance scraper and the
 * logger (spec §4), plus our keys (`listen_host`, `max_scrape_timeout`, `max_body_size`,
 * `max_concurrent_scrapes`, `accounting_series`, `routes_auth`, `data_dir`, `single_flight`, `inbound_auth`,
 * `cf_labels`). Durations come out in ms.
 */

/** A listener port; 0 picks a free one (the chosen port is in the `promfetcher started` log line). */
const listenPortSchema = z.number().int().min(0).max(65_535);
const pem = (what: string): z.ZodString =>
  z.string().refine((s) => s.includes('-----BEGIN '), { message: `${what} must be PEM text (-----BEGIN …)` });

function bothOrNeither(
  pair: { readonly cert_chain?: string | undefined; readonly private_key?: string | undefined },
  ctx: z.RefinementCtx,
): void {
  if ((pair.cert_chain === undefined) !== (pair.private_key === undefined)) {
    const missing = pair.cert_chain === undefined ? 'cert_chain' : 'private_key';
    ctx.addIssue({
      code: 'custom',
      path: [missing],
      message: 'cert_chain and private_key must be given together',
    });
  }
}

/** `cert_chain` + `private_key`, both or neither. */
const certPairSchema = z
  .strictObject({ cert_chain: pem('cert_chain').optional(), private_key: pem('private_key').optional() })
  .superRefine(bothOrNeither);

/** The client certificate for TLS instances; `max_conns` is accepted (the Go binary ignored it; we use it). */
const backendsSchema = z
  .strictObject({
    cert_chain: pem('backends.cert_chain').optional(),
    private_key: pem('backends.private_key').optional(),
    max_conns: z.number().int().min(1).default(DEFAULT_BACKENDS_MAX_CONNS),
  })
  .superRefine(bothOrNeither);

const SIZE_UNITS: Readonly<Record<string, number>> = {
  '': 1,
  b: 1,
  kb: 1_000,
  mb: 1_000_000,
  gb: 1_000_000_000,
  kib: 1_024,
  mib: 1_048_576,
  gib: 1_073_741_824,
};

/** A byte size: a number of bytes, or a string such as `50MiB`, `10MB`, `512kb`. */
export const byteSizeSchema = z
  .union([z.number().int().min(1), z.string()])
  .transform((value, ctx): number => {
    if (typeof value === 'number') return value;
    const match = /^\s*(\d+(?:\.\d+)?)\s*([a-zA-Z]*)\s*$/.exec(value);
    const factor = match === null ? undefined : SIZE_UNITS[(match[2] ?? '').toLowerCase()];
    if (match === null || factor === undefined || Number(match[1]) * factor < 1) {
      ctx.addIssue({
        code: 'custom',
        message: 'invalid size (value not shown): use bytes or a unit (B, KB, MB, GB, KiB, MiB, GiB)',
      });
      return z.NEVER;
    }
    return Math.floor(Number(match[1]) * factor);
  });

/** Go logrus levels; `panic` is pino's `fatal`. */
export const LOG_LEVELS = ['trace', 'debug', 'info', 'warn', 'warning', 'error', 'fatal', 'panic'] as const;

const externalExporterSchema = z.strictObject({
  /** Default (as in Go): `host` + `metrics_path`. */
  name: z.string().min(1).max(256).optional(),
  host: z.string().regex(/^[^/\s@]+$/, 'must be host or host:port (no scheme, path or userinfo)'),
  scheme: z.enum(['http', 'https']).default('http'),
  metrics_path: z.string().startsWith('/').default('/metrics'),
  params: z.record(z.string(), z.union([z.string(), z.array(z.string())])).default({}),
});

/** A client network of `inbound_auth.networks`, checked by the very parser the server uses (inbound-auth.ts). */
const networkSchema = z.string().superRefine((cidr, ctx) => {
  try {
    new InboundAuth({ networks: [cidr] });
  } catch {
    ctx.addIssue({
      code: 'custom',
      message: 'not an IP network: use a CIDR such as 10.0.0.0/8 or fd00::/8, or one address',
    });
  }
});

/** Our key `inbound_auth` (issue 7): who may call the metrics and discovery routes; absent or empty → anyone. */
const inboundAuthSchema = z.strictObject({
  users: z
    .array(
      z.strictObject({
        /** Basic auth: a user name cannot contain `:`. */
        user: z
          .string()
          .min(1)
          .regex(/^[^:]*$/, 'must not contain ":" (basic auth)'),
        pass: z.string().min(1),
      }),
    )
    .default([]),
  networks: z.array(networkSchema).default([]),
  /** Send the caller's Authorization on to the instances (only matters with `users`). */
  forward_credentials: z.boolean().default(false),
});

export const httpConfigShape = {
  port: listenPortSchema.default(DEFAULT_CONFIG.port),
  health_check_port: listenPortSchema.default(DEFAULT_CONFIG.health_check_port),
  /** Our key: the address both listeners bind (the Go original always bound 0.0.0.0). */
  listen_host: z.string().min(1).default(DEFAULT_CONFIG.listen_host),
  enable_ssl: z.boolean().default(DEFAULT_CONFIG.enable_ssl),
  tls_pem: certPairSchema.optional(),
  ca_certs: pem('ca_certs').optional(),
  skip_ssl_validation: z.boolean().default(DEFAULT_CONFIG.skip_ssl_validation),
  backends: backendsSchema.prefault({}),
  max_idle_conns: z.number().int().min(0).default(DEFAULT_CONFIG.max_idle_conns),
  max_idle_conns_per_host: z.number().int().min(0).default(DEFAULT_CONFIG.max_idle_conns_per_host),
  disable_keep_alives: z.boolean().default(DEFAULT_CONFIG.disable_keep_alives),
  /** Seconds as a number (as promfetcher-release renders it), or a Go duration. */
  idle_conn_timeout: durationSchema.default(DEFAULT_IDLE_CONN_TIMEOUT_MS),
  logging: z
    .strictObject({
      level: z.enum(LOG_LEVELS).default(DEFAULT_CONFIG.logging.level),
      in_json: z.boolean().default(true),
      no_color: z.boolean().default(false),
    })
    .prefault({}),
  external_exporters: z.array(externalExporterSchema).default([]),
  not_exit_when_conn_failed: z.boolean().default(false),
  enable_http2: z.boolean().default(true),
  max_scrape_timeout: durationSchema.default(DEFAULT_MAX_SCRAPE_TIMEOUT_MS),
  max_body_size: byteSizeSchema.default(DEFAULT_CONFIG.max_body_size),
  max_concurrent_scrapes: z.number().int().min(1).default(DEFAULT_CONFIG.max_concurrent_scrapes),
  accounting_series: z.boolean().default(DEFAULT_CONFIG.accounting_series),
  routes_auth: z.strictObject({ user: z.string().min(1), pass: z.string().min(1) }).optional(),
  /** Our key: concurrent identical fan-outs share one set of instance requests. */
  single_flight: z.boolean().default(DEFAULT_CONFIG.single_flight),
  inbound_auth: inboundAuthSchema.optional(),
  /** Our key: `full` (nine CF labels on every sample) or `info` (`app_id`+`index`, plus `cf_app_instance_info`). */
  cf_labels: z.enum(LABEL_MODES as readonly ['full', 'info']).default(DEFAULT_CONFIG.cf_labels),
  /** Our key: where the default SQLite binding store (`promfetcher.db`) is kept when `db_conn` is absent. */
  data_dir: z.string().min(1).default(DEFAULT_CONFIG.data_dir),
  /** Our key: after SIGUSR1 the health check answers 503 at once and the shutdown starts this much later. */
  drain_delay: durationSchema.default(DEFAULT_DRAIN_DELAY_MS),
};
