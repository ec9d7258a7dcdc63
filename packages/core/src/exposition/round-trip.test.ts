/**
 * Property tests: parse(serialize(x)) gives x back, in both formats, for random valid expositions, after
 * the normalisation each format implies (documented in the serializers):
 * - OpenMetrics: an unsuffixed counter comes back as `unknown`; timestamps are compared in whole ms (the
 *   parser multiplies seconds by 1000 in floating point).
 * - Text 0.0.4: `_created`, `_gcount`, `_gsum` samples come back as their own gauge families right after
 *   their family; info `x` as gauge `x_info`; stateset as gauge; gaugehistogram as histogram; units and
 *   exemplars are gone; HELP loses its leading blanks and an empty HELP is no HELP.
 * And for random loose expositions (any values, clashing names, bad labels), both outputs parse.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { looseExposition, validExposition } from '../../test/kit/exposition-arbitraries.js';
import type { Exposition, MetricFamily, MetricType, Sample } from './model.js';
import { mergeExpositions } from '../merge/merge-expositions.js';
import { cfLabelsFor } from '../relabel/cf-labels.js';
import { relabel } from '../relabel/relabel.js';
import { parseExposition } from './parse.js';
import { parseOpenMetrics } from './parse-openmetrics.js';
import { parseText } from './parse-text.js';
import { separateClashingCounters } from './separate-clashing-counters.js';
import { serializeOpenMetrics } from './serialize-openmetrics.js';
import { serializeText } from './serialize-text.js';

const RUNS = 300;

function family(
  name: string,
  type: MetricType,
  help: string | undefined,
  unit: string | undefined,
  samples: Sample[],
): MetricFamily {
  const f: { -readonly [K in keyof MetricFamily]: MetricFamily[K] } = { name, type, samples };
  if (help !== undefined) f.help = help;
  if (unit !== undefined) f.unit = unit;
  return f;
}

function plain(s: Sample, keepExemplar: boolean): Sample {
  const out: { -readonly [K in keyof Sample]: Sample[K] } = {
    name: s.name,
    labels: s.labels,
    value: s.value,
  };
  if (s.timestampMs !== undefined) out.timestampMs = Math.round(s.timestampMs);
  if (keepExemplar && s.exemplar !== undefined) out.exemplar = s.exemplar;
  return out;
}

function omView(x: Exposition): Exposition {
  return {
    families: x.families.map((f) => {
      const unsuffixed = f.type === 'counter' && f.samples[0]?.name === f.name;
      return family(
        f.name,
        unsuffixed ? 'unknown' : f.type,
        f.help,
        f.unit,
        f.samples.map((s) => plain(s, true)),
      );
    }),
  };
}

const TEXT_TYPE: Readonly<Record<MetricType, MetricType>> = {
  counter: 'counter',
  gauge: 'gauge',
  unknown: 'unknown',
  histogram: 'histogram',
  gaugehistogram: 'histogram',
  summary: 'summary',
  info: 'gauge',
  stateset: 'gauge',
};

function textView(x: Exposition): Exposition {
  const families: MetricFamily[] = [];
  for (const f of x.families) {
    const help = f.help === undefined ? undefined : f.help.replace(/^[ \t]+/, '') || undefined;
    const main: Sample[] = [];
    const split = new Map<string, Sample[]>();
    for (const s of f.samples) {
      const suffix = ['_created', '_gcount', '_gsum'].find((sf) => s.name === f.name + sf);
      if (suffix === undefined) main.push(plain(s, false));
      else split.set(suffix, [...(split.get(suffix) ?? []), plain(s, false)]);
    }
    const name = f.type === 'info' ? f.name + '_info' : f.name;
    if (main.length > 0) families.push(family(name, TEXT_TYPE[f.type], help, undefined, main));
    for (const suffix of [...split.keys()].sort()) {
      families.push(family(f.name + suffix, 'gauge', help, undefined, split.get(suffix)!));
    }
  }
  return { families };
}

function parsedOrThrow(result: ReturnType<typeof parseText>, body: string): Exposition {
  if (!result.ok) throw new Error(`${result.error.message}\n--- body ---\n${body}`);
  return result.value;
}

describe('serialize ∘ parse round trip', () => {
  it('OpenMetrics gives the same families back', () => {
    fc.assert(
      fc.property(validExposition, (x) => {
        const body = serializeOpenMetrics(x);
        expect(omView(parsedOrThrow(parseOpenMetrics(body), body))).toEqual(omView(x));
      }),
      { numRuns: RUNS },
    );
  });

  it('text 0.0.4 gives the same families back, in the text shapes', () => {
    fc.assert(
      fc.property(validExposition, (x) => {
        const body = serializeText(x);
        expect(textView(parsedOrThrow(parseText(body), body))).toEqual(textView(x));
      }),
      { numRuns: RUNS },
    );
  });

  it('writes output that parses, in both formats, for loose expositions (and again after a second pass)', () => {
    fc.assert(
      fc.property(looseExposition, (x) => {
        const om = serializeOpenMetrics(x);
        const again = serializeOpenMetrics(parsedOrThrow(parseOpenMetrics(om), om));
        parsedOrThrow(parseOpenMetrics(again), again);
        const text = serializeText(x);
        const textAgain = serializeText(parsedOrThrow(parseText(text), text));
        parsedOrThrow(parseText(textAgain), textAgain);
      }),
      { numRuns: RUNS },
    );
  });

  const FIXTURES = join(dirname(fileURLToPath(import.meta.url)), '../../fixtures');
  const fixtures = readdirSync(FIXTURES).filter((f) => f.endsWith('.prom') || f.endsWith('.om.txt'));

  it.each(fixtures)(
    'fixture %s, relabelled and merged as two instances, round-trips in both formats',
    (file) => {
      const contentType = file.endsWith('.om.txt') ? 'application/openmetrics-text' : 'text/plain';
      const parsed = parseExposition(readFileSync(join(FIXTURES, file), 'utf8'), contentType);
      if (!parsed.ok) throw parsed.error;
      const instance = (index: string): Exposition =>
        relabel(
          parsed.value,
          cfLabelsFor({
            organizationId: 'o',
            spaceId: 's',
            appId: 'a',
            organizationName: 'org',
            spaceName: 'space',
            appName: 'app',
            index,
            instance: `10.0.0.${index}:8080`,
          }),
        );
      const merged = mergeExpositions([instance('0'), instance('1')]);
      expect(merged.droppedSamples).toBe(0);
      const om = serializeOpenMetrics(merged.exposition);
      expect(omView(parsedOrThrow(parseOpenMetrics(om), om))).toEqual(omView(merged.exposition));
      // Text reads a counter `x_total` beside a gauge `x` (or `x_created`) back as family `x`: both sides
      // are compared with such counters separated (see separateClashingCounters).
      const text = serializeText(merged.exposition);
      const fromText = textView(parsedOrThrow(parseText(text), text));
      expect(separateClashingCounters(fromText)).toEqual(
        separateClashingCounters(textView(merged.exposition)),
      );
    },
  );
});
