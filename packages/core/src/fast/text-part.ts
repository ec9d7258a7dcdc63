/**
 * The fast path's reader of one scraped text 0.0.4 body: one pass over the string that yields, per family,
 * the output lines already rendered with the instance's CF labels — no Sample or Label objects, no second
 * validation. A canonical line (`name{a="x"} 1` as every client library writes it) is copied as two slices
 * with the pre-rendered CF label suffix between them.
 *
 * It answers exactly what `parseText` → `relabel` → the merge's per-part duplicate check → a serializer
 * would, or declines (`{ declined: reason }`): the caller then takes the model path for the whole request.
 * It declines whatever it does not reproduce exactly, and every parse error (so the model path reports it):
 * quoted (UTF-8) names, blanks or a trailing comma inside `{…}`, `{}`, a label set of a family that changes
 * names or order between samples, an app label named like a CF label, `le`/`quantile` at another place in one family, a
 * non-canonical infinity in `le`, summary/histogram groups that are not contiguous, gaugehistograms, and,
 * for OpenMetrics output, any family the OpenMetrics writer would turn into `unknown` (a negative counter,
 * an invalid histogram or summary group, timestamps in a group). `fast-path.test.ts` checks the equivalence
 * on random and real inputs.
 */
import type { Labels, MetricType } from '../exposition/model.js';
import {
  escapeQuoted,
  formatOpenMetricsTimestamp,
  formatTextTimestamp,
  formatValue,
  isWritableTimestamp,
  parseGoFloat,
} from '../exposition/serialize-common.js';
import { unescapeRange } from '../exposition/scan-escapes.js';
import { isOverflow, scanFloat, scanInt64 } from '../exposition/scan-number.js';

export type OutputFormat = 'text' | 'openmetrics';

/** One family of a part, with its rendered sample lines. */
export interface FastFamily {
  /** The canonical family name (a counter `x_total` is family `x`, as in the model). */
  readonly name: string;
  readonly type: MetricType;
  readonly help: string | undefined;
  /** Counters: whether the samples carry the family name itself (no `_total`). */
  readonly unsuffixed: boolean;
  /** Number of sample lines kept. */
  readonly samples: number;
  /** Duplicate series found (and left out) within the part. */
  readonly duplicates: number;
  /** The sample lines, as pieces to be concatenated in order. */
  readonly pieces: readonly string[];
}

export interface FastPart {
  readonly families: readonly FastFamily[];
}

export interface Declined {
  readonly declined: string;
}

const KIND_PLAIN = 0;
const KIND_BUCKET = 1;
const KIND_SUM = 2;
const KIND_COUNT = 3;
type Kind = 0 | 1 | 2 | 3;

const TEXT_TYPES: ReadonlyMap<string, MetricType> = new Map<string, MetricType>([
  ['counter', 'counter'],
  ['gauge', 'gauge'],
  ['histogram', 'histogram'],
  ['summary', 'summary'],
  ['untyped', 'unknown'],
  ['gaugehistogram', 'gaugehistogram'],
  ['gauge_histogram', 'gaugehistogram'],
]);

// Character classes for ASCII: 1 metric-name start, 2 metric-name char, 4 label-name start, 8 label-name char.
const CLASS = new Uint8Array(128);
for (let c = 0; c < 128; c++) {
  const alpha = (c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a) || c === 0x5f;
  const digit = c >= 0x30 && c <= 0x39;
  CLASS[c] =
    (alpha || c === 0x3a ? 1 : 0) |
    (alpha || digit || c === 0x3a ? 2 : 0) |
    (alpha ? 4 : 0) |
    (alpha || digit ? 8 : 0);
}

const SPACE = 0x20;
const TAB = 0x09;
const QUOTE = 0x22;
const HASH = 0x23;
const COMMA = 0x2c;
const EQUALS = 0x3d;
const BACKSLASH = 0x5c;
const LBRACE = 0x7b;
const RBRACE = 0x7d;

class Decline extends Error {}

/** A histogram group's lines, kept apart so that OpenMetrics can write buckets, count, sum in order. */
interface HistogramGroup {
  buckets: { le: number; value: number; line: string }[];
  count: string | undefined;
  countValue: number;
  sum: string | undefined;
  sumValue: number;
}

