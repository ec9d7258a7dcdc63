/**
 * The real HTTP stack on 127.0.0.1:0: RouteTable + FetchAppMetrics + GotTargetScraper + PromTelemetry +
 * createApp + startServer, with a recording logger. Tests fill the table directly.
 */
import { FetchAppMetrics, RouteTable, type Clock, type FetchOptions, type Logger } from '@promfetcher/core';
import { InMemoryEndpointOverrides } from '@promfetcher/core/testing';
import { createApp, type AppOptions } from '../../src/http/create-app.js';
import { startServer, type ServerHandle } from '../../src/http/start-server.js';
import { GotTargetScraper, type GotTargetScraperOptions } from '../../src/scraper/got-target-scraper.js';
import { PromTelemetry } from '../../src/telemetry/prom-telemetry.js';

export interface LogLine {
  readonly level: string;
  readonly fields: Record<string, unknown>;
  readonly message: string;
}

export function recordingLogger(lines: LogLine[]): Logger {
  const at =
    (level: string) =>
    (fields: Record<string, unknown>, message: string): void => {
      lines.push({ level, fields, message });
    };
  return { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}

export interface AppStack {
  readonly url: string;
  readonly table: RouteTable;
  readonly telemetry: PromTelemetry;
  readonly overrides: InMemoryEndpointOverrides;
  readonly logs: LogLine[];
  readonly handle: ServerHandle;
  close(): Promise<void>;
}

export const realClock: Clock = { now: () => Date.now() };

export async function startAppStack(
  options: {
    app?: Partial<AppOptions>;
    scraper?: Partial<GotTargetScraperOptions>;
    fetch?: Partial<FetchOptions>;
  } = {},
): Promise<AppStack> {
  const table = new RouteTable(realClock);
  const telemetry = new PromTelemetry({ clock: realClock });
  const overrides = new InMemoryEndpointOverrides();
  const logs: LogLine[] = [];
  const logger = recordingLogger(logs);
  const scraper = new GotTargetScraper(options.scraper);
  const fetcher = new FetchAppMetrics({
    routes: table,
    scraper,
    overrides,
    clock: realClock,
    telemetry,
    logger,
    options: options.fetch ?? {},
  });
  const app = createApp({ fetcher, routes: table, telemetry, logger, options: options.app ?? {} });
  const handle = await startServer(app, { host: '127.0.0.1', port: 0 });
  return {
    url: handle.url,
    table,
    telemetry,
    overrides,
    logs,
    handle,
    async close() {
      await handle.close(1_000);
      scraper.close();
    },
  };
}
