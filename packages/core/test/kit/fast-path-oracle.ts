/**
 * The oracle the fast-path tests hold the fast path to: the model path (parse → relabel → mergeExpositions →
 * serializeText / serializeOpenMetrics) over the same instance bodies, plus what both sides share — the
 * instances' CF identities, the promfetcher's own series, the fixtures and the line edits that mutate
 * expositions the ways the fast path must notice.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import type { Exposition, Labels } from '../../src/exposition/model.js';
import { parseExposition } from '../../src/exposition/parse.js';
import { serializeOpenMetrics } from '../../src/exposition/serialize-openmetrics.js';
import { serializeText } from '../../src/exposition/serialize-text.js';
import { mergeAndWrite, modelPart } from '../../src/fast/merge-write.js';
import { scanOpenMetricsPart } from '../../src/fast/openmetrics-part.js';
import { scanTextPart, type FastPart, type OutputFormat } from '../../src/fast/text-part.js';
import { mergeExpositions } from '../../src/merge/merge-expositions.js';
import { cfLabelsFor } from '../../src/relabel/cf-labels.js';
import { relabel } from '../../src/relabel/relabel.js';
import { fetchSeries } from '../../src/use-cases/fetch-series.js';
import { validExposition } from './exposition-arbitraries.js';

const fixturesDir = fileURLToPath(new URL('../../fixtures/', import.meta.url));

/** A file of packages/core/fixtures, as text. */
export const fixture = (name: string): string => readFileSync(join(fixturesDir, name), 'utf8');

export const OM = 'application/openmetrics-text; version=1.0.0; charset=utf-8';
export const TEXT = 'text/plain; version=0.0.4';
export const FORMATS: readonly OutputFormat[] = ['text', 'openmetrics'];

/** The CF labels of instance `i` of one app (a space name that needs escaping). */
export function identity(i: number): Labels {
  return cfLabelsFor({
    organizationId: 'org-guid',
    spaceId: 'space-guid',
    appId: 'app-guid',
    organizationName: 'acme',
    spaceName: 'prod "eu"\\1',
    appName: 'orders',
    index: String(i),
    instance: `10.0.0.${i}:61000`,
  });
}

/** promfetcher's own series for `n` instances scraped successfully. */
export function own(n: number): Exposition {
  return fetchSeries(
    Array.from({ length: n }, (_, i) => ({
      labels: identity(i),
      kind: 'instance' as const,
      appKey: 'app-guid',
      appLabels: identity(i).slice(0, 6),
      ok: true,
      durationMs: 12 + i,
    })),
    true,
  );
}

/** One instance's answer: its body and Content-Type. A bare string is a text 0.0.4 body. */
export interface Body {
  readonly body: string;
  readonly contentType: string;
}

export const om = (body: string): Body => ({ body, contentType: OM });

const asBody = (b: string | Body): Body => (typeof b === 'string' ? { body: b, contentType: TEXT } : b);

export interface Answer {
  readonly body: string;
  readonly conflicts: unknown;
}

/** What the model path answers for instance `i` answering `bodies[i]`; undefined when a body does not parse. */
export function modelAnswer(bodies: readonly (string | Body)[], format: OutputFormat): Answer | undefined {
  const parts: Exposition[] = [own(bodies.length)];
  for (let i = 0; i < bodies.length; i++) {
    const { body, contentType } = asBody(bodies[i]!);
    const parsed = parseExposition(body, contentType);
    if (!parsed.ok) return undefined;
    parts.push(relabel(parsed.value, identity(i)));
  }
  const merged = mergeExpositions(parts);
  const body = format === 'text' ? serializeText(merged.exposition) : serializeOpenMetrics(merged.exposition);
  return { body, conflicts: merged.conflicts };
}

/** What the fast path answers for the same; the reason as a string when it declines. */
export function fastAnswer(bodies: readonly (string | Body)[], format: OutputFormat): Answer | string {
  const first = modelPart(own(bodies.length), format);
  if ('declined' in first) return first.declined;
  const parts: FastPart[] = [first];
  for (let i = 0; i < bodies.length; i++) {
    const { body, contentType } = asBody(bodies[i]!);
    const bytes = Buffer.from(body);
    const part =
      contentType === OM
        ? scanOpenMetricsPart(bytes, identity(i), format)
        : scanTextPart(bytes, identity(i), format);
    if ('declined' in part) return part.declined;
    parts.push(part);
  }
  const merged = mergeAndWrite(parts, format);
  if ('declined' in merged) return merged.declined;
  return { body: merged.bytes.toString('utf8'), conflicts: merged.conflicts };
}

