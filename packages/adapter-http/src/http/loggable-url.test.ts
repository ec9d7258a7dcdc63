import { loggableUrl } from '@promfetcher/core';
import { loggableRequestUrl } from './loggable-url.js';

describe('loggable URLs', () => {
  it('keeps paths and harmless parameters, cuts the query of metric_path and hides other values', () => {
    expect(loggableRequestUrl('/v1/apps/a/b/c/metrics')).toBe('/v1/apps/a/b/c/metrics');
    expect(
      loggableRequestUrl(
        `/v1/apps/a/b/c/metrics?metric_path=${encodeURIComponent('/metrics?token=s3cret')}&labels=info&x=s3cret`,
      ),
    ).toBe(`/v1/apps/a/b/c/metrics?metric_path=${encodeURIComponent('/metrics?…')}&labels=info&x=…`);
    expect(loggableRequestUrl('/v1/apps/metrics?route_url=app.example.com')).toBe(
      '/v1/apps/metrics?route_url=app.example.com',
    );
    expect(loggableRequestUrl('/x?' + 'a'.repeat(5000)).length).toBeLessThanOrEqual(2048);
  });

  it('replaces the query of a target URL', () => {
    expect(loggableUrl('http://u:p@10.0.0.1:8080/metrics?token=s3cret')).toBe(
      'http://10.0.0.1:8080/metrics?…',
    );
    expect(loggableUrl('http://10.0.0.1:8080/metrics')).toBe('http://10.0.0.1:8080/metrics');
  });
});
