import { parseDuration } from '@promfetcher/core';

/**
 * `sql_cnx_max_life` and the other broker durations: a Go duration string, or a number of seconds (the Go
 * original took a bare integer as nanoseconds). Returns undefined when invalid (`1d` is not a Go duration).
 */
export const parseGoDuration: (input: string | number) => number | undefined = parseDuration;