interface ScanFamily {
  readonly key: string;
  type: MetricType | undefined;
  help: string | undefined;
  samples: number;
  duplicates: number;
  readonly pieces: string[];
  /** The label names of every sample, in order (`le`/`quantile` aside, which must come last). */
  names: string[] | undefined;
  /** How many other labels come before `le`/`quantile` (the same in every sample), -1 until seen. */
  specialAt: number;
  /** Grouped families: the current group's labels text, and the groups already closed. */
  groupKey: string | undefined;
  closedGroups: Set<string> | undefined;
  histogram: HistogramGroup | undefined;
  summaryCounts: number;
  summarySums: number;
}

interface Resolution {
  readonly family: ScanFamily;
  readonly kind: Kind;
}

function isGrouped(type: MetricType | undefined): boolean {
  return type === 'summary' || type === 'histogram' || type === 'gaugehistogram';
}

/**
 * Reads `body` (a whole text 0.0.4 exposition) into families whose lines carry `cfLabels` after the app's
 * own labels, rendered for `format`; or declines.
 */
export function scanTextPart(body: string, cfLabels: Labels, format: OutputFormat): FastPart | Declined {
  try {
    return new TextPartScanner(body, cfLabels, format).run();
  } catch (e) {
    if (e instanceof Decline) return { declined: e.message };
    throw e;
  }
}

/** `,a="x",b="y"}` for appending after own labels; `{a="x",b="y"}` for a sample without. */
export function cfSuffixes(cfLabels: Labels): { readonly afterOwn: string; readonly alone: string } {
  let text = '';
  for (let i = 0; i < cfLabels.length; i++) {
    const l = cfLabels[i]!;
    text += (i === 0 ? '' : ',') + l.name + '="' + escapeQuoted(l.value) + '"';
  }
  return cfLabels.length === 0
    ? { afterOwn: '}', alone: '' }
    : { afterOwn: ',' + text + '}', alone: '{' + text + '}' };
}

class TextPartScanner {
  private readonly s: string;
  private readonly om: boolean;
  private readonly afterOwn: string;
  private readonly alone: string;
  private readonly cfNames: ReadonlySet<string>;
  private readonly byKey = new Map<string, ScanFamily>();
  private readonly order: ScanFamily[] = [];
  private readonly resolved = new Map<string, Resolution>();
  private readonly seen = new Set<string>();
  /** Sample names read into a summary or histogram by their suffix. */
  private readonly suffixNames = new Set<string>();
  private lastName = '';
  private last: Resolution | undefined;

  constructor(body: string, cfLabels: Labels, format: OutputFormat) {
    this.s = body;
    this.om = format === 'openmetrics';
    const suffix = cfSuffixes(cfLabels);
    this.afterOwn = suffix.afterOwn;
    this.alone = suffix.alone;
    this.cfNames = new Set(cfLabels.map((l) => l.name));
  }

  run(): FastPart {
    const s = this.s;
    let start = 0;
    for (;;) {
      const nl = s.indexOf('\n', start);
      if (nl < 0) break;
      this.line(start, nl);
      start = nl + 1;
    }
    for (let i = start; i < s.length; i++) {
      const c = s.charCodeAt(i);
      if (c !== SPACE && c !== TAB) throw new Decline('last line without LF');
    }
    return this.finish();
  }

  private line(start: number, end: number): void {
    const s = this.s;
    let i = start;
    let c = i < end ? s.charCodeAt(i) : -1;
    while (c === SPACE || c === TAB) c = ++i < end ? s.charCodeAt(i) : -1;
    if (c < 0) return;
    if (c === HASH) this.comment(i + 1, end);
    else if (i !== start) throw new Decline('blanks before a sample');
    else this.sample(start, end);
  }

  // --- `# HELP name text`, `# TYPE name type`; other comments are ignored (as parse-text.ts does) ---

