/**
 * @promfetcher/core/testing — fakes, builders and contract suites for adapters' tests.
 * Sections are owned by areas of the core.
 */

// --- routes ---
export type { RouteSourceHarness } from './contracts/route-source-harness.js';

// --- scraping ---

// --- binding store ---
