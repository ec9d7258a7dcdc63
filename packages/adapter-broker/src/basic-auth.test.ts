import { basicAuthMatches } from './basic-auth.js';

const header = (text: string): string => `Basic ${Buffer.from(text).toString('base64')}`;

describe('basicAuthMatches', () => {
  it('accepts exactly the configured pair', () => {
    expect(basicAuthMatches(header('admin:pa:ss'), 'admin', 'pa:ss')).toBe(true);
    expect(
      basicAuthMatches(`basic  ${Buffer.from('admin:pa:ss').toString('base64')}`, 'admin', 'pa:ss'),
    ).toBe(true);
  });

  it.each([
    [undefined],
    [''],
    ['Bearer abc'],
    [header('admin:wrong')],
    [header('Admin:pa:ss')],
    [header('admin:pa:ss ')],
    [header('admin')],
    ['Basic !!!'],
  ])('refuses %p', (value) => {
    expect(basicAuthMatches(value, 'admin', 'pa:ss')).toBe(false);
  });
});
