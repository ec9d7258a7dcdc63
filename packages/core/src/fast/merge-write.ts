/**
 * The fast path's merge and writer: the family-level rules of `mergeExpositions` (first TYPE/HELP wins,
 * type conflicts and name clashes drop the later family, duplicates were dropped per part by the reader)
 * applied to parts whose sample lines are already rendered, then one string in the requested format —
 * the same bytes `serializeText` / `serializeOpenMetrics` write for the merged model.
 *
 * Parts are isolated from one another: the caller guarantees that no two instance parts carry the same CF
 * label values and that no instance family shares a name with promfetcher's own families (else it takes
 * the model path), so no series of one part can equal a series of another.
 */
import type { Exposition, MetricType } from '../exposition/model.js';
import { openMetricsHead } from '../exposition/serialize-openmetrics.js';
import { textHeader as writeTextHeader, textShape } from '../exposition/serialize-text.js';
import {
  areLabelsValid,
  claimedNamesOf,
  formatLabels,
  formatValue,
  isMetricName,
} from '../exposition/serialize-common.js';
import { ConflictLog, type MergeConflict } from '../merge/merge-expositions.js';
import type { Declined, FastFamily, FastPart, OutputFormat, PieceSource } from './text-part.js';

export interface FastMerged {
  /** The answer, UTF-8. */
  readonly bytes: Buffer;
  readonly conflicts: readonly MergeConflict[];
  readonly droppedSamples: number;
}

/**
 * promfetcher's own series (gauges) and the info family, rendered like the serializers render them;
 * declines what those families never hold (other types, timestamps, exemplars, invalid names).
 */
export function modelPart(exposition: Exposition, format: OutputFormat): FastPart | Declined {
  const families: FastFamily[] = [];
  const seen = new Set<string>();
  for (const family of exposition.families) {
    if (!isMetricName(family.name)) return { declined: 'own family name' };
    const sampleName = family.type === 'info' ? family.name + '_info' : family.name;
    if (family.type !== 'gauge' && family.type !== 'info') return { declined: 'own family type' };
    let text = '';
    let samples = 0;
    let duplicates = 0;
    for (const s of family.samples) {
      if (s.name !== sampleName || s.timestampMs !== undefined || s.exemplar !== undefined) {
        return { declined: 'own sample shape' };
      }
      if (!areLabelsValid(s.labels)) return { declined: 'own labels' };
      if (family.type === 'info' && format === 'openmetrics' && s.value !== 1)
        return { declined: 'info value' };
      const head = s.name + formatLabels(s.labels, 'value');
      // The merge's duplicate rule: label sets are built by code here, always in the same name order.
      if (seen.has(head)) {
        duplicates++;
        continue;
      }
      seen.add(head);
      text += head + ' ' + formatValue(s.value) + '\n';
      samples++;
    }
    if (samples + duplicates === 0) continue;
    const source = Buffer.from(text, 'utf8');
    const from: PieceSource = { source, suffixes: [], strings: [] };
    families.push({
      name: family.name,
      type: family.type,
      help: family.help,
      unsuffixed: false,
      samples,
      duplicates,
      from,
      pieces: [0, source.length],
      bytes: source.length,
    });
  }
  return { families };
}

interface Acc {
  readonly name: string;
  readonly type: MetricType;
  unsuffixed: boolean | undefined;
  help: string | undefined;
  unit: string | undefined;
  readonly chunks: FastFamily[];
}

