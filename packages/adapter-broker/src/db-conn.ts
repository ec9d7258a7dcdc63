import { isAbsolute, join, resolve } from 'node:path';
import { ConfigError } from '@promfetcher/core';
import { parseGoDuration } from './go-duration.js';

/** The database file used when `db_conn` is absent: `<data dir>/promfetcher.db`. */
export const DEFAULT_SQLITE_FILE = 'promfetcher.db';

export interface MysqlConnection {
  readonly host: string;
  readonly port: number;
  readonly user: string;
  readonly password: string | undefined;
  readonly database: string;
  readonly charset?: string;
  readonly timezone?: string;
  readonly connectTimeoutMs?: number;
  /** undefined: no TLS. */
  readonly ssl?: { readonly rejectUnauthorized: boolean };
}

export type DbConn =
  | { readonly kind: 'sqlite'; readonly path: string }
  | { readonly kind: 'postgres'; readonly connectionString: string; readonly password: string | undefined }
  | { readonly kind: 'mysql'; readonly connection: MysqlConnection };

/** Go-driver DSN parameters that have no meaning for mysql2 and are accepted without effect. */
const IGNORED_MYSQL_PARAMS = new Set([
  'parseTime',
  'loc',
  'collation',
  'allowNativePasswords',
  'allowCleartextPasswords',
  'interpolateParams',
  'readTimeout',
  'writeTimeout',
  'maxAllowedPacket',
  'rejectReadOnly',
  'columnsWithAlias',
  'clientFoundRows',
]);

/**
 * Reads `db_conn` as the original did, minus its bugs (cloudfoundry-protocols §5.22): `sqlite://relative`
 * (relative to `cwd`) and `sqlite:///absolute`; `postgres://` / `postgresql://` passed to `pg` as they are;
 * `mysql://` / `mariadb://` with a URL-decoded password and honoured query parameters (`tls`/`ssl`,
 * `charset`, `timeout`/`connectTimeout`, `timezone`; Go-only ones ignored, unknown ones refused). Absent →
 * the SQLite file `<dataDir>/promfetcher.db`. Errors never contain the password.
 */
export function parseDbConn(
  dbConn: string | undefined,
  options: { readonly dataDir: string; readonly cwd?: string },
): DbConn {
  if (dbConn === undefined || dbConn.trim() === '')
    return { kind: 'sqlite', path: join(options.dataDir, DEFAULT_SQLITE_FILE) };
  const text = dbConn.trim();
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(text)?.[1]?.toLowerCase();
  switch (scheme) {
    case 'sqlite':
    case 'sqlite3':
      return { kind: 'sqlite', path: sqlitePath(text, options.cwd ?? process.cwd()) };
    case 'postgres':
    case 'postgresql':
      return { kind: 'postgres', connectionString: text, password: parseUrl(text).password };
    case 'mysql':
    case 'mariadb':
      return { kind: 'mysql', connection: mysqlConnection(text) };
    default:
      throw new ConfigError(
        'db_conn',
        `unsupported scheme "${scheme ?? ''}" (use sqlite://, postgres:// or mysql://)`,
      );
  }
}

/**
 * The URL with its password replaced by `***`, for logs. Everything up to the last `@` goes: the release
 * renders the password unescaped, so it may hold `/`, `?`, `#` or `@` (and the URL is then invalid).
 */
export function redactDbConn(dbConn: string): string {
  return dbConn.replace(/^([a-z][a-z0-9+.-]*:\/\/[^:/@]*):.*@/is, '$1:***@');
}

function sqlitePath(text: string, cwd: string): string {
  const rest = text.replace(/^[a-z0-9]+:\/\//i, '').replace(/\?.*$/, '');
  if (rest === '' || rest === '/') throw new ConfigError('db_conn', 'a sqlite:// URL needs a file path');
  const path = safeDecode(rest);
  return isAbsolute(path) ? path : resolve(cwd, path);
}

function mysqlConnection(text: string): MysqlConnection {
  const url = parseUrl(text);
  const database = safeDecode(url.pathname.replace(/^\//, ''));
  if (database === '' || database.includes('/'))
    throw new ConfigError(
      'db_conn',
      'a mysql:// URL needs a database name: mysql://user:pass@host:3306/name',
    );
  let connection: MysqlConnection = {
    host: url.hostname === '' ? '127.0.0.1' : url.hostname.replace(/^\[(.*)\]$/, '$1'),
    port: url.port === '' ? 3306 : Number(url.port),
    user: url.username,
    password: url.password,
    database,
  };
  for (const [key, value] of url.searchParams) connection = { ...connection, ...mysqlParam(key, value) };
  return connection;
}

function mysqlParam(key: string, value: string): Partial<MysqlConnection> {
  switch (key) {
    case 'tls':
    case 'ssl':
      if (value === 'true') return { ssl: { rejectUnauthorized: true } };
      if (value === 'skip-verify') return { ssl: { rejectUnauthorized: false } };
      if (value === 'false') return {};
      throw new ConfigError(
        'db_conn',
        `query parameter ${key}="${value}" must be true, false or skip-verify`,
      );
    case 'charset':
      return { charset: value.split(',')[0] ?? value };
    case 'timezone':
      return { timezone: value };
    case 'timeout':
    case 'connectTimeout': {
      const ms = /^\d+$/.test(value) ? Number(value) : parseGoDuration(value);
      if (ms === undefined)
        throw new ConfigError('db_conn', `query parameter ${key}="${value}" is not a duration`);
      return { connectTimeoutMs: ms };
    }
    default:
      if (IGNORED_MYSQL_PARAMS.has(key)) return {};
      throw new ConfigError('db_conn', `unknown mysql query parameter "${key}"`);
  }
}

interface ParsedUrl {
  readonly hostname: string;
  readonly port: string;
  readonly username: string;
  readonly password: string | undefined;
  readonly pathname: string;
  readonly searchParams: URLSearchParams;
}

function parseUrl(text: string): ParsedUrl {
  let url: URL;
  try {
    url = new URL(text);
  } catch (cause) {
    // Node's TypeError carries the input (with its password) as `input`: keep only its name as the cause.
    throw new ConfigError('db_conn', `not a valid URL: ${redactDbConn(text)}`, {
      cause: new Error(String((cause as Error).name)),
    });
  }
  return {
    hostname: url.hostname,
    port: url.port,
    username: safeDecode(url.username),
    password: url.password === '' ? undefined : safeDecode(url.password),
    pathname: url.pathname,
    searchParams: url.searchParams,
  };
}

/** promfetcher-release renders the password without escaping it: a stray `%` is then taken literally. */
function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}
