/**
 * The fan-out deadline from the caller's `X-Prometheus-Scrape-Timeout-Seconds`: the caller's timeout minus a
 * margin for merging and sending (the smaller of 0.5 s and 10 % of it), capped by `max_scrape_timeout`, and
 * at least MIN_SCRAPE_TIMEOUT_MS. Absent or invalid → the cap.
 */
import { MIN_SCRAPE_TIMEOUT_MS, SCRAPE_TIMEOUT_MARGIN_MS, SCRAPE_TIMEOUT_MARGIN_RATIO } from '../defaults.js';

export function scrapeDeadlineMs(header: string | undefined, maxScrapeTimeoutMs: number): number {
  const seconds = header === undefined ? NaN : Number(header.trim());
  if (header === undefined || header.trim() === '' || !Number.isFinite(seconds) || seconds <= 0) {
    return maxScrapeTimeoutMs;
  }
  const callerMs = seconds * 1000;
  const margin = Math.min(SCRAPE_TIMEOUT_MARGIN_MS, callerMs * SCRAPE_TIMEOUT_MARGIN_RATIO);
  return Math.max(MIN_SCRAPE_TIMEOUT_MS, Math.min(maxScrapeTimeoutMs, Math.floor(callerMs - margin)));
}