  private comment(i: number, end: number): void {
    const s = this.s;
    i = skipBlanks(s, i, end);
    const kwEnd = findBlank(s, i, end);
    if (kwEnd === end || kwEnd - i !== 4) return;
    const isHelp = s.startsWith('HELP', i);
    if (!isHelp && !s.startsWith('TYPE', i)) return;
    i = skipBlanks(s, kwEnd, end);
    if (i === end) return;
    if (s.charCodeAt(i) === QUOTE) throw new Decline('quoted name');
    const nameEnd = scanMetricName(s, i, end);
    if (nameEnd === end) return;
    const c = s.charCodeAt(nameEnd);
    if (c !== SPACE && c !== TAB) throw new Decline('invalid name in comment');
    const name = s.slice(i, nameEnd);
    i = skipBlanks(s, nameEnd, end);
    if (i === end) return;
    if (!this.byKey.has(name)) {
      // A family named like a sample already read into another family (`x_sum` of histogram `x`): the
      // parser then splits that sample name over two families; not reproduced here.
      if (this.suffixNames.has(name)) throw new Decline('comment names a sample of another family');
      this.resolved.clear();
    }
    this.lastName = '';
    const f = this.family(name);
    if (isHelp) {
      if (f.help !== undefined) throw new Decline('second HELP');
      const help =
        s.indexOf('\\', i) < 0 || s.indexOf('\\', i) >= end
          ? s.slice(i, end)
          : unescapeRange(s, i, end, 'reject');
      if (help === undefined) throw new Decline('bad escape in HELP');
      f.help = help;
      return;
    }
    if (f.type !== undefined) throw new Decline('second TYPE or TYPE after samples');
    const typeEnd = findBlank(s, i, end);
    const type = TEXT_TYPES.get(s.slice(i, typeEnd).toLowerCase());
    if (type === undefined || skipBlanks(s, typeEnd, end) !== end) throw new Decline('unknown type');
    if (type === 'gaugehistogram') throw new Decline('gaugehistogram');
    f.type = type;
    this.resolved.clear();
  }

  private family(key: string): ScanFamily {
    let f = this.byKey.get(key);
    if (f === undefined) {
      f = {
        key,
        type: undefined,
        help: undefined,
        samples: 0,
        duplicates: 0,
        pieces: [],
        names: undefined,
        specialAt: -1,
        groupKey: undefined,
        closedGroups: undefined,
        histogram: undefined,
        summaryCounts: 0,
        summarySums: 0,
      };
      this.byKey.set(key, f);
      this.order.push(f);
    }
    return f;
  }

  /** expfmt's lookup, as TextFamilies.resolve (gaugehistograms are declined earlier). */
  private resolve(name: string): Resolution {
    const known = this.resolved.get(name);
    if (known !== undefined) return known;
    let f = this.byKey.get(name);
    let kind: Kind = KIND_PLAIN;
    if (f === undefined) {
      let base: ScanFamily | undefined;
      if (name.endsWith('_count')) {
        base = this.byKey.get(name.slice(0, -6));
        kind = KIND_COUNT;
      } else if (name.endsWith('_sum')) {
        base = this.byKey.get(name.slice(0, -4));
        kind = KIND_SUM;
      } else if (name.endsWith('_bucket')) {
        base = this.byKey.get(name.slice(0, -7));
        if (base !== undefined && base.type !== 'histogram') base = undefined;
        kind = KIND_BUCKET;
      }
      if (base !== undefined && isGrouped(base.type)) {
        f = base;
        this.suffixNames.add(name);
      } else {
        f = this.family(name);
        kind = KIND_PLAIN;
      }
    }
    const r: Resolution = { family: f, kind };
    this.resolved.set(name, r);
    return r;
  }

  // --- `name{labels} value [timestamp]` ---

