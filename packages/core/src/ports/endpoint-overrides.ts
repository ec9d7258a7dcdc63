/**
 * Per-app metrics paths set through broker bindings (`cf bind-service app x -c '{"endpoint":"/path"}'`).
 * Implementations must answer from memory (a cache with a short staleness bound), never with a database
 * round trip per instance.
 */
export interface EndpointOverrides {
  endpointFor(appGuid: string): Promise<string | undefined>;
}
