/**
 * Translates what got (or Node's sockets under it) throws into core's `ScrapeError`, with a bounded reason
 * (STYLE.md §5: adapters translate foreign errors at their edge and keep the original as `cause`). Messages
 * name the target without credentials and never carry headers.
 */
import { ScrapeError, type ScrapeFailureReason } from '@promfetcher/core';

const CONNECT_CODES = new Set([
  'ECONNREFUSED',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EADDRNOTAVAIL',
  'EADDRINUSE',
  'ECONNRESET',
  'EPIPE',
]);

const TIMEOUT_CODES = new Set(['ETIMEDOUT', 'ESOCKETTIMEDOUT', 'ERR_ABORTED', 'ABORT_ERR']);

/** OpenSSL verification codes and Node's TLS codes. */
const TLS_CODE =
  /^(ERR_TLS_|ERR_SSL_|EPROTO$|CERT_|DEPTH_ZERO_|SELF_SIGNED_|UNABLE_TO_|HOSTNAME_MISMATCH|ERR_OSSL_)/;

/** The error thrown by the scraper when the body exceeds its limit (decompressed). */
export class BodyTooLargeError extends Error {
  readonly limitBytes: number;
  constructor(limitBytes: number) {
    super(`body larger than ${limitBytes} bytes`);
    this.name = 'BodyTooLargeError';
    this.limitBytes = limitBytes;
  }
}

/** The error thrown by the scraper for a redirect it will not follow. */
export class RefusedRedirectError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RefusedRedirectError';
  }
}

function codeOf(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' ? code : undefined;
}

/** The reason for a thrown error, looking through got's wrapping (`cause`) once or twice. */
export function reasonOfGotError(error: unknown): ScrapeFailureReason {
  let current: unknown = error;
  for (let depth = 0; depth < 3 && current !== undefined; depth++) {
    if (current instanceof BodyTooLargeError) return 'body_too_large';
    if (current instanceof RefusedRedirectError) return 'redirect';
    const name = typeof current === 'object' && current !== null ? (current as Error).name : undefined;
    if (name === 'TimeoutError' || name === 'AbortError') return 'timeout';
    const code = codeOf(current);
    if (code !== undefined) {
      if (TIMEOUT_CODES.has(code)) return 'timeout';
      if (TLS_CODE.test(code)) return 'tls';
      if (CONNECT_CODES.has(code)) return 'connect';
      if (code === 'ERR_TOO_MANY_REDIRECTS') return 'redirect';
    }
    current = typeof current === 'object' && current !== null ? (current as Error).cause : undefined;
  }
  return 'other';
}

/** A short, credential-free description: the error's code and class, never its headers. */
function describe(error: unknown, reason: ScrapeFailureReason): string {
  const code = codeOf(error);
  const name = error instanceof Error ? error.name : typeof error;
  const message = error instanceof Error ? error.message.replace(/\/\/[^/@\s]*@/g, '//') : '';
  return `${reason}: ${name}${code === undefined ? '' : ` ${code}`}${message === '' ? '' : ` (${message})`}`;
}

/** `ScrapeError.fromGot`: the static factory of STYLE.md §5, as a function (core knows no got). */
export function scrapeErrorFromGot(error: unknown, target: string): ScrapeError {
  const reason = reasonOfGotError(error);
  return new ScrapeError(reason, target, describe(error, reason), { cause: error });
}

/** A failure for an HTTP status that is not 2xx. */
export function scrapeErrorForStatus(status: number, target: string): ScrapeError {
  const reason: ScrapeFailureReason =
    status >= 500 ? 'status_5xx' : status >= 400 ? 'status_4xx' : status >= 300 ? 'redirect' : 'other';
  return new ScrapeError(reason, target, `server returned HTTP status ${status}`, { status });
}
