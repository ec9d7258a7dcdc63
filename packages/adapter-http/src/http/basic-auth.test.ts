import { checkBasicAuth } from './basic-auth.js';

const basic = (s: string): string => `Basic ${Buffer.from(s).toString('base64')}`;

describe('checkBasicAuth', () => {
  const creds = { user: 'ops', pass: 'p:ss' };
  it('accepts the right pair only', () => {
    expect(checkBasicAuth(basic('ops:p:ss'), creds)).toBe(true);
    expect(checkBasicAuth(basic('ops:p:s'), creds)).toBe(false);
    expect(checkBasicAuth(basic('op:p:ss'), creds)).toBe(false);
    expect(checkBasicAuth(basic('opsp:ss'), creds)).toBe(false);
    expect(checkBasicAuth('Bearer x', creds)).toBe(false);
    expect(checkBasicAuth(undefined, creds)).toBe(false);
  });
  it('refuses everyone when no credentials are configured', () => {
    expect(checkBasicAuth(basic('ops:p:ss'), undefined)).toBe(false);
    expect(checkBasicAuth(basic(':'), undefined)).toBe(false);
  });
});
