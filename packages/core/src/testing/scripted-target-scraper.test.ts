import { ScrapeError } from '../errors.js';
import type { ScrapeRequest } from '../ports/target-scraper.js';
import { ScriptedTargetScraper } from './scripted-target-scraper.js';

function request(url: string, timeoutMs = 1000, signal?: AbortSignal): ScrapeRequest {
  return {
    target: { url, hostHeader: 'h', kind: 'instance' },
    headers: {},
    timeoutMs,
    ...(signal ? { signal } : {}),
  };
}

describe('ScriptedTargetScraper', () => {
  it('answers scripts, fails unknown URLs with connect, and records requests', async () => {
    const scraper = new ScriptedTargetScraper()
      .on('http://a/metrics', { body: 'x 1\n', contentType: 'text/plain', delayMs: 20 })
      .on('http://b/metrics', { fail: 'status_5xx', status: 503 });
    expect(await scraper.scrape(request('http://a/metrics'))).toEqual({
      ok: true,
      value: { body: 'x 1\n', contentType: 'text/plain', durationMs: 20 },
    });
    const failed = await scraper.scrape(request('http://b/metrics'));
    expect(failed.ok).toBe(false);
    if (!failed.ok) {
      expect(failed.error).toBeInstanceOf(ScrapeError);
      expect(failed.error.reason).toBe('status_5xx');
      expect(failed.error.status).toBe(503);
    }
    const unknown = await scraper.scrape(request('http://c/metrics'));
    expect(!unknown.ok && unknown.error.reason).toBe('connect');
    expect(scraper.requests.map((r) => r.target.url)).toEqual([
      'http://a/metrics',
      'http://b/metrics',
      'http://c/metrics',
    ]);
    expect(scraper.requestFor('http://b/metrics')?.target.url).toBe('http://b/metrics');
    scraper.otherwise({ body: '' });
    expect((await scraper.scrape(request('http://d'))).ok).toBe(true);
  });

  it('times out a delay beyond the budget, and an aborted request', async () => {
    const scraper = new ScriptedTargetScraper().on('http://a', { body: '', delayMs: 500 });
    const slow = await scraper.scrape(request('http://a', 499));
    expect(!slow.ok && slow.error.reason).toBe('timeout');
    expect((await scraper.scrape(request('http://a', 500))).ok).toBe(true);
    const controller = new AbortController();
    controller.abort();
    const aborted = await scraper.scrape(request('http://a', 1000, controller.signal));
    expect(!aborted.ok && aborted.error.reason).toBe('timeout');
  });
});
