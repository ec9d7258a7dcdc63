import { InboundAuth } from './inbound-auth.js';

const basic = (user: string, pass: string): string =>
  `Basic ${Buffer.from(`${user}:${pass}`).toString('base64')}`;

describe('InboundAuth', () => {
  const users = [
    { user: 'prom-a', pass: 'one' },
    { user: 'prom-b', pass: 'two' },
  ];

  it('is disabled without users or networks', () => {
    const auth = new InboundAuth({});
    expect(auth.enabled).toBe(false);
    expect(auth.check(undefined, '10.1.2.3')).toBe('allowed');
  });

  it('accepts any configured user, only with its own password', () => {
    const auth = new InboundAuth({ users });
    expect(auth.check(basic('prom-a', 'one'), '10.0.0.1')).toBe('allowed');
    expect(auth.check(basic('prom-b', 'two'), '10.0.0.1')).toBe('allowed');
    expect(auth.check(basic('prom-a', 'two'), '10.0.0.1')).toBe('unauthorized');
    expect(auth.check(basic('prom-c', 'one'), '10.0.0.1')).toBe('unauthorized');
    expect(auth.check(undefined, '10.0.0.1')).toBe('unauthorized');
    expect(auth.check('Bearer x', '10.0.0.1')).toBe('unauthorized');
    expect(auth.check(`Basic ${Buffer.from('nocolon').toString('base64')}`, '10.0.0.1')).toBe('unauthorized');
    expect(auth.stripsAuthorization).toBe(true);
    expect(new InboundAuth({ users, forwardCredentials: true }).stripsAuthorization).toBe(false);
  });

  it('allows IPv4 and IPv6 networks, IPv4-mapped addresses as IPv4', () => {
    const auth = new InboundAuth({ networks: ['10.0.0.0/8', '192.168.1.7', 'fd00::/8'] });
    expect(auth.check(undefined, '10.200.0.1')).toBe('allowed');
    expect(auth.check(undefined, '::ffff:10.200.0.1')).toBe('allowed');
    expect(auth.check(undefined, '192.168.1.7')).toBe('allowed');
    expect(auth.check(undefined, '192.168.1.8')).toBe('forbidden');
    expect(auth.check(undefined, 'fd12::1')).toBe('allowed');
    expect(auth.check(undefined, 'fe80::1')).toBe('forbidden');
    expect(auth.check(undefined, undefined)).toBe('forbidden');
    expect(auth.stripsAuthorization).toBe(false);
  });

  it('requires both when both are set, network first', () => {
    const auth = new InboundAuth({ users, networks: ['127.0.0.1/32'] });
    expect(auth.check(basic('prom-a', 'one'), '10.0.0.1')).toBe('forbidden');
    expect(auth.check(undefined, '127.0.0.1')).toBe('unauthorized');
    expect(auth.check(basic('prom-a', 'one'), '127.0.0.1')).toBe('allowed');
  });

  it('refuses invalid networks at construction', () => {
    for (const bad of ['10.0.0.0/33', 'nope', '10.0.0.0/', '::1/129', '10.0.0.0/8x']) {
      expect(() => new InboundAuth({ networks: [bad] })).toThrow(RangeError);
    }
  });
});
