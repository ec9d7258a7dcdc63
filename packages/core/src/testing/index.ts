/**
 * @promfetcher/core/testing — fakes, builders and contract suites for adapters' tests.
 * Sections are owned by areas of the core.
 */

// --- routes ---
export type { RouteSourceHarness } from './contracts/route-source-harness.js';
export { routeSourceContract } from './contracts/route-source.contract.js';
export { InMemoryRouteSource } from './in-memory-route-source.js';
export { ManualClock } from './manual-clock.js';
export { anEndpoint, aRouteEntry, appTags, guidFor } from './builders.js';
export type { AppTagsInput } from './builders.js';

// --- scraping ---
export { ScriptedTargetScraper } from './scripted-target-scraper.js';
export type { ScrapeScript } from './scripted-target-scraper.js';
export { InMemoryEndpointOverrides } from './in-memory-endpoint-overrides.js';

// --- binding store ---
export { InMemoryBindingStore, InMemoryBindingData } from './in-memory-binding-store.js';
export { bindingStoreContract, anInstance, aBinding } from './contracts/binding-store.contract.js';
export type { BindingStoreSubject } from './contracts/binding-store.contract.js';