  private sample(start: number, end: number): void {
    const s = this.s;
    let name = this.lastName;
    let nameEnd: number;
    if (
      name !== '' &&
      s.startsWith(name, start) &&
      (start + name.length === end || !isMetricNameChar(s.charCodeAt(start + name.length)))
    ) {
      nameEnd = start + name.length;
    } else {
      nameEnd = scanMetricName(s, start, end);
      if (nameEnd === start) throw new Decline('no metric name');
      name = s.slice(start, nameEnd);
      this.last = this.resolve(name);
      this.lastName = name;
    }
    const r = this.last!;
    const f = r.family;
    if (f.type === undefined) f.type = 'unknown';
    const grouped = isGrouped(f.type);
    const special =
      f.type === 'histogram'
        ? r.kind === KIND_BUCKET
          ? 'le'
          : undefined
        : f.type === 'summary' && r.kind === KIND_PLAIN
          ? 'quantile'
          : undefined;
    if (grouped && f.type === 'histogram' && r.kind === KIND_PLAIN)
      throw new Decline('histogram sample without suffix');

    // Labels: canonical syntax only; names checked against the family's first sample.
    let i = nameEnd;
    let close = -1; // index of `}` when there are labels
    let specialStart = -1; // where the special label (`le`, `quantile`) starts
    let specialEnd = -1; // and ends (after its closing quote)
    let specialValue = '';
    if (i < end && s.charCodeAt(i) === LBRACE) {
      i++;
      let n = 0;
      const names = f.names;
      const fresh: string[] | undefined = names === undefined ? [] : undefined;
      for (;;) {
        const labelStart = i;
        const labelEnd = scanLabelName(s, i, end);
        if (labelEnd === i) throw new Decline('label syntax');
        if (labelEnd >= end || s.charCodeAt(labelEnd) !== EQUALS) throw new Decline('label syntax');
        const isSpecial =
          special !== undefined &&
          labelEnd - labelStart === special.length &&
          s.startsWith(special, labelStart);
        if (isSpecial) {
          specialStart = labelStart;
          if (f.specialAt < 0) f.specialAt = n;
          else if (f.specialAt !== n) throw new Decline('le/quantile moves within a family');
        } else if (fresh !== undefined) fresh.push(s.slice(labelStart, labelEnd));
        else {
          const expected = names![n];
          if (
            expected === undefined ||
            expected.length !== labelEnd - labelStart ||
            !s.startsWith(expected, labelStart)
          ) {
            throw new Decline('label names change within a family');
          }
        }
        if (!isSpecial) n++;
        i = labelEnd + 1;
        if (i >= end || s.charCodeAt(i) !== QUOTE) throw new Decline('label syntax');
        const valueStart = i + 1;
        i = valueStart;
        for (;;) {
          if (i >= end) throw new Decline('unterminated label value');
          const c = s.charCodeAt(i);
          if (c === QUOTE) break;
          if (c === BACKSLASH) {
            const next = i + 1 < end ? s.charCodeAt(i + 1) : -1;
            if (next !== BACKSLASH && next !== QUOTE && next !== 0x6e) throw new Decline('bad escape');
            i += 2;
            continue;
          }
          if (c >= 0xd800 && c <= 0xdfff) {
            const next = i + 1 < end ? s.charCodeAt(i + 1) : -1;
            if (c > 0xdbff || next < 0xdc00 || next > 0xdfff) throw new Decline('lone surrogate');
            i += 2;
            continue;
          }
          i++;
        }
        i++;
        if (isSpecial) {
          specialValue = s.slice(valueStart, i - 1);
          specialEnd = i;
        }
        const c = i < end ? s.charCodeAt(i) : -1;
        if (c === RBRACE) break;
        if (c !== COMMA || i + 1 >= end || s.charCodeAt(i + 1) === RBRACE) throw new Decline('label syntax');
        i++;
      }
      close = i;
      i++;
      if (fresh !== undefined) this.learnNames(f, fresh);
      else if (n !== names!.length) throw new Decline('label names change within a family');
    } else if (f.names === undefined) this.learnNames(f, []);
    else if (f.names.length !== 0) throw new Decline('label names change within a family');
    if (special !== undefined && specialStart < 0) throw new Decline('le/quantile missing');

    // Value and timestamp: `' ' value [' ' timestamp]`.
    if (i >= end || s.charCodeAt(i) !== SPACE) throw new Decline('blanks before the value');
    const valueStart = i + 1;
    const valueEnd = findBlank(s, valueStart, end);
    if (valueEnd === valueStart) throw new Decline('value syntax');
    let tsText = '';
    let hasTs = false;
    if (valueEnd < end) {
      if (s.charCodeAt(valueEnd) !== SPACE) throw new Decline('blanks after the value');
      const tsEnd = findBlank(s, valueEnd + 1, end);
      if (tsEnd !== end || tsEnd === valueEnd + 1) throw new Decline('timestamp syntax');
      const ms = scanInt64(s, valueEnd + 1, tsEnd);
      if (ms === undefined) throw new Decline('bad timestamp');
      if (!isWritableTimestamp(ms)) throw new Decline('timestamp not writable');
      tsText = ' ' + (this.om ? formatOpenMetricsTimestamp(ms) : formatTextTimestamp(ms));
      hasTs = true;
    }
    const canonical = isCanonicalValue(s, valueStart, valueEnd);
    let value = NaN;
    const needValue = f.type !== 'gauge' && f.type !== 'unknown';
    if (!canonical || needValue) {
      const v = scanFloat(s, valueStart, valueEnd);
      if (v === undefined || isOverflow(v, s, valueStart)) throw new Decline('bad value');
      value = v;
    }

    // Duplicate series within the part: the first is kept (the merge's rule).
    const key = close < 0 ? name : s.slice(start, close);
    if (this.seen.has(key)) {
      f.duplicates++;
      return;
    }
    this.seen.add(key);

    // Render: name{own labels,CF labels} value [timestamp]
    let head: string;
    let mid: string;
    if (close < 0) {
      head = name;
      mid = this.alone;
    } else {
      head = s.slice(start, close);
      mid = this.afterOwn;
    }
    let tail: string;
    if (canonical && !hasTs)
      tail = s.slice(valueStart - 1, end + 1); // ` value\n` as written
    else tail = ' ' + (canonical ? s.slice(valueStart, valueEnd) : formatValue(value)) + tsText + '\n';

    f.samples++;
    if (!grouped) {
      if (f.type === 'counter' && this.om && !(value >= 0)) throw new Decline('negative or NaN counter');
      f.pieces.push(head, mid, tail);
      return;
    }
    if (hasTs && this.om) throw new Decline('timestamp in a group');
    // The group: own labels without the special label.
    let groupKey: string;
    if (close < 0) groupKey = '';
    else if (specialStart < 0) groupKey = s.slice(nameEnd + 1, close);
    else if (specialStart === nameEnd + 1)
      groupKey = s.slice(specialEnd === close ? close : specialEnd + 1, close);
    else groupKey = s.slice(nameEnd + 1, specialStart - 1) + s.slice(specialEnd, close);
    if (groupKey !== f.groupKey) {
      this.closeGroup(f);
      if (f.closedGroups!.has(groupKey)) throw new Decline('group not contiguous');
      f.groupKey = groupKey;
    }
    if (f.type === 'summary') {
      this.summarySample(f, r.kind, value, specialValue);
      f.pieces.push(head, mid, tail);
      return;
    }
    this.histogramSample(f, r.kind, value, specialValue, head + mid + tail);
  }

