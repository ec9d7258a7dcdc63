import type { EndpointOverrides } from '../ports/endpoint-overrides.js';

/** Broker metric paths held in a map; counts lookups so tests can check "once per app". */
export class InMemoryEndpointOverrides implements EndpointOverrides {
  private readonly paths = new Map<string, string>();
  /** Every `endpointFor` call, in order. */
  readonly lookups: string[] = [];

  constructor(initial: Readonly<Record<string, string>> = {}) {
    for (const [app, path] of Object.entries(initial)) this.paths.set(app, path);
  }

  set(appGuid: string, path: string): void {
    this.paths.set(appGuid, path);
  }

  delete(appGuid: string): void {
    this.paths.delete(appGuid);
  }

  endpointFor(appGuid: string): Promise<string | undefined> {
    this.lookups.push(appGuid);
    return Promise.resolve(this.paths.get(appGuid));
  }
}
