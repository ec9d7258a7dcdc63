import { negotiateEncoding } from './compress.js';

describe('negotiateEncoding', () => {
  it.each([
    [undefined, 'identity'],
    ['', 'identity'],
    ['gzip', 'gzip'],
    ['deflate', 'deflate'],
    ['br', 'identity'],
    ['gzip;q=0', 'identity'],
    ['deflate;q=0.9, gzip', 'gzip'],
    ['gzip;q=0.5, deflate;q=0.8', 'deflate'],
    ['*', 'gzip'],
    ['identity, gzip;q=0.1', 'gzip'],
  ])('%p → %s', (header, expected) => {
    expect(negotiateEncoding(header)).toBe(expected);
  });
});
