import { ScrapeError, type ScrapeFailureReason } from '../errors.js';
import type { ScrapeRequest, ScrapedBody, TargetScraper } from '../ports/target-scraper.js';
import { err, ok, type Result } from '../result.js';

/** What one URL answers. `delayMs` is simulated time: a delay beyond the request's `timeoutMs` is a timeout. */
export type ScrapeScript =
  | { readonly body: string; readonly contentType?: string; readonly delayMs?: number }
  | { readonly fail: ScrapeFailureReason; readonly status?: number; readonly delayMs?: number };

/**
 * A TargetScraper answering canned bodies per URL (exact URL, query included). It never waits: delays are
 * compared with the request's time budget, so a test of deadlines needs no timers. An unknown URL fails
 * with `connect`. Every request is recorded.
 */
export class ScriptedTargetScraper implements TargetScraper {
  private readonly scripts = new Map<string, ScrapeScript>();
  private fallback: ScrapeScript = { fail: 'connect' };
  /** Every request received, in call order. */
  readonly requests: ScrapeRequest[] = [];
  /** Scrapes running now, and the most that ran at once. */
  inFlight = 0;
  maxInFlight = 0;

  /** Scripts `url`; returns this for chaining. */
  on(url: string, script: ScrapeScript): this {
    this.scripts.set(url, script);
    return this;
  }

  /** What URLs without a script answer (default: a `connect` failure). */
  otherwise(script: ScrapeScript): this {
    this.fallback = script;
    return this;
  }

  /** The recorded request for `url`, if any (the first one). */
  requestFor(url: string): ScrapeRequest | undefined {
    return this.requests.find((r) => r.target.url === url);
  }

  async scrape(request: ScrapeRequest): Promise<Result<ScrapedBody, ScrapeError>> {
    this.requests.push(request);
    this.inFlight++;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    try {
      // Yield once so concurrent scrapes really overlap, as network calls would.
      await Promise.resolve();
      const url = request.target.url;
      const script = this.scripts.get(url) ?? this.fallback;
      const delayMs = script.delayMs ?? 0;
      if (request.signal?.aborted === true) return err(new ScrapeError('timeout', url, 'aborted'));
      if (delayMs > request.timeoutMs) {
        return err(new ScrapeError('timeout', url, `no answer within ${request.timeoutMs} ms`));
      }
      if ('fail' in script) {
        const options = script.status === undefined ? undefined : { status: script.status };
        return err(new ScrapeError(script.fail, url, `scripted ${script.fail}`, options));
      }
      const body: ScrapedBody =
        script.contentType === undefined
          ? { body: script.body, durationMs: delayMs }
          : { body: script.body, contentType: script.contentType, durationMs: delayMs };
      return ok(body);
    } finally {
      this.inFlight--;
    }
  }
}
