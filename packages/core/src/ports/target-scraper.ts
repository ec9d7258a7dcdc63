import type { ScrapeError } from '../errors.js';
import type { Result } from '../result.js';

/** One HTTP target to scrape: an app instance or an external exporter. */
export interface ScrapeTarget {
  /** `http(s)://address/path?query`. */
  readonly url: string;
  /** The `Host` header to send: the route's hostname for instances, the exporter host for exporters. */
  readonly hostHeader: string;
  /** For https instances: the name the certificate must carry (`server_cert_domain_san`). */
  readonly serverName?: string;
  readonly kind: 'instance' | 'exporter';
}

export interface ScrapeRequest {
  readonly target: ScrapeTarget;
  /** Headers to send (Accept, forwarded caller headers, X-Forwarded-*). Never hop-by-hop, never Host. */
  readonly headers: Readonly<Record<string, string>>;
  /** Time left for this target; the scraper fails it with reason `timeout` past it. */
  readonly timeoutMs: number;
  readonly signal?: AbortSignal;
}

export interface ScrapedBody {
  /** The decoded (gunzipped) body. */
  readonly body: string;
  /**
   * The same body as UTF-8 bytes, when the scraper has them (checked valid UTF-8): the fast path reads
   * these and `body` may then be a getter that decodes only when read.
   */
  readonly bytes?: Uint8Array;
  /** The response's Content-Type, used to choose the parser. */
  readonly contentType?: string;
  readonly durationMs: number;
}

/** Scrapes one target. Never throws for an expected failure: it returns `{ ok: false, error }`. */
export interface TargetScraper {
  scrape(request: ScrapeRequest): Promise<Result<ScrapedBody, ScrapeError>>;
}
