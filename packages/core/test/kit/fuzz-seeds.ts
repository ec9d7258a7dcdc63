/**
 * Real expositions to mutate in fuzz tests: the core fixtures and the 211 OpenMetrics conformance inputs
 * (read where they lie, `../shared/testdata/openmetrics-parsers` beside the repository).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = fileURLToPath(new URL('../../../../', import.meta.url));
const fixturesDir = resolve(repoRoot, 'packages/core/fixtures');
const casesDir = resolve(repoRoot, '../shared/testdata/openmetrics-parsers');

export function loadFuzzSeeds(): string[] {
  const seeds: string[] = [];
  for (const name of readdirSync(fixturesDir).sort()) {
    if (name.endsWith('.md')) continue;
    seeds.push(readFileSync(join(fixturesDir, name), 'utf8'));
  }
  for (const entry of readdirSync(casesDir, { withFileTypes: true })) {
    if (!entry.isDirectory()) continue;
    seeds.push(readFileSync(join(casesDir, entry.name, 'metrics'), 'utf8'));
  }
  return seeds;
}
