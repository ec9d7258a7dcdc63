import { RouteTable, silentLogger } from '@promfetcher/core';
import type { Clock } from '@promfetcher/core';
import type { GorouterTarget } from '../../src/fetch-gorouter-routes.js';
import { GorouterRoutesPoller } from '../../src/gorouter-routes-poller.js';
import { noopRouteSourceTelemetry } from '../../src/route-source-telemetry.js';

/**
 * A poller of `gorouter` that polls only when told (`pollNow`; its interval and staleness bound are an hour),
 * silent and without telemetry, filling a table of its own (TTLs capped at 120 s).
 */
export function manualPoller(
  gorouter: GorouterTarget,
  requestTimeoutMs: number,
  clock: Clock,
): { readonly poller: GorouterRoutesPoller; readonly table: RouteTable } {
  const table = new RouteTable(clock, { maxTtlSeconds: 120 });
  const poller = new GorouterRoutesPoller({
    table,
    clock,
    logger: silentLogger,
    telemetry: noopRouteSourceTelemetry,
    options: {
      gorouters: [gorouter],
      pollIntervalMs: 3_600_000,
      requestTimeoutMs,
      stalenessBoundMs: 3_600_000,
    },
  });
  return { poller, table };
}
