import type { Logger } from '@promfetcher/core';
import { pino } from 'pino';
import type { DestinationStream, Logger as PinoLogger } from 'pino';

/** Paths pino redacts (STYLE.md §7): credentials in request headers, configs and errors. */
export const REDACT_PATHS: readonly string[] = [
  'authorization',
  'cookie',
  'password',
  'pass',
  'headers.authorization',
  'headers.cookie',
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["proxy-authorization"]',
  'res.headers["set-cookie"]',
  '*.authorization',
  '*.cookie',
  '*.password',
  '*.pass',
  '*.private_key',
  '*.db_conn',
];

const PINO_LEVELS: Readonly<Record<string, pino.Level>> = {
  trace: 'trace',
  debug: 'debug',
  info: 'info',
  warn: 'warn',
  warning: 'warn',
  error: 'error',
  fatal: 'fatal',
  panic: 'fatal',
};

/** The process's root pino logger: JSON lines, ISO times, credentials redacted. */
export function createRootLogger(level: string, destination?: DestinationStream): PinoLogger {
  return pino(
    {
      name: 'promfetcher',
      level: PINO_LEVELS[level] ?? 'info',
      redact: { paths: [...REDACT_PATHS], censor: '[redacted]' },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
    },
    destination,
  );
}

/** The core `Logger` port over a pino child for one component. */
export function componentLogger(root: PinoLogger, component: string): Logger & { readonly pino: PinoLogger } {
  const child = root.child({ component });
  return {
    pino: child,
    debug: (fields, message) => child.debug(fields, message),
    info: (fields, message) => child.info(fields, message),
    warn: (fields, message) => child.warn(fields, message),
    error: (fields, message) => child.error(fields, message),
  };
}
