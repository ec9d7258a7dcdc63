import { PromfetcherError } from '@promfetcher/core';
import { parseDbConn, redactDbConn } from './db-conn.js';

const opts = { dataDir: '/var/lib/promfetcher', cwd: '/srv/app' };

describe('parseDbConn', () => {
  it('defaults to a SQLite file in the data dir', () => {
    expect(parseDbConn(undefined, opts)).toEqual({
      kind: 'sqlite',
      path: '/var/lib/promfetcher/promfetcher.db',
    });
    expect(parseDbConn('  ', opts)).toEqual({ kind: 'sqlite', path: '/var/lib/promfetcher/promfetcher.db' });
  });

  it('reads sqlite://relative against cwd and sqlite:///absolute as absolute (fixes §5.22)', () => {
    expect(parseDbConn('sqlite://data/pf.db', opts)).toEqual({ kind: 'sqlite', path: '/srv/app/data/pf.db' });
    expect(parseDbConn('sqlite:///var/db/pf.db', opts)).toEqual({ kind: 'sqlite', path: '/var/db/pf.db' });
    expect(parseDbConn('sqlite:///var/db/my%20pf.db', opts)).toEqual({
      kind: 'sqlite',
      path: '/var/db/my pf.db',
    });
  });

  it('passes postgres URLs through, remembering the password only to scrub it', () => {
    expect(parseDbConn('postgres://u:p%40ss@db:5432/pf?sslmode=require', opts)).toEqual({
      kind: 'postgres',
      connectionString: 'postgres://u:p%40ss@db:5432/pf?sslmode=require',
      password: 'p@ss',
    });
    expect(parseDbConn('postgresql://db/pf', opts)).toMatchObject({ kind: 'postgres', password: undefined });
  });

  it('reads mysql:// and mariadb:// with a decoded password and honoured query parameters (fixes §5.22)', () => {
    expect(parseDbConn('mysql://promfetcher:p%2Fw%40rd@sql-db.service.cf.internal:3307/pfdb', opts)).toEqual({
      kind: 'mysql',
      connection: {
        host: 'sql-db.service.cf.internal',
        port: 3307,
        user: 'promfetcher',
        password: 'p/w@rd',
        database: 'pfdb',
      },
    });
    expect(
      parseDbConn(
        'mariadb://root@127.0.0.1/test?tls=skip-verify&charset=utf8mb4,utf8&timeout=5s&parseTime=true',
        opts,
      ),
    ).toEqual({
      kind: 'mysql',
      connection: {
        host: '127.0.0.1',
        port: 3306,
        user: 'root',
        password: undefined,
        database: 'test',
        ssl: { rejectUnauthorized: false },
        charset: 'utf8mb4',
        connectTimeoutMs: 5_000,
      },
    });
  });

  it('takes an unescaped release password (with a stray %) literally', () => {
    const conn = parseDbConn('mysql://u:100%pure@h:3306/d', opts);
    expect(conn).toMatchObject({ kind: 'mysql', connection: { password: '100%pure' } });
  });

  it.each([
    ['redis://h/0', 'unsupported scheme "redis"'],
    ['nonsense', 'unsupported scheme ""'],
    ['sqlite://', 'needs a file path'],
    ['mysql://u:secret@h:3306/', 'needs a database name'],
    ['mysql://u:secret@h:3306/d?tls=maybe', 'tls="maybe"'],
    ['mysql://u:secret@h:3306/d?bogus=1', 'unknown mysql query parameter "bogus"'],
    ['mysql://u:secret@h:99999/d', 'not a valid URL: mysql://u:***@h:99999/d'],
    ['postgres://u:se/cret@h:5432/d', 'not a valid URL: postgres://u:***@h:5432/d'],
    ['mysql://u:se#cret@h:3306/d', 'not a valid URL: mysql://u:***@h:3306/d'],
  ])('refuses %s with a ConfigError on db_conn that hides the password', (url, message) => {
    let thrown: unknown;
    try {
      parseDbConn(url, opts);
    } catch (e) {
      thrown = e;
    }
    expect(PromfetcherError.hasCode(thrown, 'PF_CONFIG')).toBe(true);
    expect((thrown as Error).message).toContain(message);
    expect((thrown as Error).message).not.toContain('secret');
    expect(JSON.stringify((thrown as Error).cause ?? '')).not.toContain('secret');
  });
});

describe('redactDbConn', () => {
  it('hides the password and keeps the rest', () => {
    expect(redactDbConn('mysql://u:s3cret@h:3306/d')).toBe('mysql://u:***@h:3306/d');
    expect(redactDbConn('postgres://u@h/d')).toBe('postgres://u@h/d');
    expect(redactDbConn('sqlite:///a/b')).toBe('sqlite:///a/b');
  });

  it('hides an unescaped password holding "/", "?", "#" or "@" (an invalid URL)', () => {
    expect(redactDbConn('postgres://u:s3/c?r#e@t@h:5432/d')).toBe('postgres://u:***@h:5432/d');
  });
});
