/** Where the routing table comes from: gorouter `/routes` polling or NATS `router.register`. */
export interface RouteSourceStatus {
  /** True once the source has loaded a table (first successful poll, or NATS subscribed and synced). */
  readonly ready: boolean;
  /** True when the table is older than the source's staleness bound (poller) or the connection is lost. */
  readonly stale: boolean;
  /** Clock time (ms) of the last successful update, if any. */
  readonly lastUpdateMs?: number;
  /** A short human-readable state for health pages and logs. */
  readonly detail: string;
}

export interface RouteSource {
  /** A stable name for logs and metrics, e.g. `gorouter-poller`, `nats`. */
  readonly name: string;
  /** Starts feeding the route table. Resolves once started (not necessarily ready). */
  start(): Promise<void>;
  /** Stops every timer and connection; idempotent. */
  stop(): Promise<void>;
  status(): RouteSourceStatus;
}
