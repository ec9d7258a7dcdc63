import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { configSchema } from '../src/main/config/config-schema.js';
import { DEFAULT_CONFIG } from '../src/main/config/defaults.js';
import { ENV_OVERRIDES } from '../src/main/config/env-overrides.js';
import { loadConfig, parseConfig } from '../src/main/config/load-config.js';

const EXAMPLE = fileURLToPath(new URL('./fixtures/release-example.yml', import.meta.url));
const MINIMAL = 'gorouters: [{host: 127.0.0.1, port: 8082}]\nbroker: {enable: false}\n';

function messages(text: string, env: Record<string, string> = {}): string[] {
  const result = parseConfig({ text, env });
  if (result.ok) throw new Error('expected the config to be refused');
  return result.error.map((e) => e.message);
}

describe('config: the promfetcher-release example (spec §4)', () => {
  it('loads, with durations in ms and the NATS source chosen', async () => {
    const result = await loadConfig(EXAMPLE, {});
    if (!result.ok) throw new Error(result.error.map((e) => e.message).join('\n'));
    const config = result.value;
    expect(config.port).toBe(443);
    expect(config.health_check_port).toBe(8080);
    expect(config.nats?.hosts).toEqual([
      { hostname: '10.0.0.11', port: 4224 },
      { hostname: '10.0.0.12', port: 4224 },
    ]);
    expect(config.gorouters).toEqual([]);
    expect(config.droplet_stale_threshold).toBe(120_000);
    expect(config.start_response_delay_interval).toBe(20_000);
    expect(config.sql_cnx_max_life).toBe(3_600_000);
    expect(config.idle_conn_timeout).toBe(30_000);
    expect(config.backends.max_conns).toBe(500);
    expect(config.external_exporters[0]).toMatchObject({ name: 'logs', scheme: 'https' });
    expect(config.broker).toMatchObject({ user: 'promfetcher-broker', enable: true });
    expect(Object.isFrozen(config) && Object.isFrozen(config.nats?.hosts)).toBe(true);
  });
});

describe('config: defaults', () => {
  it('fills every default of the server keys and holds no secret', () => {
    const result = parseConfig({ text: MINIMAL, env: {} });
    if (!result.ok) throw new Error(result.error.map((e) => e.message).join('\n'));
    expect(result.value).toMatchObject({
      port: DEFAULT_CONFIG.port,
      health_check_port: DEFAULT_CONFIG.health_check_port,
      listen_host: '0.0.0.0',
      max_scrape_timeout: 30_000,
      max_body_size: DEFAULT_CONFIG.max_body_size,
      accounting_series: true,
      logging: { level: 'info' },
    });
    expect(JSON.stringify(DEFAULT_CONFIG)).not.toMatch(/pass|secret|password/i);
  });

  it('reads byte sizes with units', () => {
    const result = parseConfig({ text: `${MINIMAL}max_body_size: 2MiB\n`, env: {} });
    expect(result.ok && result.value.max_body_size).toBe(2 * 1024 * 1024);
  });
});

describe('config: errors, one line per problem', () => {
  it.each([
    [
      'an unknown key, with the nearest valid key',
      `${MINIMAL}gorouter_poll_intervall: 5s\n`,
      ['gorouter_poll_intervall: unknown key (did you mean "gorouter_poll_interval"?)'],
    ],
    [
      'a nested unknown key',
      `${MINIMAL}logging: {levl: debug}\n`,
      ['logging.levl: unknown key (did you mean "logging.level"?)'],
    ],
    [
      'an unknown key in a list item',
      'gorouters: [{host: a, port: 1, password: x}]\nbroker: {enable: false}\n',
      ['gorouters[0].password: unknown key (did you mean "gorouters[0].pass"?)'],
    ],
    [
      'both route sources',
      'gorouters: [{host: a, port: 1}]\nnats: {hosts: [{hostname: b}]}\nbroker: {enable: false}\n',
      ['gorouters: gorouters and nats are both set: choose one route source (remove gorouters or nats)'],
    ],
    [
      'no route source',
      'broker: {enable: false}\n',
      ['nats: no route source: set nats (hosts of the NATS servers) or gorouters (a non-empty list)'],
    ],
    [
      'a bad duration',
      `${MINIMAL}max_scrape_timeout: 10 seconds\n`,
      [
        'max_scrape_timeout: invalid duration (value not shown): use a Go duration such as "20s", "1m30s", "500ms", or a number of seconds',
      ],
    ],
    ['a wrong type', `${MINIMAL}port: "eighty"\n`, ['port: must be a number']],
    [
      'a port out of range',
      `${MINIMAL}health_check_port: 70000\n`,
      ['health_check_port: Too big: expected number to be <=65535'],
    ],
    [
      'TLS without a certificate',
      `${MINIMAL}enable_ssl: true\n`,
      ['tls_pem: enable_ssl is true but tls_pem.cert_chain and tls_pem.private_key are not set'],
    ],
    [
      'the broker without credentials',
      'gorouters: [{host: a, port: 1}]\n',
      [
        'broker.user: broker.user is required while the broker is enabled (or set broker.enable: false)',
        'broker.pass: broker.pass is required while the broker is enabled (or set broker.enable: false)',
      ],
    ],
    [
      'half a key pair',
      `${MINIMAL}backends: {cert_chain: "-----BEGIN CERTIFICATE-----"}\n`,
      ['backends.private_key: cert_chain and private_key must be given together'],
    ],
    [
      'several problems at once',
      `${MINIMAL}port: x\nlogging: {level: loud}\nfoo: 1\n`,
      [
        'port: must be a number',
        'logging.level: Invalid option: expected one of "trace"|"debug"|"info"|"warn"|"warning"|"error"|"fatal"|"panic"',
        'foo: unknown key',
      ],
    ],
    [
      'broken YAML',
      'port: [1,\n',
      [
        'config:2: YAML BAD_INDENT: Flow sequence in block collection must be sufficiently indented and end with a ]',
      ],
    ],
  ])('%s', (_name, text, expected) => {
    expect(messages(text)).toEqual(expected);
  });

  it('never prints a secret', () => {
    const all = messages(
      'gorouters: [{host: a, port: 1, pass: Sup3rSecret, token: Sup3rSecret}]\nbroker: {user: u, pass: 7}\n',
    ).join('\n');
    expect(all).toContain('gorouters[0].token: unknown key');
    expect(all).toContain('broker.pass: must be a string');
    expect(all).not.toContain('Sup3rSecret');
  });

  it('reports a missing file as one error', async () => {
    const result = await loadConfig('/nonexistent/promfetcher.yml', {});
    expect(!result.ok && result.error.map((e) => e.message)).toEqual([
      '/nonexistent/promfetcher.yml: cannot read the config file (ENOENT)',
    ]);
  });
});

