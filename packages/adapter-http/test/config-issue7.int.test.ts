import { DEFAULT_APP_OPTIONS } from '../src/http/create-app.js';
import { parseConfig } from '../src/main/config/load-config.js';
import { inboundAuthFrom } from '../src/main/di/http.module.js';

const MINIMAL = 'gorouters: [{host: 127.0.0.1, port: 8082}]\nbroker: {enable: false}\n';

function load(text: string, env: Record<string, string> = {}): ReturnType<typeof parseConfig> {
  return parseConfig({ text: `${MINIMAL}${text}`, env });
}

function messages(text: string, env: Record<string, string> = {}): string[] {
  const result = load(text, env);
  if (result.ok) throw new Error('expected the config to be refused');
  return result.error.map((e) => e.message);
}

describe('config: single_flight, inbound_auth, cf_labels (issue 7)', () => {
  it('defaults: single flight on, no inbound auth, full CF labels (as createApp defaults)', () => {
    const result = load('');
    if (!result.ok) throw new Error(result.error.map((e) => e.message).join('\n'));
    expect(result.value.single_flight).toBe(true);
    expect(result.value.single_flight).toBe(DEFAULT_APP_OPTIONS.singleFlight);
    expect(result.value.inbound_auth).toBeUndefined();
    expect(result.value.cf_labels).toBe('full');
    expect(result.value.cf_labels).toBe(DEFAULT_APP_OPTIONS.cfLabels);
  });

  it('reads the three keys from YAML and maps inbound_auth to createApp options', () => {
    const result = load(
      [
        'single_flight: false',
        'cf_labels: info',
        'inbound_auth:',
        '  users: [{user: prom, pass: "p:w,d"}]',
        '  networks: [10.0.0.0/8, "fd00::/8", 127.0.0.1]',
        '  forward_credentials: true',
        '',
      ].join('\n'),
    );
    if (!result.ok) throw new Error(result.error.map((e) => e.message).join('\n'));
    expect(result.value.single_flight).toBe(false);
    expect(result.value.cf_labels).toBe('info');
    expect(inboundAuthFrom(result.value.inbound_auth!)).toEqual({
      users: [{ user: 'prom', pass: 'p:w,d' }],
      networks: ['10.0.0.0/8', 'fd00::/8', '127.0.0.1'],
      forwardCredentials: true,
    });
  });

  it('inbound_auth fills users, networks and forward_credentials with defaults', () => {
    const result = load('inbound_auth: {networks: [192.168.0.0/16]}\n');
    expect(result.ok && result.value.inbound_auth).toEqual({
      users: [],
      networks: ['192.168.0.0/16'],
      forward_credentials: false,
    });
  });

  it.each([
    [
      'an invalid CIDR, naming its path and not its value',
      'inbound_auth: {networks: [10.0.0.0/8, 10.0.0.0/33, not-a-net]}\n',
      [
        'inbound_auth.networks[1]: not an IP network: use a CIDR such as 10.0.0.0/8 or fd00::/8, or one address',
        'inbound_auth.networks[2]: not an IP network: use a CIDR such as 10.0.0.0/8 or fd00::/8, or one address',
      ],
    ],
    [
      'an unknown key in inbound_auth (strict)',
      'inbound_auth: {user: [{user: a, pass: b}]}\n',
      ['inbound_auth.user: unknown key (did you mean "inbound_auth.users"?)'],
    ],
    [
      'a user name with a colon',
      'inbound_auth: {users: [{user: "a:b", pass: c}]}\n',
      ['inbound_auth.users[0].user: must not contain ":" (basic auth)'],
    ],
  ])('refuses %s', (_what, text, expected) => {
    const got = messages(text);
    expect(got.map((m) => m.replace(/^config: /, ''))).toEqual(expected);
  });

  it('refuses an unknown cf_labels mode, naming the key', () => {
    const got = messages('cf_labels: compact\n');
    expect(got).toHaveLength(1);
    expect(got[0]).toMatch(/cf_labels/);
    expect(got[0]).toMatch(/full|info/);
  });

  it('reads the environment overrides', () => {
    const result = load('', {
      PROMFETCHER_SINGLE_FLIGHT: 'false',
      PROMFETCHER_CF_LABELS: 'info',
      PROMFETCHER_INBOUND_AUTH_USERS: 'prom:pa:ss, other:x',
      PROMFETCHER_INBOUND_AUTH_NETWORKS: '10.0.0.0/8, 127.0.0.1',
      PROMFETCHER_INBOUND_AUTH_FORWARD_CREDENTIALS: '1',
    });
    if (!result.ok) throw new Error(result.error.map((e) => e.message).join('\n'));
    expect(result.value.single_flight).toBe(false);
    expect(result.value.cf_labels).toBe('info');
    expect(result.value.inbound_auth).toEqual({
      users: [
        { user: 'prom', pass: 'pa:ss' },
        { user: 'other', pass: 'x' },
      ],
      networks: ['10.0.0.0/8', '127.0.0.1'],
      forward_credentials: true,
    });
  });

  it('an override wins over the file, field by field', () => {
    const result = load('inbound_auth: {users: [{user: a, pass: b}], networks: [10.0.0.0/8]}\n', {
      PROMFETCHER_INBOUND_AUTH_NETWORKS: '127.0.0.0/8',
    });
    expect(result.ok && result.value.inbound_auth).toEqual({
      users: [{ user: 'a', pass: 'b' }],
      networks: ['127.0.0.0/8'],
      forward_credentials: false,
    });
  });

  it('refuses a malformed PROMFETCHER_INBOUND_AUTH_USERS without printing it', () => {
    const secret = 'only-a-password-s3cret';
    const got = messages('', { PROMFETCHER_INBOUND_AUTH_USERS: `prom:ok,${secret}` });
    expect(got).toHaveLength(1);
    expect(got[0]).toMatch(/PROMFETCHER_INBOUND_AUTH_USERS/);
    expect(got.join('\n')).not.toContain(secret);
    expect(got.join('\n')).not.toContain('ok');
  });
});
