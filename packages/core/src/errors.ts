/**
 * The one error base of promfetcher (STYLE.md §5). Core errors know no HTTP: adapter-http maps codes to
 * statuses. Every code is listed in docs/errors.md (a unit test checks both ways).
 */
export type PromfetcherErrorCode =
  | 'PF_PARSE' // an exposition could not be parsed
  | 'PF_APP_NOT_FOUND' // no route-table entry for the requested app
  | 'PF_BAD_REQUEST' // a caller's parameter is invalid (metric_path, app reference, …)
  | 'PF_SCRAPE' // one instance could not be scraped
  | 'PF_CONFIG' // configuration is invalid
  | 'PF_ROUTES' // a route source failed (poll, NATS message)
  | 'PF_STORE' // the binding store failed
  | 'PF_BROKER' // an OSB request is invalid or conflicts
  | 'PF_UNAUTHORIZED' // missing or wrong credentials
  | 'PF_INTERNAL'; // a bug: never expected

const BRAND = Symbol.for('promfetcher.error');

export class PromfetcherError extends Error {
  readonly code: PromfetcherErrorCode;
  readonly [BRAND] = true;

  constructor(code: PromfetcherErrorCode, message: string, options?: ErrorOptions) {
    super(message, options);
    this.code = code;
    this.name = new.target.name;
  }

  /** True for any promfetcher error, even one made by another copy of this package. */
  static is(x: unknown): x is PromfetcherError {
    return typeof x === 'object' && x !== null && (x as Record<symbol, unknown>)[BRAND] === true;
  }

  static hasCode<C extends PromfetcherErrorCode>(x: unknown, code: C): x is PromfetcherError & { code: C } {
    return PromfetcherError.is(x) && x.code === code;
  }
}

/** A parse error names the 1-based line and the reason. */
export class ExpositionParseError extends PromfetcherError {
  readonly line: number;
  readonly reason: string;
  constructor(line: number, reason: string, options?: ErrorOptions) {
    super('PF_PARSE', `line ${line}: ${reason}`, options);
    this.line = line;
    this.reason = reason;
  }
}

export class AppNotFoundError extends PromfetcherError {
  readonly appRef: string;
  constructor(appRef: string) {
    super('PF_APP_NOT_FOUND', `no app found with id or route "${appRef}"`);
    this.appRef = appRef;
  }
}

export class BadRequestError extends PromfetcherError {
  readonly parameter: string;
  constructor(parameter: string, message: string) {
    super('PF_BAD_REQUEST', message);
    this.parameter = parameter;
  }
}

/**
 * Why one instance failed. A bounded set: it becomes the `reason` label of failure series, so it must never
 * carry free-form text.
 */
export type ScrapeFailureReason =
  | 'timeout'
  | 'connect'
  | 'tls'
  | 'status_4xx'
  | 'status_5xx'
  | 'redirect'
  | 'body_too_large'
  | 'parse'
  | 'other';

export const SCRAPE_FAILURE_REASONS: readonly ScrapeFailureReason[] = [
  'timeout',
  'connect',
  'tls',
  'status_4xx',
  'status_5xx',
  'redirect',
  'body_too_large',
  'parse',
  'other',
];

export class ScrapeError extends PromfetcherError {
  readonly reason: ScrapeFailureReason;
  /** The scrape target, as `scheme://address/path` without credentials. */
  readonly target: string;
  readonly status?: number;
  constructor(
    reason: ScrapeFailureReason,
    target: string,
    message: string,
    options?: ErrorOptions & { status?: number },
  ) {
    super('PF_SCRAPE', `${target}: ${message}`, options);
    this.reason = reason;
    this.target = target;
    if (options?.status !== undefined) this.status = options.status;
  }
}

export class ConfigError extends PromfetcherError {
  readonly path: string;
  constructor(path: string, message: string, options?: ErrorOptions) {
    super('PF_CONFIG', `${path}: ${message}`, options);
    this.path = path;
  }
}
