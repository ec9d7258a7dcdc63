/** Why a NATS registry message was refused (bounded set: safe as a metric label). */
export type MessageRejectReason =
  'invalid-json' | 'wrong-type' | 'missing-field' | 'route-service-url-not-https';

/** What the route sources report; adapter-http implements it with prom-client. */
export interface RouteSourceTelemetry {
  /** A poll of one gorouter failed (`promfetch_scrape_route_failed_total`). `source` is the route source name. */
  pollFailed(source: string): void;
  /**
   * The route table was updated (`promfetch_latest_time_scrape_route`): `atMs` is the clock time of the oldest
   * data in it (the poller) or of the last applied message (NATS); `endpoints` is the table size after it.
   */
  tableUpdated(source: string, atMs: number, endpoints: number): void;
  /** A registry message was refused. */
  messageRejected(reason: MessageRejectReason): void;
  /** A registry message was applied to the table. */
  messageApplied(kind: 'register' | 'unregister'): void;
  /** A prune cycle removed `count` endpoints (also called with 0). */
  pruned(count: number): void;
}

export const noopRouteSourceTelemetry: RouteSourceTelemetry = {
  pollFailed: () => undefined,
  tableUpdated: () => undefined,
  messageRejected: () => undefined,
  messageApplied: () => undefined,
  pruned: () => undefined,
};
