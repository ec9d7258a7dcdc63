/**
 * Issue 9 item 6: property-based fuzzing of the merge. Random sets of real expositions (the fixtures and the
 * OpenMetrics conformance cases, as they are or mutated, parsed as text 0.0.4 or OpenMetrics), each
 * relabelled with a CF identity (distinct instances, repeated instances, no index at all), are merged.
 * Properties: the merge never throws; every input sample is in the output or counted in `droppedSamples`
 * (which is the sum of the conflicts); the output serializes in both formats to text that parses again; the
 * merge is deterministic. The seed is fixed by jest.setup.js; `FC_SEED=random` explores.
 */
import fc from 'fast-check';
import { loadFuzzSeeds } from '../../test/kit/fuzz-seeds.js';
import type { Exposition } from '../exposition/model.js';
import { parseOpenMetrics } from '../exposition/parse-openmetrics.js';
import { parseText } from '../exposition/parse-text.js';
import { serializeOpenMetrics } from '../exposition/serialize-openmetrics.js';
import { serializeText } from '../exposition/serialize-text.js';
import { cfLabelsFor } from '../relabel/cf-labels.js';
import type { CfIdentity } from '../relabel/cf-labels.js';
import { relabel } from '../relabel/relabel.js';
import { mergeExpositions } from './merge-expositions.js';

const RUNS = Number(process.env['FUZZ_RUNS'] ?? 500);
const HANG_MS = 500;

/** Each seed parsed by whichever parser accepts it (both, for most fixtures). */
const parsedSeeds: readonly Exposition[] = loadFuzzSeeds().flatMap((input) =>
  [parseText(input), parseOpenMetrics(input)].flatMap((r) => (r.ok ? [r.value] : [])),
);

type Edit =
  | { readonly kind: 'delete-line'; readonly at: number }
  | { readonly kind: 'duplicate-line'; readonly at: number }
  | { readonly kind: 'swap-lines'; readonly at: number; readonly with: number }
  | { readonly kind: 'insert'; readonly at: number; readonly token: string }
  | { readonly kind: 'label-value'; readonly at: number; readonly value: string };

const position = fc.nat({ max: 1_000_000 });

const edit: fc.Arbitrary<Edit> = fc.oneof(
  fc.record({ kind: fc.constant('delete-line' as const), at: position }),
  fc.record({ kind: fc.constant('duplicate-line' as const), at: position }),
  fc.record({ kind: fc.constant('swap-lines' as const), at: position, with: position }),
  fc.record({
    kind: fc.constant('insert' as const),
    at: position,
    token: fc.constantFrom('{', '"', '\\', '\n', '#', '\0', '1e309', '9'.repeat(400), '_total', '_count'),
  }),
  fc.record({
    kind: fc.constant('label-value' as const),
    at: position,
    value: fc.constantFrom('v'.repeat(5_000), '\\\\', '\\"', '\\n', 'é😀', ''),
  }),
);

function applyEdit(input: string, e: Edit): string {
  const lines = input.split('\n');
  const line = (n: number): number => n % lines.length;
  switch (e.kind) {
    case 'delete-line':
      lines.splice(line(e.at), 1);
      return lines.join('\n');
    case 'duplicate-line':
      lines.splice(line(e.at), 0, lines[line(e.at)] ?? '');
      return lines.join('\n');
    case 'swap-lines': {
      const a = line(e.at);
      const b = line(e.with);
      const tmp = lines[a] ?? '';
      lines[a] = lines[b] ?? '';
      lines[b] = tmp;
      return lines.join('\n');
    }
    case 'insert': {
      const at = e.at % (input.length + 1);
      return input.slice(0, at) + e.token + input.slice(at);
    }
    case 'label-value': {
      const starts = [...input.matchAll(/="/g)].map((match) => match.index + 2);
      if (starts.length === 0) return input;
      const at = starts[e.at % starts.length] ?? 0;
      return input.slice(0, at) + e.value + input.slice(at);
    }
  }
}

/** A mutated seed, parsed; the mutants that no parser accepts are left out (an instance that failed). */
const mutatedPart: fc.Arbitrary<Exposition | undefined> = fc
  .tuple(fc.constantFrom(...loadFuzzSeeds()), fc.array(edit, { minLength: 1, maxLength: 3 }), fc.boolean())
  .map(([seed, edits, om]) => {
    const input = edits.reduce(applyEdit, seed);
    const result = om ? parseOpenMetrics(input) : parseText(input);
    return result.ok ? result.value : undefined;
  });

const part: fc.Arbitrary<Exposition | undefined> = fc.oneof(fc.constantFrom(...parsedSeeds), mutatedPart);

/** An instance identity: a few indexes (so some parts repeat an instance), sometimes no index at all. */
const identity: fc.Arbitrary<CfIdentity> = fc
  .record({
    app: fc.constantFrom('shop', 'billing'),
    index: fc.option(fc.constantFrom('0', '1', '2', '3'), { nil: undefined }),
  })
  .map(({ app, index }) => ({
    organizationId: 'org-guid',
    spaceId: 'space-guid',
    appId: `${app}-guid`,
    organizationName: 'acme',
    spaceName: 'prod',
    appName: app,
    ...(index === undefined ? {} : { index, instance: `127.0.0.1:${61_000 + Number(index)}` }),
  }));

const parts: fc.Arbitrary<Exposition[]> = fc
  .array(fc.tuple(part, identity), { minLength: 0, maxLength: 6 })
  .map((pairs) => pairs.flatMap(([p, id]) => (p === undefined ? [] : [relabel(p, cfLabelsFor(id))])));

function sampleCount(e: Exposition): number {
  return e.families.reduce((n, f) => n + f.samples.length, 0);
}

describe('merge fuzzing', () => {
  it('parses enough seeds to merge', () => {
    expect(parsedSeeds.length).toBeGreaterThan(100);
  });

  it('never throws, accounts for every sample, and its output re-parses in both formats', () => {
    let merged = 0;
    let conflicted = 0;
    fc.assert(
      fc.property(parts, (input) => {
        const start = performance.now();
        const out = mergeExpositions(input);
        expect(performance.now() - start).toBeLessThan(HANG_MS);

        const inputs = input.reduce((n, e) => n + sampleCount(e), 0);
        expect(sampleCount(out.exposition) + out.droppedSamples).toBe(inputs);
        expect(out.conflicts.reduce((n, c) => n + c.dropped, 0)).toBe(out.droppedSamples);

        const text = serializeText(out.exposition);
        const againText = parseText(text);
        if (!againText.ok) throw new Error(`merged text does not parse: ${againText.error.message}\n${text}`);
        const om = serializeOpenMetrics(out.exposition);
        const againOm = parseOpenMetrics(om);
        if (!againOm.ok)
          throw new Error(`merged OpenMetrics does not parse: ${againOm.error.message}\n${om}`);

        expect(mergeExpositions(input)).toEqual(out);
        if (input.length > 1) merged++;
        if (out.droppedSamples > 0) conflicted++;
      }),
      { numRuns: RUNS },
    );
    // Both paths are exercised: real multi-part merges, and merges that had to drop something.
    expect(merged).toBeGreaterThan(RUNS / 4);
    expect(conflicted).toBeGreaterThan(RUNS / 20);
  });
});
