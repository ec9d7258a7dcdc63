/**
 * Defaults of the server's own keys (STYLE.md §6: one place, the unit in the name, no secrets). The route
 * source and broker slices keep their defaults in their adapters (`@promfetcher/adapter-gorouter`,
 * `@promfetcher/adapter-broker`).
 */
import {
  DEFAULT_MAX_BODY_SIZE_BYTES,
  DEFAULT_MAX_CONCURRENT_SCRAPES,
  DEFAULT_MAX_SCRAPE_TIMEOUT_MS,
  DEFAULT_SHUTDOWN_HARD_DEADLINE_MS,
} from '../../defaults.js';

export const DEFAULT_PORT = 8085;
export const DEFAULT_HEALTH_CHECK_PORT = 8080;
export const DEFAULT_LISTEN_HOST = '0.0.0.0';
export const DEFAULT_MAX_IDLE_CONNS = 100;
export const DEFAULT_MAX_IDLE_CONNS_PER_HOST = 100;
export const DEFAULT_BACKENDS_MAX_CONNS = 500;
export const DEFAULT_IDLE_CONN_TIMEOUT_MS = 30_000;
export { DEFAULT_MAX_BODY_SIZE_BYTES, DEFAULT_MAX_CONCURRENT_SCRAPES, DEFAULT_MAX_SCRAPE_TIMEOUT_MS };
export const DEFAULT_LOG_LEVEL = 'info';
/** SIGUSR1: health answers 503 at once; the graceful shutdown starts this much later (load balancers notice). */
export const DEFAULT_DRAIN_DELAY_MS = 5_000;
/** Graceful shutdown: in-flight requests get this long, then sockets are destroyed (the Go original's 15 s). */
export const SHUTDOWN_HARD_STOP_MS = DEFAULT_SHUTDOWN_HARD_DEADLINE_MS;
/** Where the default SQLite binding store goes when `db_conn` is absent (relative to the working directory). */
export const DEFAULT_DATA_DIR = '.';

/** The server's own keys with their defaults, in YAML form (durations in Go syntax). */
export const DEFAULT_CONFIG = Object.freeze({
  port: DEFAULT_PORT,
  health_check_port: DEFAULT_HEALTH_CHECK_PORT,
  listen_host: DEFAULT_LISTEN_HOST,
  base_url: '',
  enable_ssl: false,
  skip_ssl_validation: false,
  max_idle_conns: DEFAULT_MAX_IDLE_CONNS,
  max_idle_conns_per_host: DEFAULT_MAX_IDLE_CONNS_PER_HOST,
  disable_keep_alives: false,
  idle_conn_timeout: '30s',
  logging: Object.freeze({ level: DEFAULT_LOG_LEVEL, in_json: true, no_color: false }),
  external_exporters: Object.freeze([]),
  not_exit_when_conn_failed: false,
  enable_http2: true,
  max_scrape_timeout: '30s',
  max_body_size: DEFAULT_MAX_BODY_SIZE_BYTES,
  max_concurrent_scrapes: DEFAULT_MAX_CONCURRENT_SCRAPES,
  accounting_series: true,
  single_flight: true,
  cf_labels: 'full',
  data_dir: DEFAULT_DATA_DIR,
  drain_delay: '5s',
});