  private learnNames(f: ScanFamily, names: string[]): void {
    for (let a = 0; a < names.length; a++) {
      const n = names[a]!;
      if (n === '__name__') throw new Decline('__name__');
      if (this.cfNames.has(n)) throw new Decline('app label named like a CF label');
      for (let b = 0; b < a; b++) if (names[b] === n) throw new Decline('duplicate label name');
    }
    f.names = names;
    if (isGrouped(f.type)) f.closedGroups = new Set();
  }

  private summarySample(f: ScanFamily, kind: Kind, value: number, quantile: string): void {
    if (kind === KIND_PLAIN) {
      const q = parseGoFloat(quantile);
      if (q === undefined || scanFloat(quantile, 0, quantile.length) === undefined)
        throw new Decline('bad quantile');
      if (this.om && (!(q >= 0 && q <= 1) || value < 0))
        throw new Decline('summary not valid in OpenMetrics');
    } else if (kind === KIND_COUNT) {
      if (value < 0) throw new Decline('negative summary count');
      if (this.om && (!Number.isInteger(value) || ++f.summaryCounts > 1)) throw new Decline('summary count');
    } else if (kind === KIND_SUM) {
      if (this.om && (!(value >= 0) || ++f.summarySums > 1)) throw new Decline('summary sum');
    }
  }

