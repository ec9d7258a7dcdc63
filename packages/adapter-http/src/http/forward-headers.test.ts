import { forwardHeaders } from './forward-headers.js';

describe('forwardHeaders', () => {
  it('keeps end-to-end headers and drops hop-by-hop, Host, Accept*, Cookie and our own', () => {
    const out = forwardHeaders(
      {
        authorization: 'Bearer x',
        'x-custom': 'a',
        'user-agent': 'Prometheus/2.42',
        connection: 'keep-alive, X-Hop',
        'x-hop': 'no',
        'keep-alive': 'timeout=5',
        'proxy-authorization': 'Basic eA==',
        'proxy-foo': 'no',
        te: 'trailers',
        trailer: 'x',
        'transfer-encoding': 'chunked',
        upgrade: 'h2c',
        host: 'promfetcher',
        accept: 'text/plain',
        'accept-encoding': 'gzip',
        cookie: 'a=b',
        'content-length': '0',
        'if-none-match': '"x"',
        'x-prometheus-scrape-timeout-seconds': '10',
        'x-forwarded-proto': 'https',
        'x-promfetcher-scrapping': 'true',
      },
      '127.0.0.1',
    );
    expect(out).toEqual({
      authorization: 'Bearer x',
      'x-custom': 'a',
      'user-agent': 'Prometheus/2.42',
      'x-forwarded-for': '127.0.0.1',
    });
  });

  it('appends the caller to X-Forwarded-For, joins repeated headers, strips the IPv4-mapped prefix', () => {
    expect(forwardHeaders({ 'x-forwarded-for': '10.0.0.1, 10.0.0.2' }, '::ffff:192.0.2.7')).toEqual({
      'x-forwarded-for': '10.0.0.1, 10.0.0.2, 192.0.2.7',
    });
    expect(forwardHeaders({ 'x-a': ['1', '2'] }, undefined)).toEqual({ 'x-a': '1, 2' });
  });
});
