import { PromfetcherError } from '@promfetcher/core';

/** OSB's reserved machine-readable error codes (`error` in the body). */
export type OsbErrorCode = 'AsyncRequired' | 'ConcurrencyError' | 'RequiresApp' | 'MaintenanceInfoConflict';

/**
 * A 4xx answer of the broker, with the OSB error body `{error?, description}`. Code `PF_BROKER`
 * (`PF_UNAUTHORIZED` for 401). The description goes to the platform: it never contains credentials.
 */
export class OsbError extends PromfetcherError {
  readonly status: number;
  readonly osbError: OsbErrorCode | undefined;

  constructor(status: number, description: string, osbError?: OsbErrorCode) {
    super(status === 401 ? 'PF_UNAUTHORIZED' : 'PF_BROKER', description);
    this.status = status;
    this.osbError = osbError;
  }

  body(): { error?: string; description: string } {
    return this.osbError === undefined
      ? { description: this.message }
      : { error: this.osbError, description: this.message };
  }

  static badRequest(description: string): OsbError {
    return new OsbError(400, description);
  }
}
