/**
 * The metrics path of an app's instances (`metric_path` query parameter, broker bind `endpoint`). It is
 * appended to `scheme://address`, so it must stay a path on that address:
 * - trimmed; empty or absent → `/metrics`; a missing leading `/` is added; it may carry its own `?query`;
 * - refused: an absolute URL (`scheme:`), `//host`, `@`, `\`, control characters (CR/LF included), also
 *   percent-encoded (`%0d%0a`), characters outside printable ASCII (Unicode look-alikes such as `／`:
 *   percent-encode them), overlong UTF-8 escapes (`%c0%af`), `..` segments in the path, also percent-encoded
 *   (`%2e%2e`, with `%2f` / `%5c` as separators), and more than 2048 characters.
 */
import { BadRequestError } from '../errors.js';
import { err, ok, type Result } from '../result.js';

export const DEFAULT_METRIC_PATH = '/metrics';
export const MAX_METRIC_PATH_LENGTH = 2048;

const CONTROL = /[\u0000-\u001f\u007f]/;
const NON_ASCII = /[^\u0020-\u007e]/;
const ENCODED_CONTROL = /%(?:[01][0-9a-f]|7f)/i;
const OVERLONG = /%c[01]/i;
const SCHEME = /^[a-z][a-z0-9+.-]*:/i;
const ENCODED = /%(2e|2f|5c)/gi;

function decodeSeparators(path: string): string {
  return path.replace(ENCODED, (m: string) => {
    switch (m.toLowerCase()) {
      case '%2e':
        return '.';
      case '%2f':
        return '/';
      default:
        return '\\';
    }
  });
}

export function validateMetricPath(
  input: string | undefined,
  parameter = 'metric_path',
): Result<string, BadRequestError> {
  if (input === undefined) return ok(DEFAULT_METRIC_PATH);
  const bad = (why: string): Result<string, BadRequestError> =>
    err(new BadRequestError(parameter, `${parameter} ${why}`));
  const p = input.trim();
  if (p === '') return ok(DEFAULT_METRIC_PATH);
  if (CONTROL.test(p)) return bad('contains a control character');
  if (ENCODED_CONTROL.test(p)) return bad('contains a percent-encoded control character');
  if (NON_ASCII.test(p)) return bad('must be printable ASCII (percent-encode other characters)');
  if (OVERLONG.test(p)) return bad('contains an overlong UTF-8 escape');
  if (p.length > MAX_METRIC_PATH_LENGTH) return bad(`is longer than ${MAX_METRIC_PATH_LENGTH} characters`);
  if (SCHEME.test(p)) return bad('must be a path, not an absolute URL');
  if (p.startsWith('//')) return bad('must not start with "//"');
  if (p.includes('@')) return bad('must not contain "@"');
  if (p.includes('\\')) return bad('must not contain "\\"');
  const q = p.indexOf('?');
  const path = decodeSeparators(q < 0 ? p : p.slice(0, q));
  if (path.includes('\\')) return bad('must not contain an encoded "\\"');
  if (path.split('/').some((segment) => segment === '..')) return bad('must not contain a ".." segment');
  if (path.startsWith('//')) return bad('must not start with "//"');
  return ok(p.startsWith('/') ? p : `/${p}`);
}
