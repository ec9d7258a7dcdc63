import { performance } from 'node:perf_hooks';
import { RouteTable } from '@promfetcher/core';
import type { Clock, Endpoint, Logger, RouteSource, RouteSourceStatus } from '@promfetcher/core';
import { DEFAULT_DROPLET_STALE_THRESHOLD_MS } from './config.js';
import { fetchGorouterRoutes, gorouterRoutesUrl } from './fetch-gorouter-routes.js';
import type { GorouterTarget } from './fetch-gorouter-routes.js';
import { RoutesBodyParser } from './routes-body-parser.js';
import { StringPool } from './string-pool.js';
import type { RouteSourceTelemetry } from './route-source-telemetry.js';

/** A `/routes` body above this is refused (100,000 endpoints are about 40 MB). */
export const DEFAULT_GOROUTER_MAX_BODY_BYTES = 512 * 1024 * 1024;
/** Bodies are read and tables built in slices of about this much CPU time, yielding to the event loop between them. */
export const DEFAULT_TABLE_BUILD_SLICE_MS = 5;

export interface GorouterRoutesPollerOptions {
  readonly gorouters: readonly GorouterTarget[];
  readonly pollIntervalMs: number;
  readonly requestTimeoutMs: number;
  /** The table is stale when a gorouter's part of it is older than this. */
  readonly stalenessBoundMs: number;
  /** TTL of endpoints served without one, and the fresh tables' clamp. Default: `droplet_stale_threshold`'s. */
  readonly maxTtlSeconds?: number;
  readonly maxBodyBytes?: number;
  readonly buildSliceMs?: number;
}

export interface GorouterRoutesPollerDeps {
  /** The live table: each successful poll replaces its contents at once (`adopt`). */
  readonly table: RouteTable;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly telemetry: RouteSourceTelemetry;
  readonly options: GorouterRoutesPollerOptions;
}

/** One gorouter's answer as two parallel arrays (no object per entry): entry i is (uris[i], endpoints[i]). */
interface GorouterPart {
  readonly uris: string[];
  readonly endpoints: Endpoint[];
}

interface GorouterState {
  readonly target: GorouterTarget;
  readonly url: string;
  /** The last good answer, kept to rebuild the union when another gorouter answers and this one fails. */
  part?: GorouterPart | undefined;
  /** The endpoints of its last good answer, by address: the next answer reuses the unchanged ones. */
  previous?: ReadonlyMap<string, Endpoint> | undefined;
  lastSuccessMs?: number;
  lastError?: string;
}

interface PollResult {
  /** Absent when the answer went straight into the fresh table (a lone gorouter). */
  readonly part: GorouterPart | undefined;
  readonly endpoints: ReadonlyMap<string, Endpoint>;
}

const yieldToEventLoop = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/**
 * Polls every configured gorouter's `/routes` (spec §1, §3.11) and keeps the live table equal to the union of
 * their tables (per route key, by address: a sharded foundation loses nothing, unlike the Go original's
 * "first gorouter wins", spec §5.24). A gorouter whose poll fails (network, 401, 500, garbage, truncation)
 * keeps its last good part; the failure is logged once and counted. The new table is built off to the side in
 * time-boxed slices and swapped in with `adopt`, so lookups never see a half-built table and a 40 MB body never
 * blocks the event loop for long.
 */
export class GorouterRoutesPoller implements RouteSource {
  readonly name = 'gorouter-poller';
  private readonly table: RouteTable;
  private readonly clock: Clock;
  private readonly logger: Logger;
  private readonly telemetry: RouteSourceTelemetry;
  private readonly options: Required<GorouterRoutesPollerOptions>;
  private readonly gorouters: GorouterState[];
  /** Strings of the last polls (all gorouters): a value read again is not allocated again. */
  private readonly strings = new StringPool();
  private queue: Promise<void> = Promise.resolve();
  private timer: NodeJS.Timeout | undefined;
  private abort = new AbortController();
  private startedAtMs: number | undefined;
  private running = false;
  private loaded = false;

  constructor(deps: GorouterRoutesPollerDeps) {
    this.table = deps.table;
    this.clock = deps.clock;
    this.logger = deps.logger;
    this.telemetry = deps.telemetry;
    this.options = {
      maxTtlSeconds: DEFAULT_DROPLET_STALE_THRESHOLD_MS / 1_000,
      maxBodyBytes: DEFAULT_GOROUTER_MAX_BODY_BYTES,
      buildSliceMs: DEFAULT_TABLE_BUILD_SLICE_MS,
      ...deps.options,
    };
    this.gorouters = deps.options.gorouters.map((target) => ({ target, url: gorouterRoutesUrl(target) }));
    for (const state of this.gorouters) {
      if (state.target.user.includes(':') || state.target.pass.includes(':')) {
        this.logger.warn(
          { gorouter: state.url },
          'gorouter user or pass contains ":"; gorouter splits basic credentials on ":" and will answer 401',
        );
      }
    }
  }

  async start(): Promise<void> {
    if (this.running) return;
    this.running = true;
    this.abort = new AbortController();
    this.startedAtMs = this.clock.now();
    this.schedule(0);
  }

  async stop(): Promise<void> {
    this.running = false;
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    this.abort.abort();
    await this.queue;
  }

