import { ConfigError } from '@promfetcher/core';
import { nearest } from './config-issues.js';

/** The environment variable naming the config file (read by the CLI, not an override). */
export const CONFIG_FILE_ENV = 'PROMFETCHER_CONFIG';
export const ENV_PREFIX = 'PROMFETCHER_';

type Kind = 'string' | 'integer' | 'boolean' | 'duration' | 'hosts' | 'list' | 'users';

/** Every override: `PROMFETCHER_<KEY>` → the config path it sets. */
export const ENV_OVERRIDES: Readonly<
  Record<string, { readonly path: readonly string[]; readonly kind: Kind }>
> = {
  PROMFETCHER_PORT: { path: ['port'], kind: 'integer' },
  PROMFETCHER_HEALTH_CHECK_PORT: { path: ['health_check_port'], kind: 'integer' },
  PROMFETCHER_LISTEN_HOST: { path: ['listen_host'], kind: 'string' },
  PROMFETCHER_BASE_URL: { path: ['base_url'], kind: 'string' },
  PROMFETCHER_ENABLE_SSL: { path: ['enable_ssl'], kind: 'boolean' },
  PROMFETCHER_SKIP_SSL_VALIDATION: { path: ['skip_ssl_validation'], kind: 'boolean' },
  PROMFETCHER_LOG_LEVEL: { path: ['logging', 'level'], kind: 'string' },
  PROMFETCHER_BROKER_ENABLE: { path: ['broker', 'enable'], kind: 'boolean' },
  PROMFETCHER_BROKER_USER: { path: ['broker', 'user'], kind: 'string' },
  PROMFETCHER_BROKER_PASS: { path: ['broker', 'pass'], kind: 'string' },
  PROMFETCHER_DB_CONN: { path: ['db_conn'], kind: 'string' },
  PROMFETCHER_DATA_DIR: { path: ['data_dir'], kind: 'string' },
  PROMFETCHER_DRAIN_DELAY: { path: ['drain_delay'], kind: 'duration' },
  PROMFETCHER_NATS_HOSTS: { path: ['nats', 'hosts'], kind: 'hosts' },
  PROMFETCHER_NATS_USER: { path: ['nats', 'user'], kind: 'string' },
  PROMFETCHER_NATS_PASS: { path: ['nats', 'pass'], kind: 'string' },
  PROMFETCHER_MAX_SCRAPE_TIMEOUT: { path: ['max_scrape_timeout'], kind: 'duration' },
  PROMFETCHER_MAX_BODY_SIZE: { path: ['max_body_size'], kind: 'string' },
  PROMFETCHER_MAX_CONCURRENT_SCRAPES: { path: ['max_concurrent_scrapes'], kind: 'integer' },
  PROMFETCHER_ACCOUNTING_SERIES: { path: ['accounting_series'], kind: 'boolean' },
  PROMFETCHER_ROUTES_AUTH_USER: { path: ['routes_auth', 'user'], kind: 'string' },
  PROMFETCHER_ROUTES_AUTH_PASS: { path: ['routes_auth', 'pass'], kind: 'string' },
  PROMFETCHER_SINGLE_FLIGHT: { path: ['single_flight'], kind: 'boolean' },
  PROMFETCHER_CF_LABELS: { path: ['cf_labels'], kind: 'string' },
  PROMFETCHER_INBOUND_AUTH_USERS: { path: ['inbound_auth', 'users'], kind: 'users' },
  PROMFETCHER_INBOUND_AUTH_NETWORKS: { path: ['inbound_auth', 'networks'], kind: 'list' },
  PROMFETCHER_INBOUND_AUTH_FORWARD_CREDENTIALS: {
    path: ['inbound_auth', 'forward_credentials'],
    kind: 'boolean',
  },
};

type Converted =
  { readonly ok: true; readonly value: unknown } | { readonly ok: false; readonly message: string };

function convert(kind: Kind, text: string): Converted {
  switch (kind) {
    case 'string':
      return { ok: true, value: text };
    case 'duration':
      return { ok: true, value: /^\d+(\.\d+)?$/.test(text) ? Number(text) : text };
    case 'integer':
      return /^\d+$/.test(text.trim())
        ? { ok: true, value: Number(text.trim()) }
        : { ok: false, message: 'must be a whole number' };
    case 'boolean': {
      const lower = text.trim().toLowerCase();
      if (lower === 'true' || lower === '1') return { ok: true, value: true };
      if (lower === 'false' || lower === '0') return { ok: true, value: false };
      return { ok: false, message: 'must be true or false' };
    }
    case 'hosts': {
      const hosts: { hostname: string; port: number }[] = [];
      for (const item of text.split(',').map((s) => s.trim())) {
        const match = /^(\[[^\]]+\]|[^:\s]+):(\d{1,5})$/.exec(item);
        if (match === null) return { ok: false, message: 'must be host:port[,host:port…]' };
        hosts.push({ hostname: (match[1] ?? '').replace(/^\[|\]$/g, ''), port: Number(match[2]) });
      }
      return { ok: true, value: hosts };
    }
    case 'list':
      return {
        ok: true,
        value: text
          .split(',')
          .map((s) => s.trim())
          .filter((s) => s !== ''),
      };
    case 'users': {
      // `user:pass[,user:pass…]`, split at the first `:` (a basic-auth user has none), items trimmed; a
      // password with a comma or surrounding spaces must be set in the file. The message never contains the value.
      const users: { user: string; pass: string }[] = [];
      for (const item of text.split(',').map((s) => s.trim())) {
        const colon = item.indexOf(':');
        if (colon <= 0 || colon === item.length - 1) {
          return { ok: false, message: 'must be user:pass[,user:pass…] (non-empty user and password)' };
        }
        users.push({ user: item.slice(0, colon), pass: item.slice(colon + 1) });
      }
      return { ok: true, value: users };
    }
  }
}

/**
 * Applies `PROMFETCHER_*` variables over the parsed YAML (a new object; the input is not changed). An unknown
 * `PROMFETCHER_*` variable is an error naming the nearest known one. Values are never echoed.
 */
export function applyEnvOverrides(
  input: Readonly<Record<string, unknown>>,
  env: Readonly<Record<string, string | undefined>>,
): { readonly value: Record<string, unknown>; readonly errors: readonly ConfigError[] } {
  const value = structuredClone(input) as Record<string, unknown>;
  const errors: ConfigError[] = [];
  for (const [name, text] of Object.entries(env).sort(([a], [b]) => a.localeCompare(b))) {
    if (!name.startsWith(ENV_PREFIX) || name === CONFIG_FILE_ENV || text === undefined) continue;
    const override = ENV_OVERRIDES[name];
    if (override === undefined) {
      const near = nearest(name, Object.keys(ENV_OVERRIDES));
      errors.push(
        new ConfigError(
          name,
          `unknown environment variable${near === undefined ? '' : ` (did you mean ${near}?)`}`,
        ),
      );
      continue;
    }
    const converted = convert(override.kind, text);
    if (!converted.ok) {
      errors.push(new ConfigError(name, converted.message));
      continue;
    }
    setPath(value, override.path, converted.value);
  }
  return { value, errors };
}

function setPath(target: Record<string, unknown>, path: readonly string[], leaf: unknown): void {
  let node = target;
  for (const key of path.slice(0, -1)) {
    const next = node[key];
    if (typeof next !== 'object' || next === null || Array.isArray(next)) node[key] = {};
    node = node[key] as Record<string, unknown>;
  }
  node[path[path.length - 1] ?? ''] = leaf;
}
