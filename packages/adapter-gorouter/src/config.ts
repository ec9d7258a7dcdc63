import { parseDuration } from '@promfetcher/core';
import { z } from 'zod';

/**
 * The config slices of the two route sources (spec §4, §3.11). Keys are the promfetcher-release YAML keys;
 * durations are parsed once here and come out as milliseconds (STYLE.md §6: derive once at load).
 *
 * Duration difference from the Go original: a bare number (`30`, or the string `"30"`) means **seconds**.
 * The Go original read a bare YAML integer as nanoseconds, so `droplet_stale_threshold: 120` meant 120 ns;
 * nobody means that. Go-style strings (`20s`, `1m30s`, `500ms`, `1.5h`) read as in Go.
 */

// --- defaults (one place, unit in the name) ---
export const DEFAULT_GOROUTER_POLL_INTERVAL_MS = 30_000;
export const DEFAULT_GOROUTER_REQUEST_TIMEOUT_MS = 10_000;
/** The staleness bound defaults to this many poll intervals. */
export const DEFAULT_GOROUTER_STALENESS_INTERVALS = 3;
export const DEFAULT_DROPLET_STALE_THRESHOLD_MS = 120_000;
export const DEFAULT_START_RESPONSE_DELAY_INTERVAL_MS = 20_000;
export const DEFAULT_NATS_CLIENT_PING_INTERVAL_MS = 20_000;
export const DEFAULT_PRUNE_INTERVAL_MS = 30_000;
export const DEFAULT_INDEX = 0;
export const DEFAULT_NATS_PORT = 4222;

export { parseDuration };

/**
 * A duration key: Go string or number of seconds, out as milliseconds. Note zod 4's `.default(x)` returns `x`
 * as the *output*, so defaults below are given in milliseconds.
 */
export const durationSchema = z.union([z.number(), z.string()]).transform((value, ctx): number => {
  const ms = parseDuration(value);
  if (ms === undefined) {
    ctx.addIssue({
      code: 'custom',
      message:
        'invalid duration (value not shown): use a Go duration such as "20s", "1m30s", "500ms", or a number of seconds',
    });
    return z.NEVER;
  }
  return ms;
});

const portSchema = z.number().int().min(1).max(65_535);
const nonEmpty = z.string().min(1);

// --- gorouter poller slice ---

export const gorouterTlsSchema = z.strictObject({
  /** PEM bundle trusted for the gorouter's certificate (added to nothing: it replaces the system roots). */
  ca: nonEmpty.optional(),
  skip_verify: z.boolean().default(false),
});

export const gorouterSchema = z.strictObject({
  host: nonEmpty,
  port: portSchema,
  user: z.string().default(''),
  pass: z.string().default(''),
  /** Present → `https`; absent → plain `http` (gorouter's status listener is plain HTTP by default). */
  tls: gorouterTlsSchema.optional(),
});

/** Top-level keys of the gorouter poller. An empty `gorouters` list means the poller is not configured. */
export const gorouterConfigShape = {
  gorouters: z.array(gorouterSchema).default([]),
  gorouter_poll_interval: durationSchema.default(DEFAULT_GOROUTER_POLL_INTERVAL_MS),
  gorouter_request_timeout: durationSchema.default(DEFAULT_GOROUTER_REQUEST_TIMEOUT_MS),
  /** Default: `DEFAULT_GOROUTER_STALENESS_INTERVALS` × `gorouter_poll_interval` (see `gorouterPollerOptionsFrom`). */
  gorouter_staleness_bound: durationSchema.optional(),
};
export const gorouterConfigSchema = z.strictObject(gorouterConfigShape);
export type GorouterConfig = z.output<typeof gorouterConfigSchema>;
export type GorouterEntryConfig = z.output<typeof gorouterSchema>;

// --- NATS subscriber slice ---

export const natsHostSchema = z.strictObject({
  hostname: nonEmpty,
  port: portSchema.default(DEFAULT_NATS_PORT),
});

export const natsBlockSchema = z
  .strictObject({
    hosts: z.array(natsHostSchema).min(1),
    user: z.string().optional(),
    pass: z.string().optional(),
    tls_enabled: z.boolean().default(false),
    /** PEM bundle trusted for the NATS servers' certificates; system roots when absent. */
    ca_certs: nonEmpty.optional(),
    /** Client certificate: optional even with TLS (the Go original wrongly required it, spec §5.22). */
    cert_chain: nonEmpty.optional(),
    private_key: nonEmpty.optional(),
  })
  .superRefine((block, ctx) => {
    if ((block.cert_chain === undefined) !== (block.private_key === undefined)) {
      const missing = block.cert_chain === undefined ? 'cert_chain' : 'private_key';
      ctx.addIssue({
        code: 'custom',
        path: [missing],
        message: 'nats.cert_chain and nats.private_key must be given together (or neither)',
      });
    }
    if (!block.tls_enabled) {
      for (const key of ['ca_certs', 'cert_chain', 'private_key'] as const) {
        if (block[key] !== undefined) {
          ctx.addIssue({
            code: 'custom',
            path: [key],
            message: `nats.${key} is set but nats.tls_enabled is false: set tls_enabled: true or remove ${key}`,
          });
        }
      }
    }
  });

/** Top-level keys of the NATS subscriber. An absent `nats` block means the subscriber is not configured. */
export const natsConfigShape = {
  nats: natsBlockSchema.optional(),
  droplet_stale_threshold: durationSchema.default(DEFAULT_DROPLET_STALE_THRESHOLD_MS),
  start_response_delay_interval: durationSchema.default(DEFAULT_START_RESPONSE_DELAY_INTERVAL_MS),
  nats_client_ping_interval: durationSchema.default(DEFAULT_NATS_CLIENT_PING_INTERVAL_MS),
  prune_interval: durationSchema.default(DEFAULT_PRUNE_INTERVAL_MS),
  index: z.number().int().min(0).default(DEFAULT_INDEX),
};
export const natsConfigSchema = z.strictObject(natsConfigShape);
export type NatsConfig = z.output<typeof natsConfigSchema>;
export type NatsBlockConfig = z.output<typeof natsBlockSchema>;
