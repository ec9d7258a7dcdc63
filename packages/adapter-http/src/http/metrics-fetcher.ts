import type { AppNotFoundError, BadRequestError, FetchInput, FetchOutput, Result } from '@promfetcher/core';

/** The fetch use case, as the HTTP layer needs it (core's `FetchAppMetrics`). */
export interface MetricsFetcher {
  execute(input: FetchInput): Promise<Result<FetchOutput, AppNotFoundError | BadRequestError>>;
}
