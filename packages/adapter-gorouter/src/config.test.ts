import {
  DEFAULT_DROPLET_STALE_THRESHOLD_MS,
  DEFAULT_GOROUTER_POLL_INTERVAL_MS,
  gorouterConfigSchema,
  natsConfigSchema,
  parseDuration,
} from './config.js';
import { gorouterPollerOptionsFrom, natsSubscriberOptionsFrom } from './options-from-config.js';

describe('parseDuration', () => {
  it.each([
    ['20s', 20_000],
    ['1m30s', 90_000],
    ['500ms', 500],
    ['1.5h', 5_400_000],
    ['2h45m', 9_900_000],
    ['1500us', 1.5],
    ['0', 0],
    ['+3s', 3_000],
    [30, 30_000],
    [0.5, 500],
    ['30', 30_000],
  ] as const)('%j → %d ms', (input, ms) => {
    expect(parseDuration(input)).toBeCloseTo(ms, 9);
  });

  it.each(['', 's', '-5s', '5 s', '5x', '1m30', 'abc', '1.2.3s'])('refuses %j', (input) => {
    expect(parseDuration(input)).toBeUndefined();
  });

  it('refuses negative and non-finite numbers', () => {
    expect(parseDuration(-1)).toBeUndefined();
    expect(parseDuration(Number.POSITIVE_INFINITY)).toBeUndefined();
  });
});

describe('gorouter config slice', () => {
  it('applies defaults', () => {
    const config = gorouterConfigSchema.parse({});
    expect(config).toEqual({
      gorouters: [],
      gorouter_poll_interval: DEFAULT_GOROUTER_POLL_INTERVAL_MS,
      gorouter_request_timeout: 10_000,
    });
    expect(gorouterPollerOptionsFrom(config).stalenessBoundMs).toBe(3 * DEFAULT_GOROUTER_POLL_INTERVAL_MS);
  });

  it('derives poller options, durations in ms', () => {
    const config = gorouterConfigSchema.parse({
      gorouters: [
        { host: '10.0.0.1', port: 8082, user: 'router-status', pass: 'pw' },
        { host: '10.0.0.2', port: 8443, tls: { ca: 'PEM', skip_verify: true } },
      ],
      gorouter_poll_interval: '10s',
      gorouter_request_timeout: 2,
      gorouter_staleness_bound: '1m',
    });
    expect(gorouterPollerOptionsFrom(config)).toEqual({
      gorouters: [
        { host: '10.0.0.1', port: 8082, user: 'router-status', pass: 'pw' },
        { host: '10.0.0.2', port: 8443, user: '', pass: '', tls: { ca: 'PEM', skipVerify: true } },
      ],
      pollIntervalMs: 10_000,
      requestTimeoutMs: 2_000,
      stalenessBoundMs: 60_000,
    });
  });

  it('is strict: an unknown key (the old release key `password`) is an error naming its path', () => {
    const result = gorouterConfigSchema.safeParse({ gorouters: [{ host: 'h', port: 1, password: 'x' }] });
    expect(result.success).toBe(false);
    expect(JSON.stringify(result.error?.issues)).toContain('password');
    expect(result.error?.issues[0]?.path).toEqual(['gorouters', 0]);
  });

  it('names a bad duration', () => {
    const result = gorouterConfigSchema.safeParse({ gorouter_poll_interval: '30 seconds' });
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.message).toContain('invalid duration (value not shown)');
    expect(result.error?.issues[0]?.message).not.toContain('30 seconds');
    expect(result.error?.issues[0]?.path).toEqual(['gorouter_poll_interval']);
  });
});

describe('nats config slice', () => {
  it('applies defaults; no nats block → no subscriber', () => {
    const config = natsConfigSchema.parse({});
    expect(config.droplet_stale_threshold).toBe(DEFAULT_DROPLET_STALE_THRESHOLD_MS);
    expect(config.start_response_delay_interval).toBe(20_000);
    expect(config.nats_client_ping_interval).toBe(20_000);
    expect(config.prune_interval).toBe(30_000);
    expect(config.index).toBe(0);
    expect(natsSubscriberOptionsFrom(config)).toBeUndefined();
  });

  it('derives subscriber options from the release keys; client cert optional with TLS (spec §5.22)', () => {
    const config = natsConfigSchema.parse({
      nats: {
        hosts: [{ hostname: '10.0.0.11', port: 4224 }, { hostname: '10.0.0.12' }],
        user: 'nats',
        pass: 's3cret',
        tls_enabled: true,
        ca_certs: 'CA-PEM',
      },
      droplet_stale_threshold: '120s',
      start_response_delay_interval: '20s',
      index: 2,
    });
    expect(natsSubscriberOptionsFrom(config)).toEqual({
      servers: ['10.0.0.11:4224', '10.0.0.12:4222'],
      user: 'nats',
      pass: 's3cret',
      tls: { ca: 'CA-PEM' },
      pingIntervalMs: 20_000,
      dropletStaleThresholdMs: 120_000,
      startResponseDelayIntervalMs: 20_000,
      pruneIntervalMs: 30_000,
      index: 2,
    });
  });

  it('needs cert_chain and private_key together, naming both', () => {
    const result = natsConfigSchema.safeParse({
      nats: { hosts: [{ hostname: 'h' }], tls_enabled: true, cert_chain: 'CERT' },
    });
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.path).toEqual(['nats', 'private_key']);
    expect(result.error?.issues[0]?.message).toContain('cert_chain');
  });

  it('refuses TLS material when tls_enabled is false', () => {
    const result = natsConfigSchema.safeParse({ nats: { hosts: [{ hostname: 'h' }], ca_certs: 'CA' } });
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.message).toContain('tls_enabled');
  });

  it('refuses an unknown key and a negative index', () => {
    expect(natsConfigSchema.safeParse({ nats: { hosts: [{ hostname: 'h', host: 'x' }] } }).success).toBe(
      false,
    );
    expect(natsConfigSchema.safeParse({ index: -1 }).success).toBe(false);
  });
});
