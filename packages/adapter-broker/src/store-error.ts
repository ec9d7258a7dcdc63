import { PromfetcherError } from '@promfetcher/core';

/**
 * Wraps a driver error at the store's edge (STYLE.md §5): code `PF_STORE`, the driver error as `cause`, and
 * the database password (when known) scrubbed from the message.
 */
export function storeError(
  label: string,
  operation: string,
  cause: unknown,
  secret?: string,
): PromfetcherError {
  if (PromfetcherError.hasCode(cause, 'PF_STORE')) return cause;
  const raw = cause instanceof Error ? cause.message : String(cause);
  const message = scrub(`${label} binding store: ${operation} failed: ${raw}`, secret);
  return new PromfetcherError('PF_STORE', message, { cause });
}

/** Replaces every occurrence of the secret (URL-encoded or not) with `***`. */
export function scrub(text: string, secret: string | undefined): string {
  if (secret === undefined || secret.length === 0) return text;
  let out = text;
  for (const form of new Set([secret, encodeURIComponent(secret)])) out = out.split(form).join('***');
  return out;
}