  private histogramSample(f: ScanFamily, kind: Kind, value: number, le: string, line: string): void {
    if (kind === KIND_BUCKET) {
      if (le !== '+Inf' && !isPlainDecimal(le)) throw new Decline('le spelling');
      const b = le === '+Inf' ? Infinity : Number(le);
      if (scanFloat(le, 0, le.length) === undefined) throw new Decline('bad le');
      if (value < 0) throw new Decline('negative bucket');
      if (!this.om) {
        f.pieces.push(line);
        return;
      }
      const g = (f.histogram ??= newGroup());
      g.buckets.push({ le: b, value, line });
      return;
    }
    if (kind === KIND_COUNT && value < 0) throw new Decline('negative count');
    if (!this.om) {
      f.pieces.push(line);
      return;
    }
    const g = (f.histogram ??= newGroup());
    if (kind === KIND_COUNT) {
      if (g.count !== undefined) throw new Decline('two counts');
      g.count = line;
      g.countValue = value;
    } else {
      if (g.sum !== undefined) throw new Decline('two sums');
      g.sum = line;
      g.sumValue = value;
    }
  }

  /** Ends the family's current group: OpenMetrics histograms are checked and written in order here. */
  private closeGroup(f: ScanFamily): void {
    if (f.groupKey === undefined) return;
    f.closedGroups!.add(f.groupKey);
    f.groupKey = undefined;
    f.summaryCounts = 0;
    f.summarySums = 0;
    const g = f.histogram;
    if (g === undefined) return;
    f.histogram = undefined;
    const buckets = g.buckets;
    let sorted = true;
    for (let k = 1; k < buckets.length; k++) if (!(buckets[k]!.le > buckets[k - 1]!.le)) sorted = false;
    if (!sorted) buckets.sort((a, b) => a.le - b.le);
    let lastLe = -Infinity;
    let lastValue = 0;
    let negative = false;
    // The checks of serialize-openmetrics.ts checkHistogramGroup, on the sorted group.
    for (let k = 0; k < buckets.length; k++) {
      const b = buckets[k]!;
      const v = b.value;
      if (b.le !== b.le || (k > 0 && !(b.le > lastLe)) || !Number.isInteger(v) || v < 0 || v < lastValue) {
        throw new Decline('histogram not valid in OpenMetrics');
      }
      if (b.le < 0) negative = true;
      lastLe = b.le;
      lastValue = v;
    }
    if (buckets.length === 0 || lastLe !== Infinity) throw new Decline('histogram without +Inf');
    if ((g.count === undefined) !== (g.sum === undefined)) throw new Decline('count without sum');
    if (g.count !== undefined) {
      if (!Number.isInteger(g.countValue) || g.countValue < 0 || g.countValue !== lastValue) {
        throw new Decline('histogram count');
      }
      if (g.sumValue !== g.sumValue || negative || g.sumValue < 0) throw new Decline('histogram sum');
    }
    for (const b of buckets) f.pieces.push(b.line);
    if (g.count !== undefined) f.pieces.push(g.count, g.sum!);
  }

  private finish(): FastPart {
    const built: { f: ScanFamily; name: string; unsuffixed: boolean }[] = [];
    for (const f of this.order) {
      if (f.closedGroups !== undefined) this.closeGroup(f);
      if (f.samples === 0 && f.duplicates === 0) continue;
      const type = f.type ?? 'unknown';
      const suffixed = type === 'counter' && f.key.length > 6 && f.key.endsWith('_total');
      built.push({
        f,
        name: suffixed ? f.key.slice(0, -6) : f.key,
        unsuffixed: type === 'counter' && !suffixed,
      });
    }
    // separateClashingCounters: a counter `x` (samples `x_total`) beside another family `x` or `x_created`
    // becomes the unsuffixed counter `x_total`.
    const counts = new Map<string, number>();
    for (const b of built) counts.set(b.name, (counts.get(b.name) ?? 0) + 1);
    const families: FastFamily[] = [];
    for (const b of built) {
      let name = b.name;
      let unsuffixed = b.unsuffixed;
      const type = b.f.type ?? 'unknown';
      if (
        type === 'counter' &&
        !unsuffixed &&
        ((counts.get(name) ?? 0) >= 2 || counts.has(name + '_created')) &&
        !counts.has(name + '_total')
      ) {
        name = name + '_total';
        unsuffixed = true;
      }
      families.push({
        name,
        type,
        help: b.f.help,
        unsuffixed,
        samples: b.f.samples,
        duplicates: b.f.duplicates,
        pieces: b.f.pieces,
      });
    }
    return { families };
  }
}

