/**
 * Error code → HTTP status. Exhaustive: a new `PF_*` code in core fails the type check here until it gets
 * a status (STYLE.md §5). 4xx: the message goes to the client; 5xx: a generic text, details only in the log.
 */
import type { PromfetcherErrorCode } from '@promfetcher/core';

export const ERROR_STATUS: Readonly<Record<PromfetcherErrorCode, number>> = Object.freeze({
  PF_APP_NOT_FOUND: 404,
  PF_BAD_REQUEST: 400,
  PF_UNAUTHORIZED: 401,
  PF_BROKER: 400,
  PF_PARSE: 502,
  PF_SCRAPE: 502,
  PF_ROUTES: 503,
  PF_STORE: 503,
  PF_CONFIG: 500,
  PF_INTERNAL: 500,
});

/** The body of an error answer: the message for a 4xx, a generic text for a 5xx. */
export function errorBody(status: number, message: string): string {
  return status < 500 ? `${status} ${message}\n` : `${status} internal error, see the server log\n`;
}
