/**
 * The text writer's output checked by Prometheus' own parser: `promtool check metrics` (Debian package
 * `prometheus`, installed by .ci/run). Exit 0 (clean) or 3 (lint warnings only) pass; 1 (parse error)
 * fails. Run on the fixtures (as they are, relabelled and merged) and on random expositions.
 */
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { looseExposition, validExposition } from '../../test/kit/exposition-arbitraries.js';
import { mergeExpositions } from '../merge/merge-expositions.js';
import { cfLabelsFor } from '../relabel/cf-labels.js';
import { relabel } from '../relabel/relabel.js';
import type { Exposition } from './model.js';
import { parseExposition } from './parse.js';
import { serializeText } from './serialize-text.js';

const PROMTOOL = '/usr/bin/promtool';
const FIXTURES = join(dirname(fileURLToPath(import.meta.url)), '../../fixtures');

function promtool(body: string): { status: number | null; stderr: string } {
  const r = spawnSync(PROMTOOL, ['check', 'metrics'], { input: body, encoding: 'utf8', timeout: 20_000 });
  if (r.error !== undefined) throw r.error;
  return { status: r.status, stderr: r.stderr };
}

function expectAccepted(body: string): void {
  const { status, stderr } = promtool(body);
  if (status !== 0 && status !== 3) {
    throw new Error(`promtool exit ${status}: ${stderr}\n--- body ---\n${body.slice(0, 4000)}`);
  }
}

function fixture(file: string): Exposition {
  const contentType = file.endsWith('.om.txt') ? 'application/openmetrics-text; version=1.0.0' : 'text/plain';
  const r = parseExposition(readFileSync(join(FIXTURES, file), 'utf8'), contentType);
  if (!r.ok) throw r.error;
  return r.value;
}

const fixtures = readdirSync(FIXTURES).filter((f) => f.endsWith('.prom') || f.endsWith('.om.txt'));

describe('promtool check metrics on serializeText output', () => {
  it('the checker itself rejects a broken body (so this test can fail)', () => {
    expect(promtool('# TYPE x counter\n# TYPE x counter\nx 1\n').status).toBe(1);
    expect(promtool('x{a="\\t"} 1\n').status).toBe(1);
  });

  it('finds the fixtures', () => {
    expect(fixtures.length).toBeGreaterThanOrEqual(2);
  });

  it.each(fixtures)('accepts fixture %s re-serialized', (file) => {
    expectAccepted(serializeText(fixture(file)));
  });

  it('accepts all fixtures relabelled and merged as three instances', () => {
    const parts = fixtures.flatMap((file, f) =>
      [0, 1, 2].map((i) =>
        relabel(
          fixture(file),
          cfLabelsFor({
            organizationId: 'org-guid',
            spaceId: 'space-guid',
            appId: `app-${f}`,
            organizationName: 'org',
            spaceName: 'space',
            appName: 'app',
            index: String(i),
            instance: `10.0.0.${i}:8080`,
          }),
        ),
      ),
    );
    const merged = mergeExpositions(parts);
    expectAccepted(serializeText(merged.exposition));
  });

  // promtool starts in ~0.1–0.3 s: a few dozen runs per property.
  it('accepts random valid expositions', () => {
    for (const x of fc.sample(validExposition, 15)) expectAccepted(serializeText(x));
  }, 90_000);

  it('accepts random loose expositions (bad values, clashes, bad labels), merged or not', () => {
    for (const x of fc.sample(looseExposition, 15)) expectAccepted(serializeText(x));
    for (const parts of fc.sample(fc.array(looseExposition, { maxLength: 4 }), 10)) {
      expectAccepted(serializeText(mergeExpositions(parts).exposition));
    }
  }, 90_000);
});
