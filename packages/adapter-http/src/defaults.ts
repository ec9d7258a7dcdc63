/**
 * Defaults of adapter-http's own objects (STYLE.md §2: named constants, the unit in the name). The
 * composition root maps the config keys onto the options; these are what a plain library user gets.
 */

/** Largest instance body accepted, measured after decompression (a gzip bomb is cut off at this size). */
export const DEFAULT_MAX_BODY_SIZE_BYTES = 50 * 1024 * 1024;
/** Global bound on concurrent instance requests, across all callers. */
export const DEFAULT_MAX_CONCURRENT_SCRAPES = 256;
/** Keep-alive sockets per instance address (concurrent callers scraping the same app share them). */
export const DEFAULT_MAX_SOCKETS_PER_HOST = 64;
/** Idle keep-alive sockets kept per instance address. */
export const DEFAULT_MAX_FREE_SOCKETS_PER_HOST = 16;
/** An idle keep-alive socket to an instance is closed after this long. */
export const DEFAULT_IDLE_SOCKET_TIMEOUT_MS = 30_000;
/** Caller deadline when it sends no `X-Prometheus-Scrape-Timeout-Seconds`, and the cap when it does. */
export const DEFAULT_MAX_SCRAPE_TIMEOUT_MS = 30_000;
/** Safety margin taken off the caller's scrape timeout: the smaller of this and 10 % of it. */
export const SCRAPE_TIMEOUT_MARGIN_MS = 500;
/** Share of the caller's scrape timeout kept as a margin when it is smaller than SCRAPE_TIMEOUT_MARGIN_MS. */
export const SCRAPE_TIMEOUT_MARGIN_RATIO = 0.1;
/** Smallest deadline given to a fan-out, whatever the caller asks. */
export const MIN_SCRAPE_TIMEOUT_MS = 100;
/** Answers smaller than this are sent uncompressed. */
export const MIN_COMPRESS_BYTES = 1024;
/** zlib level of answers: metrics text compresses well at the fastest level, and the CPU is better spent merging. */
export const DEFAULT_COMPRESSION_LEVEL = 1;
/** Graceful shutdown: in-flight requests get this long, then sockets are destroyed (the Go original's 15 s). */
export const DEFAULT_SHUTDOWN_HARD_DEADLINE_MS = 15_000;
/** Concurrent metrics requests for the same fan-out share one (single-flight.ts); config `single_flight`. */
export const DEFAULT_SINGLE_FLIGHT = true;