describe('config: PROMFETCHER_* environment overrides', () => {
  it('override file values, including nested and list keys', () => {
    const result = parseConfig({
      text: 'nats: {hosts: [{hostname: a}]}\nbroker: {user: u, pass: p}\nport: 1000\n',
      env: {
        PROMFETCHER_PORT: '9000',
        PROMFETCHER_LOG_LEVEL: 'debug',
        PROMFETCHER_BROKER_PASS: 'from-env',
        PROMFETCHER_DB_CONN: 'sqlite:///tmp/x.db',
        PROMFETCHER_NATS_HOSTS: '10.0.0.1:4222,10.0.0.2:4223',
        PROMFETCHER_MAX_SCRAPE_TIMEOUT: '12s',
        PROMFETCHER_ACCOUNTING_SERIES: 'false',
        PROMFETCHER_CONFIG: 'ignored.yml',
        HOME: '/root',
      },
    });
    if (!result.ok) throw new Error(result.error.map((e) => e.message).join('\n'));
    expect(result.value.port).toBe(9000);
    expect(result.value.logging.level).toBe('debug');
    expect(result.value.broker.pass).toBe('from-env');
    expect(result.value.db_conn).toBe('sqlite:///tmp/x.db');
    expect(result.value.nats?.hosts).toEqual([
      { hostname: '10.0.0.1', port: 4222 },
      { hostname: '10.0.0.2', port: 4223 },
    ]);
    expect(result.value.max_scrape_timeout).toBe(12_000);
    expect(result.value.accounting_series).toBe(false);
  });

  it('configure everything without a file', () => {
    const result = parseConfig({
      env: { PROMFETCHER_NATS_HOSTS: '127.0.0.1:4222', PROMFETCHER_BROKER_ENABLE: 'false' },
    });
    expect(result.ok).toBe(true);
  });

  it('refuse unknown variables and bad values without echoing them', () => {
    expect(
      messages(MINIMAL, {
        PROMFETCHER_PROT: '1',
        PROMFETCHER_PORT: 'secretish',
        PROMFETCHER_NATS_HOSTS: 'nope',
      }),
    ).toEqual([
      'PROMFETCHER_NATS_HOSTS: must be host:port[,host:port…]',
      'PROMFETCHER_PORT: must be a whole number',
      'PROMFETCHER_PROT: unknown environment variable (did you mean PROMFETCHER_PORT?)',
    ]);
  });

  it('every override names a key of the schema', () => {
    for (const [name, { path }] of Object.entries(ENV_OVERRIDES)) {
      expect(name).toBe(
        `PROMFETCHER_${path
          .join('_')
          .toUpperCase()
          .replace(/^LOGGING_/, 'LOG_')}`,
      );
    }
  });
});

describe('docs/config.md', () => {
  it('documents every top-level key and every environment variable', () => {
    const doc = readFileSync(fileURLToPath(new URL('../../../docs/config.md', import.meta.url)), 'utf8');
    for (const key of Object.keys(configSchema.shape)) expect(doc).toContain(`\`${key}\``);
    for (const name of Object.keys(ENV_OVERRIDES)) expect(doc).toContain(`\`${name}\``);
  });
});

describe('loadConfig from a file', () => {
  it('names the file in YAML errors', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'promfetcher-config-'));
    try {
      const file = join(dir, 'bad.yml');
      writeFileSync(file, 'port: 1\nport: 2\n');
      const result = await loadConfig(file, {});
      expect(!result.ok && result.error[0]?.message).toMatch(/^.*bad\.yml:2: YAML DUPLICATE_KEY: /);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