/** Merges the parts (in order) and writes the result; declines the rare cases it does not reproduce. */
export function mergeAndWrite(parts: readonly FastPart[], format: OutputFormat): FastMerged | Declined {
  const accs = new Map<string, Acc>();
  const claimOwner = new Set<string>();
  const log = new ConflictLog();
  const report = log.report;

  for (const part of parts) {
    // A part's duplicates were found across all its families: exact only while none of them is dropped.
    const partHasDuplicates = part.families.some((f) => f.duplicates > 0);
    for (const family of part.families) {
      const all = family.samples + family.duplicates;
      let acc = accs.get(family.name);
      const unsuffixed = family.type === 'counter' && all > 0 ? family.unsuffixed : undefined;
      if (acc === undefined) {
        const names = claimedNamesOf(
          family.name,
          family.type,
          family.type === 'counter' && family.unsuffixed,
        );
        if (names.some((n) => claimOwner.has(n))) {
          if (partHasDuplicates) return { declined: 'name clash in a part with duplicates' };
          report(family.name, 'name-clash', all);
          continue;
        }
        for (const n of names) claimOwner.add(n);
        acc = {
          name: family.name,
          type: family.type,
          unsuffixed,
          help: family.help,
          unit: family.unit,
          chunks: [],
        };
        accs.set(family.name, acc);
      } else {
        if (
          acc.type !== family.type ||
          (unsuffixed !== undefined && acc.unsuffixed !== undefined && unsuffixed !== acc.unsuffixed)
        ) {
          if (partHasDuplicates) return { declined: 'type conflict in a part with duplicates' };
          report(family.name, 'type', all);
          continue;
        }
        if (family.help !== undefined && family.help !== acc.help) {
          if (acc.help === undefined) acc.help = family.help;
          else report(family.name, 'help', 0);
        }
        if (family.unit !== undefined && family.unit !== acc.unit) {
          if (acc.unit === undefined) acc.unit = family.unit;
          else report(family.name, 'unit', 0);
        }
      }
      if (all === 0) continue;
      acc.unsuffixed ??= unsuffixed;
      if (family.duplicates > 0) report(family.name, 'duplicate-series', family.duplicates);
      if (family.samples > 0) acc.chunks.push(family);
    }
  }

  const om = format === 'openmetrics';
  const headers: string[] = [];
  let size = om ? 6 : 0;
  for (const acc of accs.values()) {
    // OpenMetrics writes a family without samples (only OpenMetrics parts have such families); text does not.
    if (acc.chunks.length === 0 && !om) continue;
    const header = om ? openMetricsHeader(acc) : textHeader(acc);
    headers.push(header);
    size += Buffer.byteLength(header, 'utf8');
    for (const chunk of acc.chunks) size += chunk.bytes;
    if (!om) {
      for (const suffix of splitSuffixes(acc)) {
        const splitHeader = textSplitHeader(acc, suffix);
        headers.push(splitHeader);
        size += Buffer.byteLength(splitHeader, 'utf8');
        for (const chunk of acc.chunks)
          for (const x of chunk.split ?? []) if (x.suffix === suffix) size += x.bytes;
      }
    }
  }
  const out = Buffer.allocUnsafe(size);
  let at = 0;
  let h = 0;
  for (const acc of accs.values()) {
    if (acc.chunks.length === 0 && !om) continue;
    at += out.write(headers[h++]!, at, 'utf8');
    for (const chunk of acc.chunks) at = writePieces(chunk.from, chunk.pieces, out, at);
    if (!om) {
      for (const suffix of splitSuffixes(acc)) {
        at += out.write(headers[h++]!, at, 'utf8');
        for (const chunk of acc.chunks) {
          for (const x of chunk.split ?? [])
            if (x.suffix === suffix) at = writePieces(chunk.from, x.pieces, out, at);
        }
      }
    }
  }
  if (om) at += out.write('# EOF\n', at, 'latin1');
  if (at !== size) throw new Error(`fast path: wrote ${at} bytes, expected ${size}`);
  return { bytes: out, conflicts: log.list(), droppedSamples: log.dropped };
}

/** Copies a family's pieces (see PieceSource) into `out` at `at`; returns the new end. */
function writePieces(from: PieceSource, pieces: readonly number[], out: Buffer, at: number): number {
  const source = from.source;
  for (let k = 0; k < pieces.length; k += 2) {
    const a = pieces[k]!;
    const b = pieces[k + 1]!;
    if (a >= 0) {
      at += source.copy(out, at, a, b);
    } else if (a === -1) {
      at += from.suffixes[b]!.copy(out, at);
    } else {
      const text = from.strings[b]!;
      for (let i = 0; i < text.length; i++) out[at++] = text.charCodeAt(i);
    }
  }
  return at;
}

/** The suffixes of the split-off lines of a family (serialize-text.ts SPLIT_ROLES), in the writer's order. */
function splitSuffixes(acc: Acc): string[] {
  let suffixes: string[] | undefined;
  for (const chunk of acc.chunks) {
    for (const x of chunk.split ?? []) {
      if (x.samples === 0) continue;
      suffixes ??= [];
      if (!suffixes.includes(x.suffix)) suffixes.push(x.suffix);
    }
  }
  return suffixes === undefined ? [] : suffixes.sort();
}

/** As serialize-text.ts writeFamily's header of a split-off family. */
function textSplitHeader(acc: Acc, suffix: string): string {
  return writeTextHeader(acc.name + suffix, 'gauge', acc.help);
}

/** As serialize-text.ts writeFamily's main header; none when every line of the family is split off. */
function textHeader(acc: Acc): string {
  let main = 0;
  for (const chunk of acc.chunks) {
    main += chunk.samples;
    for (const x of chunk.split ?? []) main -= x.samples;
  }
  if (main === 0) return '';
  const shape = textShape(acc.name, acc.type, acc.unsuffixed === true);
  return writeTextHeader(shape.name, shape.type, acc.help);
}

/** As serialize-openmetrics.ts writeFamily's head. */
function openMetricsHeader(acc: Acc): string {
  const unsuffixed = acc.type === 'counter' && acc.unsuffixed === true;
  return openMetricsHead(acc.name, acc.type, unsuffixed, acc.help, acc.unit).text;
}
