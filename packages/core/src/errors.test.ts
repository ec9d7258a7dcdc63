import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { AppNotFoundError, ExpositionParseError, PromfetcherError, ScrapeError } from './errors.js';
import type { PromfetcherErrorCode } from './errors.js';

const ALL_CODES: Record<PromfetcherErrorCode, true> = {
  PF_PARSE: true,
  PF_APP_NOT_FOUND: true,
  PF_BAD_REQUEST: true,
  PF_SCRAPE: true,
  PF_CONFIG: true,
  PF_ROUTES: true,
  PF_STORE: true,
  PF_BROKER: true,
  PF_UNAUTHORIZED: true,
  PF_INTERNAL: true,
};

describe('PromfetcherError', () => {
  it('carries a code, a class name and a cause', () => {
    const cause = new Error('boom');
    const e = new PromfetcherError('PF_INTERNAL', 'bad thing', { cause });
    expect(e.code).toBe('PF_INTERNAL');
    expect(e.name).toBe('PromfetcherError');
    expect(e.cause).toBe(cause);
  });

  it('recognises errors by brand, also across copies of the package', () => {
    const foreign = Object.assign(new Error('x'), {
      [Symbol.for('promfetcher.error')]: true,
      code: 'PF_PARSE',
    });
    expect(PromfetcherError.is(foreign)).toBe(true);
    expect(PromfetcherError.is(new Error('x'))).toBe(false);
    expect(PromfetcherError.is(undefined)).toBe(false);
    expect(PromfetcherError.hasCode(new AppNotFoundError('a/b/c'), 'PF_APP_NOT_FOUND')).toBe(true);
    expect(PromfetcherError.hasCode(new AppNotFoundError('a/b/c'), 'PF_PARSE')).toBe(false);
  });

  it('subclasses name their subject', () => {
    const p = new ExpositionParseError(4, 'invalid label name "1x"');
    expect(p.message).toBe('line 4: invalid label name "1x"');
    expect(p.name).toBe('ExpositionParseError');
    const s = new ScrapeError('status_5xx', 'http://10.0.0.1:8080/metrics', 'HTTP 503', { status: 503 });
    expect(s.reason).toBe('status_5xx');
    expect(s.status).toBe(503);
  });
});

describe('docs/errors.md', () => {
  const doc = readFileSync(fileURLToPath(new URL('../../../docs/errors.md', import.meta.url)), 'utf8');
  const documented = new Set([...doc.matchAll(/`(PF_[A-Z_]+)`/g)].map((m) => m[1]));

  it('documents every error code', () => {
    for (const code of Object.keys(ALL_CODES)) expect(documented).toContain(code);
  });

  it('documents no code that does not exist', () => {
    for (const code of documented) expect(Object.keys(ALL_CODES)).toContain(code);
  });
});