/** Fast equals model, or the fast path declined; returns whether it was accepted. */
export function expectEquivalent(bodies: readonly (string | Body)[], format: OutputFormat): boolean {
  const fast = fastAnswer(bodies, format);
  if (typeof fast === 'string') return false;
  const model = modelAnswer(bodies, format);
  expect(model).toBeDefined();
  expect(fast.body).toBe(model!.body);
  expect(fast.conflicts).toEqual(model!.conflicts);
  return true;
}

/** A change to one line of an exposition (`at` and `to` are taken modulo the number of lines). */
export type Edit =
  | { readonly kind: 'swap-labels' | 'duplicate-line' | 'delete-line' | 'blank'; readonly at: number }
  | { readonly kind: 'move-line'; readonly at: number; readonly to: number }
  | { readonly kind: 'value'; readonly at: number; readonly value: string }
  | { readonly kind: 'insert'; readonly at: number; readonly line: string };

/** Sample values an edit writes in place of one (both edit lists start with these). */
export const EDIT_VALUES: readonly string[] = [
  '1.0',
  '1e3',
  '-0',
  '+Inf',
  'NaN',
  '0.0000001',
  '1.5E-5',
  '007',
  '-1',
  '1.25',
];

/** Sample lines an edit inserts, in either format (both edit lists hold them, in this order). */
export const EDIT_SAMPLE_LINES: readonly string[] = [
  'x_total 2',
  'x_created 3',
  'x{instance="a"} 1',
  'x{a="1",b="2"} 1',
  'x{b="2",a="1"} 1',
  'x_bucket{le="+Inf"} 1',
];

/**
 * Edits of an exposition: swapped labels, duplicated, (with `deleteLine`) deleted and moved lines, a doubled
 * blank, a sample value replaced by one of `values`, one of `lines` inserted.
 */
export function lineEdit(options: {
  readonly deleteLine: boolean;
  readonly values: readonly string[];
  readonly lines: readonly string[];
}): fc.Arbitrary<Edit> {
  return fc.oneof(
    fc.record({ kind: fc.constant('swap-labels' as const), at: fc.nat() }),
    fc.record({ kind: fc.constant('duplicate-line' as const), at: fc.nat() }),
    ...(options.deleteLine ? [fc.record({ kind: fc.constant('delete-line' as const), at: fc.nat() })] : []),
    fc.record({ kind: fc.constant('move-line' as const), at: fc.nat(), to: fc.nat() }),
    fc.record({ kind: fc.constant('blank' as const), at: fc.nat() }),
    fc.record({
      kind: fc.constant('value' as const),
      at: fc.nat(),
      value: fc.constantFrom(...options.values),
    }),
    fc.record({
      kind: fc.constant('insert' as const),
      at: fc.nat(),
      line: fc.constantFrom(...options.lines),
    }),
  );
}

/** `input` (newline-terminated lines) with `e` applied; an empty input is returned as it is. */
export function applyEdit(input: string, e: Edit): string {
  const lines = input.split('\n');
  const body = lines.slice(0, -1);
  if (body.length === 0) return input;
  const at = e.at % body.length;
  switch (e.kind) {
    case 'swap-labels':
      body[at] = body[at]!.replace(/\{([^,{}]+),([^,{}]+)/, '{$2,$1');
      break;
    case 'duplicate-line':
      body.splice(at, 0, body[at]!);
      break;
    case 'delete-line':
      body.splice(at, 1);
      break;
    case 'move-line': {
      const [line] = body.splice(at, 1);
      body.splice(e.to % (body.length + 1), 0, line!);
      break;
    }
    case 'blank':
      body[at] = body[at]!.replace(' ', '  ');
      break;
    case 'value':
      if (!body[at]!.startsWith('#')) body[at] = body[at]!.replace(/ \S+$/, ' ' + e.value);
      break;
    case 'insert':
      body.splice(at, 0, e.line);
      break;
  }
  return body.join('\n') + '\n';
}

/**
 * `numRuns` random valid expositions, each written by `write`, changed by up to three `edit`s and answered by
 * three instances: each accepted and equal, or declined (expectEquivalent). Returns how many were accepted.
 */
export function acceptedOfRandomEdited(
  edit: fc.Arbitrary<Edit>,
  write: (exposition: Exposition) => string,
  asInstanceBody: (body: string) => string | Body,
  format: OutputFormat,
  numRuns: number,
): number {
  let accepted = 0;
  fc.assert(
    fc.property(validExposition, fc.array(edit, { maxLength: 3 }), (exposition, edits) => {
      const body = asInstanceBody(edits.reduce(applyEdit, write(exposition)));
      if (expectEquivalent([body, body, body], format)) accepted++;
    }),
    { numRuns },
  );
  return accepted;
}
