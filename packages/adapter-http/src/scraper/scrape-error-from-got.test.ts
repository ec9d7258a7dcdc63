import { ScrapeError } from '@promfetcher/core';
import {
  BodyTooLargeError,
  RefusedRedirectError,
  reasonOfGotError,
  scrapeErrorForStatus,
  scrapeErrorFromGot,
} from './scrape-error-from-got.js';

const coded = (code: string, name = 'RequestError'): Error => Object.assign(new Error(code), { code, name });

describe('scrapeErrorFromGot', () => {
  it.each([
    [coded('ECONNREFUSED'), 'connect'],
    [coded('ENOTFOUND'), 'connect'],
    [coded('ETIMEDOUT', 'TimeoutError'), 'timeout'],
    [coded('ERR_ABORTED', 'AbortError'), 'timeout'],
    [coded('ERR_TLS_CERT_ALTNAME_INVALID'), 'tls'],
    [coded('DEPTH_ZERO_SELF_SIGNED_CERT'), 'tls'],
    [coded('UNABLE_TO_VERIFY_LEAF_SIGNATURE'), 'tls'],
    [coded('EPROTO'), 'tls'],
    [new BodyTooLargeError(10), 'body_too_large'],
    [new RefusedRedirectError('x'), 'redirect'],
    [Object.assign(new Error('wrapped'), { cause: coded('ECONNREFUSED', 'Error') }), 'connect'],
    [new Error('whatever'), 'other'],
    ['a string', 'other'],
  ])('%p → %s', (error, reason) => {
    expect(reasonOfGotError(error)).toBe(reason);
  });

  it('keeps the cause and strips credentials from the message', () => {
    const cause = coded('ECONNREFUSED');
    const e = scrapeErrorFromGot(cause, 'http://10.0.0.1:8080/metrics');
    expect(e).toBeInstanceOf(ScrapeError);
    expect(e.cause).toBe(cause);
    expect(e.reason).toBe('connect');
    const leaky = scrapeErrorFromGot(new Error('GET http://user:pw@10.0.0.1/ failed'), 'http://10.0.0.1/');
    expect(leaky.message).not.toContain('pw');
  });

  it('maps statuses', () => {
    expect(scrapeErrorForStatus(503, 't').reason).toBe('status_5xx');
    expect(scrapeErrorForStatus(404, 't').reason).toBe('status_4xx');
    expect(scrapeErrorForStatus(304, 't').reason).toBe('redirect');
    expect(scrapeErrorForStatus(101, 't').reason).toBe('other');
  });
});
