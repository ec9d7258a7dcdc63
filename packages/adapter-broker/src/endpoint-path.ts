import { BadRequestError, err, validateMetricPath } from '@promfetcher/core';
import type { Result } from '@promfetcher/core';

/**
 * Checks a binding's `endpoint` parameter with the same rule as a caller's `metric_path` (core's
 * `validateMetricPath`: a path on the app's own instances; no absolute URL, `//host`, `@`, `\`, control
 * characters, `..` segments even percent-encoded; a query is allowed), plus the Go broker's own rule: it must
 * start with `/` (core would add a missing one; a bind is refused instead). Surrounding blanks are trimmed.
 */
export function validateEndpointPath(path: string): Result<string, BadRequestError> {
  if (!path.trim().startsWith('/')) {
    return err(new BadRequestError('endpoint', 'endpoint must be a path starting with /'));
  }
  return validateMetricPath(path, 'endpoint');
}