function newGroup(): HistogramGroup {
  return { buckets: [], count: undefined, countValue: 0, sum: undefined, sumValue: 0 };
}

function skipBlanks(s: string, i: number, end: number): number {
  while (i < end) {
    const c = s.charCodeAt(i);
    if (c !== SPACE && c !== TAB) return i;
    i++;
  }
  return end;
}

function findBlank(s: string, i: number, end: number): number {
  while (i < end) {
    const c = s.charCodeAt(i);
    if (c === SPACE || c === TAB) return i;
    i++;
  }
  return end;
}

function isMetricNameChar(c: number): boolean {
  return c < 128 && ((CLASS[c] as number) & 2) !== 0;
}

function scanMetricName(s: string, i: number, end: number): number {
  if (i >= end) return i;
  const c0 = s.charCodeAt(i);
  if (c0 >= 128 || ((CLASS[c0] as number) & 1) === 0) return i;
  i++;
  while (i < end) {
    const c = s.charCodeAt(i);
    if (c >= 128 || ((CLASS[c] as number) & 2) === 0) break;
    i++;
  }
  return i;
}

function scanLabelName(s: string, i: number, end: number): number {
  if (i >= end) return i;
  const c0 = s.charCodeAt(i);
  if (c0 >= 128 || ((CLASS[c0] as number) & 4) === 0) return i;
  i++;
  while (i < end) {
    const c = s.charCodeAt(i);
    if (c >= 128 || ((CLASS[c] as number) & 8) === 0) break;
    i++;
  }
  return i;
}

/**
 * True when `s[start, end)` is exactly what `formatValue` writes for its number: `-?(0|[1-9]\d*)(\.\d*[1-9])?`
 * with at most 15 digits (so the shortest round-trip form has the same digits) and, below 1, at most five
 * zeros after the point (below 1e-6 JavaScript switches to exponent form).
 */
export function isCanonicalValue(s: string, start: number, end: number): boolean {
  let i = start;
  if (i < end && s.charCodeAt(i) === 0x2d) i++;
  const intStart = i;
  while (i < end) {
    const c = s.charCodeAt(i);
    if (c < 0x30 || c > 0x39) break;
    i++;
  }
  const intDigits = i - intStart;
  if (intDigits === 0 || (intDigits > 1 && s.charCodeAt(intStart) === 0x30)) return false;
  if (i === end) return intDigits <= 15;
  if (s.charCodeAt(i) !== 0x2e) return false;
  i++;
  const fracStart = i;
  while (i < end) {
    const c = s.charCodeAt(i);
    if (c < 0x30 || c > 0x39) return false;
    i++;
  }
  const fracDigits = end - fracStart;
  if (fracDigits === 0 || s.charCodeAt(end - 1) === 0x30 || intDigits + fracDigits > 15) return false;
  if (intDigits === 1 && s.charCodeAt(intStart) === 0x30) {
    let zeros = 0;
    while (zeros < fracDigits && s.charCodeAt(fracStart + zeros) === 0x30) zeros++;
    if (zeros > 5) return false;
  }
  return true;
}

/** `-?\d+(\.\d+)?`: an `le` whose spelling every writer keeps. */
function isPlainDecimal(v: string): boolean {
  let i = 0;
  if (v.charCodeAt(0) === 0x2d) i++;
  let digits = 0;
  while (i < v.length && v.charCodeAt(i) >= 0x30 && v.charCodeAt(i) <= 0x39) {
    i++;
    digits++;
  }
  if (digits === 0) return false;
  if (i === v.length) return true;
  if (v.charCodeAt(i) !== 0x2e) return false;
  i++;
  const fracStart = i;
  while (i < v.length && v.charCodeAt(i) >= 0x30 && v.charCodeAt(i) <= 0x39) i++;
  return i === v.length && i > fracStart;
}