  /** Polls every gorouter now (after any poll under way) and applies the result. For tests and tooling. */
  pollNow(): Promise<void> {
    const next = this.queue.then(() => this.pollOnce());
    this.queue = next.catch(() => undefined);
    return next;
  }

  status(): RouteSourceStatus {
    const now = this.clock.now();
    const successes = this.gorouters.flatMap((g) => (g.lastSuccessMs === undefined ? [] : [g.lastSuccessMs]));
    const ready = successes.length > 0;
    const since = this.startedAtMs ?? now;
    const oldest = Math.min(...this.gorouters.map((g) => g.lastSuccessMs ?? since));
    const stale = this.gorouters.length === 0 || now - oldest > this.options.stalenessBoundMs;
    const failing = this.gorouters.filter((g) => g.lastError !== undefined);
    const detail =
      `${successes.length}/${this.gorouters.length} gorouters loaded` +
      (failing.length > 0 ? `; last poll failed for ${failing.map((g) => g.url).join(', ')}` : '') +
      (stale ? `; older than ${Math.round(this.options.stalenessBoundMs / 1_000)} s` : '');
    return {
      ready,
      stale,
      detail,
      ...(ready ? { lastUpdateMs: Math.min(...successes) } : {}),
    };
  }

  private schedule(delayMs: number): void {
    if (!this.running) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.pollNow()
        .catch((error: unknown) =>
          this.logger.error({ err: error }, 'gorouter poll cycle failed unexpectedly'),
        )
        .finally(() => this.schedule(this.options.pollIntervalMs));
    }, delayMs);
  }

  private async pollOnce(): Promise<void> {
    const signal = this.abort.signal;
    // A lone gorouter's answer is the table: build it as the body is read, with no second pass.
    const direct = this.gorouters.length === 1 ? this.newTable() : undefined;
    const results = await Promise.allSettled(this.gorouters.map((state) => this.poll(state, direct)));
    if (signal.aborted) return;
    const now = this.clock.now();
    let answered = 0;
    results.forEach((result, i) => {
      const state = this.gorouters[i] as GorouterState;
      if (result.status === 'fulfilled') {
        state.part = result.value.part;
        state.previous = result.value.endpoints;
        state.lastSuccessMs = now;
        state.lastError = undefined;
        answered++;
        return;
      }
      const message = result.reason instanceof Error ? result.reason.message : String(result.reason);
      state.lastError = message;
      this.telemetry.pollFailed(this.name);
      this.logger.warn(
        { gorouter: state.url, error: message, tableEndpoints: this.table.size },
        'gorouter /routes poll failed; keeping its last good table',
      );
    });
    if (answered === 0) return;
    // Strings this poll did not use are forgotten at the next rotation.
    this.strings.rotate();

    const fresh = direct ?? (await this.buildTable());
    if (fresh === undefined) return;
    this.table.adopt(fresh);
    const oldest = Math.min(
      ...this.gorouters.flatMap((g) => (g.lastSuccessMs === undefined ? [] : [g.lastSuccessMs])),
    );
    this.telemetry.tableUpdated(this.name, oldest, this.table.size);
    if (!this.loaded) {
      this.loaded = true;
      this.logger.info({ endpoints: this.table.size }, 'route table loaded from gorouter');
    } else {
      this.logger.debug({ endpoints: this.table.size }, 'route table refreshed from gorouter');
    }
  }

  private newTable(): RouteTable {
    return new RouteTable(this.clock, { maxTtlSeconds: this.options.maxTtlSeconds });
  }

  /**
   * Reads one gorouter's answer, into `direct` when given (its register calls share the reading's time slices),
   * else into a part of its own; endpoints unchanged since its last good answer are reused, not re-created.
   */
  private async poll(state: GorouterState, direct: RouteTable | undefined): Promise<PollResult> {
    const part: GorouterPart | undefined = direct === undefined ? { uris: [], endpoints: [] } : undefined;
    const parser = new RoutesBodyParser({
      defaultTtlSeconds: this.options.maxTtlSeconds,
      strings: this.strings,
      ...(state.previous === undefined ? {} : { previous: state.previous }),
      onEntry:
        part === undefined
          ? (uri, endpoint) => direct?.register(uri, endpoint)
          : (uri, endpoint) => {
              part.uris.push(uri);
              part.endpoints.push(endpoint);
            },
    });
    await fetchGorouterRoutes(state.target, {
      timeoutMs: this.options.requestTimeoutMs,
      maxBodyBytes: this.options.maxBodyBytes,
      defaultTtlSeconds: this.options.maxTtlSeconds,
      sliceMs: this.options.buildSliceMs,
      signal: this.abort.signal,
      parser,
    });
    return { part, endpoints: parser.endpointsByAddress() };
  }

  /** Builds the union of every gorouter's last good part off to the side, yielding between time slices. */
  private async buildTable(): Promise<RouteTable | undefined> {
    const fresh = this.newTable();
    let sliceStart = performance.now();
    for (const state of this.gorouters) {
      const uris = state.part?.uris ?? [];
      const endpoints = state.part?.endpoints ?? [];
      for (let i = 0; i < uris.length; i++) {
        fresh.register(uris[i] as string, endpoints[i] as Endpoint);
        if ((i & 0xff) === 0xff && performance.now() - sliceStart > this.options.buildSliceMs) {
          await yieldToEventLoop();
          if (this.abort.signal.aborted) return undefined;
          sliceStart = performance.now();
        }
      }
    }
    return fresh;
  }
}
