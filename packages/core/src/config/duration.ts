/** Durations as promfetcher-release renders them (Go duration strings), read the same way by every adapter. */

const GO_DURATION_UNITS_MS: Readonly<Record<string, number>> = {
  ns: 1e-6,
  us: 1e-3,
  µs: 1e-3,
  μs: 1e-3,
  ms: 1,
  s: 1_000,
  m: 60_000,
  h: 3_600_000,
};

const GO_DURATION_PART = /(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|μs|ms|s|m|h)/y;

/**
 * Parses a duration into milliseconds. The Go original read a bare integer as nanoseconds; we read it as seconds. A number (or a string of digits) is seconds; a string is read as a
 * Go duration (`1h2m3.5s`, `500ms`, `0`). Negative durations are refused. Returns `undefined` when invalid.
 */
export function parseDuration(input: string | number): number | undefined {
  if (typeof input === 'number') {
    return Number.isFinite(input) && input >= 0 ? input * 1_000 : undefined;
  }
  const text = input.trim();
  if (/^\d+(\.\d+)?$/.test(text)) return Number(text) * 1_000;
  const body = text.startsWith('+') ? text.slice(1) : text;
  if (body === '') return undefined;
  let totalMs = 0;
  GO_DURATION_PART.lastIndex = 0;
  let position = 0;
  while (position < body.length) {
    GO_DURATION_PART.lastIndex = position;
    const match = GO_DURATION_PART.exec(body);
    if (match === null || match[1] === undefined || match[2] === undefined) return undefined;
    totalMs += Number(match[1]) * (GO_DURATION_UNITS_MS[match[2]] ?? Number.NaN);
    position = GO_DURATION_PART.lastIndex;
  }
  return Number.isFinite(totalMs) ? totalMs : undefined;
}
