import { brokerConfigSchema, poolOptionsFrom } from './config.js';

describe('brokerConfigSchema', () => {
  it('applies the release defaults', () => {
    const config = brokerConfigSchema.parse({ broker: { user: 'u', pass: 'p' } });
    expect(config).toEqual({
      broker: {
        user: 'u',
        pass: 'p',
        broker_service_id: 'e44a55b7-b532-4247-89f3-4ea92054b793',
        broker_plan_id: '3294e4fa-42b3-4505-b289-8fb3695b5b3a',
        enable: true,
        endpoint_cache_ttl: 5_000,
      },
      sql_cnx_max_open: 10,
      sql_cnx_max_idle: 5,
      sql_cnx_max_life: 3_600_000,
      base_url: '',
    });
    expect(poolOptionsFrom(config)).toEqual({ maxOpen: 10, maxIdle: 5, maxLifeMs: 3_600_000 });
  });

  it('reads the rendered release example (strings for counts, Go durations, trailing slash)', () => {
    const config = brokerConfigSchema.parse({
      broker: { user: 'promfetcher-broker', pass: 'pw2', broker_service_id: 's', broker_plan_id: 'p' },
      db_conn: 'mysql://promfetcher:pw@sql-db.service.cf.internal:3306/promfetcher',
      sql_cnx_max_open: '20',
      sql_cnx_max_idle: 30,
      sql_cnx_max_life: '1h30m',
      base_url: 'https://promfetcher.sys.example.com/',
    });
    expect(config.base_url).toBe('https://promfetcher.sys.example.com');
    expect(config.sql_cnx_max_life).toBe(5_400_000);
    expect(poolOptionsFrom(config)).toEqual({ maxOpen: 20, maxIdle: 20, maxLifeMs: 5_400_000 });
  });

  it('requires credentials while the broker is enabled, and only then', () => {
    const missing = brokerConfigSchema.safeParse({});
    expect(missing.success).toBe(false);
    expect(missing.error?.issues.map((i) => i.path.join('.')).sort()).toEqual(['broker.pass', 'broker.user']);
    expect(brokerConfigSchema.safeParse({ broker: { user: 'u', pass: '' } }).success).toBe(false);
    expect(brokerConfigSchema.safeParse({ broker: { enable: false } }).success).toBe(true);
  });

  it('refuses unknown keys, bad durations and bad counts, naming the key', () => {
    const cases: Array<[unknown, string]> = [
      [{ broker: { user: 'u', pass: 'p', username: 'x' } }, 'broker'],
      [{ broker: { user: 'u', pass: 'p' }, sql_cnx_max_life: '1d' }, 'sql_cnx_max_life'],
      [{ broker: { user: 'u', pass: 'p' }, sql_cnx_max_open: '10x' }, 'sql_cnx_max_open'],
      [{ broker: { user: 'u', pass: 'p' }, dbconn: 'x' }, ''],
    ];
    for (const [input, path] of cases) {
      const result = brokerConfigSchema.safeParse(input);
      expect(result.success).toBe(false);
      expect(result.error?.issues[0]?.path.join('.')).toBe(path);
    }
  });
});
