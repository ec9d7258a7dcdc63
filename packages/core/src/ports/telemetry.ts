import type { ScrapeFailureReason } from '../errors.js';

/** The app an instance belongs to, as the CF labels name it. */
export interface AppLabels {
  readonly organizationId: string;
  readonly spaceId: string;
  readonly appId: string;
  readonly organizationName: string;
  readonly spaceName: string;
  readonly appName: string;
}

/** What the fetch use case reports about its work; adapter-http implements it with prom-client. */
export interface FetchTelemetry {
  targetScraped(
    app: AppLabels,
    target: { readonly kind: 'instance' | 'exporter'; readonly index?: string },
    outcome: { readonly ok: boolean; readonly reason?: ScrapeFailureReason; readonly durationMs: number },
  ): void;
  /** Samples that could not be represented in the merged answer (see docs on merge rules). */
  samplesDropped(count: number, cause: string): void;
}

export const noopTelemetry: FetchTelemetry = {
  targetScraped: () => undefined,
  samplesDropped: () => undefined,
};
