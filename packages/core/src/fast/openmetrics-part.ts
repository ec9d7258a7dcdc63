/**
 * The fast path's reader of one scraped OpenMetrics 1.0 body: `scanTextPart`'s contract (see text-part.ts)
 * for `application/openmetrics-text`. One pass over the UTF-8 bytes yields, per family, the output lines as
 * byte ranges of the body with the instance's pre-encoded CF label suffix between them, rendered for the
 * requested output format.
 *
 * It answers exactly what `parseOpenMetrics` → `relabel` → the merge's per-part duplicate check → a
 * serializer would, or declines (`{ declined: reason }`): every input the parser rejects, and the shapes it
 * does not reproduce: escapes other than `\\`, `\"`, `\n` in label values, `{}`, a label set whose names
 * change or move within a family, `__name__`, an app label named like a CF label, an `le`/`quantile` the
 * parser and the writers might read differently, timestamps on info families or differing within one
 * group (metric point), duplicate series in histograms, gaugehistograms and summaries, and, where the OpenMetrics writer would turn the family into
 * `unknown`, a non-integer bucket or count. Counters, gauges, histograms, gaugehistograms, summaries, info,
 * stateset and unknown families, HELP/TYPE/UNIT, exemplars (on `_total` and `_bucket`) and families without
 * samples are read.
 *
 * What the writers change is reproduced here: OpenMetrics histogram groups are put in order (buckets, count,
 * sum, created); for text, `_created`/`_gcount`/`_gsum` lines go to `FastFamily.split` (the text writer
 * writes them as gauge families after the family) and exemplars are left out; timestamps become
 * milliseconds or seconds. `openmetrics-part.test.ts` checks the equivalence on real and random inputs.
 *
 * The bytes must be valid UTF-8 (the scraper checks; `bytesOf` checks a string).
 */
import type { Labels, MetricType } from '../exposition/model.js';
import {
  formatOpenMetricsTimestamp,
  formatTextTimestamp,
  formatValue,
  isWritableTimestamp,
  parseGoFloat,
} from '../exposition/serialize-common.js';
import { unescapeRange } from '../exposition/scan-escapes.js';
import { scanFloat } from '../exposition/scan-number.js';
import { OM_SUFFIXES, OM_TYPES } from '../exposition/scan-om-rules.js';
import {
  canonicalValue,
  CLASS,
  closingQuote,
  escapeCount,
  GroupBytes,
  leValue,
  SeriesSet,
  sameAscii,
  sameBytes,
  scanName,
} from './bytes.js';
import {
  cfSuffixes,
  type Declined,
  type FastFamily,
  type FastPart,
  type FastSplit,
  type OutputFormat,
  type PieceSource,
} from './text-part.js';

// Sample kinds (from the suffix).
const K_PLAIN = 0; // '' (gauge, unknown, stateset, summary quantile)
const K_TOTAL = 1;
const K_CREATED = 2;
const K_BUCKET = 3;
const K_COUNT = 4; // _count, _gcount
const K_SUM = 5; // _sum, _gsum
const K_INFO = 6;

const KINDS: Readonly<Record<string, number>> = {
  '': K_PLAIN,
  _total: K_TOTAL,
  _created: K_CREATED,
  _bucket: K_BUCKET,
  _count: K_COUNT,
  _gcount: K_COUNT,
  _sum: K_SUM,
  _gsum: K_SUM,
  _info: K_INFO,
};

const LF = 0x0a;
const CR = 0x0d;
const SPACE = 0x20;
const QUOTE = 0x22;
const HASH = 0x23;
const COMMA = 0x2c;
const EQUALS = 0x3d;
const LBRACE = 0x7b;
const RBRACE = 0x7d;

/** Every line is exactly three pieces (six numbers): head, suffix, tail. */
const LINE = 6;

/** The OpenMetrics writer's order of a histogram group's lines, by kind. */
const RANK: readonly number[] = [9, 9, 3, 0, 1, 2, 9];

class Decline extends Error {}

/** One list of label names of a family's samples (the special label aside). */
interface Variant {
  readonly names: readonly string[];
  /** How many other labels come before the special label (the same in every sample), -1 until seen. */
  specialAt: number;
}

/** `labels` found the names differ from the expected ones. */
const MISMATCH = -2;

interface Split {
  readonly suffix: string;
  samples: number;
  readonly pieces: number[];
  bytes: number;
}

interface OmFamily {
  readonly name: string;
  type: MetricType;
  typeSet: boolean;
  help: string | undefined;
  /** As read ('' when `# UNIT x ` was), undefined when there was no UNIT line. */
  unit: string | undefined;
  /** Every sample line read, duplicates included (metadata must come before any). */
  lines: number;
  samples: number;
  duplicates: number;
  readonly pieces: number[];
  bytes: number;
  /** Text output: split-off lines by suffix. */
  split: Split[] | undefined;
  /** The label names of the last sample (the special label aside), and every such list met, by sorted names. */
  variant: Variant | undefined;
  variants: Map<string, Variant> | undefined;
  /** The open group: its label bytes without the special label (two ranges), its first line in `pieces`. */
  groupOpen: boolean;
  /** The open group's label bytes (grouped families only). */
  group: GroupBytes | undefined;
  groupStart: number;
  closedGroups: Set<string> | undefined;
  /** The open group's timestamp (ms), NaN when its lines have none: every line of a group has the same. */
  groupMs: number;
  /** Histogram group: per line its kind (for the OpenMetrics order) and the run state of the parser. */
  readonly kinds: number[];
  buckets: number;
  le: number;
  bucketValue: number;
  count: number | undefined;
  hasSum: boolean;
  negativeBuckets: boolean;
  negativeSum: boolean;
  /** Summary group: `_count` and `_sum` lines seen. */
  summaryCounts: number;
  summarySums: number;
}

function isGrouped(type: MetricType): boolean {
  return type === 'histogram' || type === 'gaugehistogram' || type === 'summary';
}

/**
 * Reads `body` (a whole OpenMetrics 1.0 exposition, valid UTF-8) into families whose lines carry `cfLabels`
 * after the app's own labels, rendered for `format`; or declines.
 */
export function scanOpenMetricsPart(
  body: Buffer,
  cfLabels: Labels,
  format: OutputFormat,
): FastPart | Declined {
  try {
    return new OpenMetricsPartScanner(body, cfLabels, format).run();
  } catch (e) {
    if (e instanceof Decline) return { declined: e.message };
    throw e;
  }
}

class OpenMetricsPartScanner {
  private readonly b: Buffer;
  private readonly om: boolean;
  private readonly from: PieceSource;
  /** `[afterOwn, alone]` CF suffixes, then tails rendered as UTF-8 (exemplars with non-ASCII labels). */
  private readonly buffers: Buffer[];
  private readonly afterOwnBytes: number;
  private readonly aloneBytes: number;
  private readonly strings: string[] = [];
  private readonly cfNames: ReadonlySet<string>;
  private readonly families: OmFamily[] = [];
  /** Every sample name claimed by a family so far (as the parser's `claimed`). */
  private readonly claimed = new Set<string>();
  private readonly seen: SeriesSet;
  /** The current sample's group (scratch). */
  private readonly group = new GroupBytes();
  private cur: OmFamily | undefined;
  private eof = false;
  /** The last sample name (a range of the body) and its kind, while it belongs to `cur`. */
  private lastStart = -1;
  private lastLen = 0;
  private lastKind = K_PLAIN;
  private lastSuffix = '';
  /** Where the last label set's special label is (see `labels`). */
  private specialStart = -1;
  private specialEnd = -1;
  private specialValueStart = -1;
  private specialAt = -1;

  constructor(body: Buffer, cfLabels: Labels, format: OutputFormat) {
    this.b = body;
    this.om = format === 'openmetrics';
    const suffixes = cfSuffixes(cfLabels);
    this.buffers = [suffixes[0], suffixes[1]];
    this.afterOwnBytes = suffixes[0].length;
    this.aloneBytes = suffixes[1].length;
    this.from = { source: body, suffixes: this.buffers, strings: this.strings };
    this.cfNames = new Set(cfLabels.map((l) => l.name));
    this.seen = new SeriesSet(body, Math.max(64, body.length >> 6));
  }

  run(): FastPart {
    const b = this.b;
    let start = 0;
    for (;;) {
      const nl = b.indexOf(LF, start);
      if (nl < 0) break;
      this.line(start, nl);
      start = nl + 1;
    }
    if (start < b.length) {
      // The unterminated last line: only `# EOF` can be there (a sample would need its LF for its tail).
      if (this.eof) throw new Decline('text after # EOF');
      if (!(b.length - start === 5 && sameAscii(b, start, '# EOF')))
        throw new Decline('last line without LF');
      this.line(start, b.length);
    }
    if (!this.eof) throw new Decline('no # EOF');
    return this.finish();
  }

  private line(start: number, end: number): void {
    if (this.eof) throw new Decline('text after # EOF');
    if (start === end) throw new Decline('blank line');
    const b = this.b;
    if (b[end - 1] === CR) throw new Decline('CR');
    if (b[start] === HASH) this.meta(start, end);
    else this.sample(start, end);
  }

  // --- families ---

  private open(name: string): OmFamily {
    this.close();
    if (this.claimed.has(name)) throw new Decline('clashing name');
    this.claimed.add(name);
    const f: OmFamily = {
      name,
      type: 'unknown',
      typeSet: false,
      help: undefined,
      unit: undefined,
      lines: 0,
      samples: 0,
      duplicates: 0,
      pieces: [],
      bytes: 0,
      split: undefined,
      variant: undefined,
      variants: undefined,
      groupOpen: false,
      group: undefined,
      groupStart: 0,
      closedGroups: undefined,
      groupMs: NaN,
      kinds: [],
      buckets: 0,
      le: -Infinity,
      bucketValue: 0,
      count: undefined,
      hasSum: false,
      negativeBuckets: false,
      negativeSum: false,
      summaryCounts: 0,
      summarySums: 0,
    };
    this.families.push(f);
    this.cur = f;
    this.lastStart = -1;
    return f;
  }

  private close(): void {
    const f = this.cur;
    if (f === undefined) return;
    this.closeGroup(f);
    this.cur = undefined;
    this.lastStart = -1;
  }

  // --- `# HELP|TYPE|UNIT name value`, `# EOF` ---

  private meta(start: number, end: number): void {
    const b = this.b;
    if (end - start === 5 && sameAscii(b, start, '# EOF')) {
      this.close();
      this.eof = true;
      return;
    }
    if (end - start < 7 || b[start + 1] !== SPACE || b[start + 6] !== SPACE) {
      throw new Decline('invalid comment');
    }
    const isHelp = sameAscii(b, start + 2, 'HELP');
    const isType = !isHelp && sameAscii(b, start + 2, 'TYPE');
    if (!isHelp && !isType && !sameAscii(b, start + 2, 'UNIT')) throw new Decline('invalid comment');
    const nameStart = start + 7;
    const nameEnd = scanName(b, nameStart, end, 1, 2);
    if (nameEnd === nameStart || nameEnd === end || b[nameEnd] !== SPACE) {
      throw new Decline('invalid name in metadata');
    }
    const name = b.toString('latin1', nameStart, nameEnd);
    const valueStart = nameEnd + 1;
    let f = this.cur;
    if (f === undefined || f.name !== name) f = this.open(name);
    else if (f.lines > 0) throw new Decline('metadata after samples');
    if (isHelp) {
      if (f.help !== undefined) throw new Decline('second HELP');
      const raw = b.toString('utf8', valueStart, end);
      f.help = raw.indexOf('\\') < 0 ? raw : (unescapeRange(raw, 0, raw.length, 'keep') as string);
    } else if (isType) {
      if (f.typeSet) throw new Decline('second TYPE');
      const type = b.toString('latin1', valueStart, end);
      if (!OM_TYPES.has(type)) throw new Decline('unknown type');
      f.type = type as MetricType;
      f.typeSet = true;
      for (const suffix of OM_SUFFIXES[f.type]) {
        if (suffix === '') continue;
        if (this.claimed.has(name + suffix)) throw new Decline('clashing name');
        this.claimed.add(name + suffix);
      }
      this.checkUnit(f);
    } else {
      if (f.unit !== undefined) throw new Decline('second UNIT');
      for (let i = valueStart; i < end; i++) if ((CLASS[b[i]!]! & 2) === 0) throw new Decline('invalid unit');
      const unit = b.toString('latin1', valueStart, end);
      if (unit !== '' && !name.endsWith('_' + unit)) throw new Decline('name does not end with its unit');
      f.unit = unit;
      this.checkUnit(f);
    }
  }

  private checkUnit(f: OmFamily): void {
    if (f.unit !== undefined && f.unit !== '' && (f.type === 'info' || f.type === 'stateset')) {
      throw new Decline('unit on info or stateset');
    }
  }

  // --- `name[{labels}] value [timestamp] [# {labels} value [timestamp]]` ---

  private sample(start: number, end: number): void {
    const b = this.b;
    let nameEnd: number;
    let f = this.cur;
    const len = this.lastLen;
    if (
      this.lastStart >= 0 &&
      start + len <= end &&
      (start + len === end || (CLASS[b[start + len]!]! & 2) === 0) &&
      sameBytes(b, start, this.lastStart, len)
    ) {
      nameEnd = start + len;
    } else {
      nameEnd = scanName(b, start, end, 1, 2);
      if (nameEnd === start) throw new Decline('invalid metric name');
      let suffix = f === undefined ? undefined : suffixAt(b, start, nameEnd, f.name, f.type);
      if (suffix === undefined) {
        f = this.open(b.toString('latin1', start, nameEnd));
        suffix = '';
      }
      this.lastStart = start;
      this.lastLen = nameEnd - start;
      this.lastSuffix = suffix;
      this.lastKind = KINDS[suffix]!;
    }
    const fam = f!;
    const kind = this.lastKind;
    const type = fam.type;
    const special =
      (type === 'histogram' || type === 'gaugehistogram') && kind === K_BUCKET
        ? 'le'
        : type === 'summary' && kind === K_PLAIN
          ? 'quantile'
          : type === 'stateset'
            ? fam.name
            : undefined;

    // Labels: the strict OpenMetrics syntax; names checked against the family's current label-name variant.
    let i = nameEnd;
    let close = -1; // index of `}` when there are labels
    this.specialStart = -1;
    if (i < end && b[i] === LBRACE) {
      if (i + 1 < end && b[i + 1] === RBRACE) throw new Decline('{}');
      const v = fam.variant;
      close = v === undefined ? MISMATCH : this.labels(i + 1, end, special, v.names, undefined);
      if (close === MISMATCH) {
        const fresh: string[] = [];
        close = this.labels(i + 1, end, special, undefined, fresh);
        this.useVariant(fam, fresh);
      }
      if (this.specialStart >= 0) {
        const variant = fam.variant!;
        if (variant.specialAt < 0) variant.specialAt = this.specialAt;
        else if (variant.specialAt !== this.specialAt) throw new Decline('le/quantile moves within a family');
      }
      i = close + 1;
    } else if (fam.variant === undefined || fam.variant.names.length !== 0) this.useVariant(fam, []);
    const specialStart = this.specialStart;
    const specialEnd = this.specialEnd;
    const specialValueStart = this.specialValueStart;
    if (special !== undefined && specialStart < 0) throw new Decline('le/quantile/stateset label missing');

    // Value, timestamp, exemplar.
    if (i >= end || b[i] !== SPACE) throw new Decline('no value');
    const valueStart = i + 1;
    const valueEnd = spaceOrEnd(b, valueStart, end);
    let value = canonicalValue(b, valueStart, valueEnd);
    const canonical = value === value; // canonicalValue is NaN for any other spelling
    if (!canonical) {
      const v = floatAt(b, valueStart, valueEnd);
      if (v === undefined) throw new Decline('invalid value');
      value = v;
    }
    let tsText = '';
    let ms = NaN;
    let exemplar = '';
    i = valueEnd;
    if (i < end) {
      i++;
      if (i === end) throw new Decline('trailing space');
      if (b[i] !== HASH) {
        const tsEnd = spaceOrEnd(b, i, end);
        const ts = floatAt(b, i, tsEnd);
        if (ts === undefined || !Number.isFinite(ts)) throw new Decline('invalid timestamp');
        // The writer wants an info family's timestamps in order across the merged family: not checked here.
        if (type === 'info') throw new Decline('timestamp on info');
        ms = ts * 1000;
        // An unwritable timestamp is left out by both writers.
        if (isWritableTimestamp(ms)) {
          tsText = ' ' + (this.om ? formatOpenMetricsTimestamp(ms) : formatTextTimestamp(ms));
        }
        i = tsEnd;
        if (i < end) {
          i++;
          if (i === end) throw new Decline('trailing space');
        }
      }
      if (i < end) exemplar = this.exemplar(i, end);
    }

    // The parser's per-sample rules (scan-om-rules.ts checkOmSample).
    if (
      kind === K_TOTAL ||
      kind === K_BUCKET ||
      kind === K_COUNT ||
      (kind === K_SUM && type !== 'gaugehistogram')
    ) {
      if (value !== value || value < 0) throw new Decline('negative or NaN count');
    } else if (kind === K_SUM && value !== value) throw new Decline('NaN gsum');
    if (exemplar !== '' && kind !== K_TOTAL && !(kind === K_BUCKET && type !== 'summary')) {
      throw new Decline('exemplar not allowed');
    }
    if (type === 'stateset' && value !== 0 && value !== 1) throw new Decline('stateset value');
    if (type === 'info' && value !== 1) throw new Decline('info value');
    let bound = NaN;
    if (special === 'le' || special === 'quantile') {
      bound = boundValue(b, specialValueStart, specialEnd - 1);
      if (bound !== bound) throw new Decline('le/quantile spelling');
      if (special === 'quantile' && (!(bound >= 0 && bound <= 1) || value < 0)) throw new Decline('quantile');
    }

    // The group: own labels without the special label, as one or two byte ranges.
    const g = this.group.set(nameEnd, close, specialStart, specialEnd);
    const same = fam.groupOpen && fam.group!.equals(b, g);
    const tracked = type !== 'gauge' && type !== 'unknown' && type !== 'info';
    if (!same) {
      this.closeGroup(fam);
      if (tracked) {
        const key = g.key(b);
        fam.closedGroups ??= new Set();
        if (fam.closedGroups.has(key)) throw new Decline('group not contiguous');
        fam.closedGroups.add(key);
      }
      fam.groupOpen = true;
      (fam.group ??= new GroupBytes()).copyFrom(g);
      fam.groupStart = fam.pieces.length;
      fam.groupMs = ms;
    } else if (ms !== fam.groupMs && !(ms !== ms && fam.groupMs !== fam.groupMs)) {
      // The parser wants them present or absent alike and not going back; the writers want them equal.
      throw new Decline('timestamps differ within a group');
    }
    if (type === 'histogram' || type === 'gaugehistogram') this.histogramSample(fam, kind, value, bound);
    fam.lines++;

    // Duplicate series within the part: the first is kept (the merge's rule).
    if (!this.seen.add(start, close < 0 ? nameEnd : close)) {
      // gauge/unknown/info: a repeated label set is a reopened group unless it is the previous line's.
      if (!same || isGrouped(type)) throw new Decline('duplicate series');
      fam.duplicates++;
      return;
    }
    if (type === 'summary') {
      if (kind === K_COUNT) {
        if (!Number.isInteger(value) || ++fam.summaryCounts > 1) throw new Decline('summary count');
      } else if (kind === K_SUM && ++fam.summarySums > 1) throw new Decline('summary sum');
    }

    // Render: name{own labels,CF labels} value [timestamp] [exemplar]
    let pieces = fam.pieces;
    let split: Split | undefined;
    if (
      !this.om &&
      (kind === K_CREATED || (type === 'gaugehistogram' && (kind === K_COUNT || kind === K_SUM)))
    ) {
      split = this.splitOf(fam, this.lastSuffix);
      pieces = split.pieces;
    }
    let bytes: number;
    if (close < 0) {
      pieces.push(start, nameEnd, -1, 1);
      bytes = nameEnd - start + this.aloneBytes;
    } else {
      pieces.push(start, close, -1, 0);
      bytes = close - start + this.afterOwnBytes;
    }
    if (canonical && valueEnd === end) {
      pieces.push(valueStart - 1, end + 1); // ` value\n` as written
      bytes += end + 2 - valueStart;
    } else {
      const tail =
        ' ' +
        (canonical ? b.toString('latin1', valueStart, valueEnd) : formatValue(value)) +
        tsText +
        (this.om ? exemplar : '') +
        '\n';
      const utf8 = Buffer.byteLength(tail, 'utf8');
      if (utf8 === tail.length) {
        pieces.push(-2, this.strings.length);
        this.strings.push(tail);
      } else {
        pieces.push(-1, this.buffers.length);
        this.buffers.push(Buffer.from(tail, 'utf8'));
      }
      bytes += utf8;
    }
    if (split !== undefined) {
      split.samples++;
      split.bytes += bytes;
    } else {
      fam.bytes += bytes;
      if (this.om && (type === 'histogram' || type === 'gaugehistogram')) fam.kinds.push(kind);
    }
    fam.samples++;
  }

  /** ` # {labels} value [timestamp]` as the OpenMetrics writer writes the exemplar at `i` (`# {…} …`). */
  private exemplar(i: number, end: number): string {
    const b = this.b;
    if (i + 2 >= end || b[i] !== HASH || b[i + 1] !== SPACE || b[i + 2] !== LBRACE) {
      throw new Decline('exemplar syntax');
    }
    const open = i + 2;
    i = open + 1;
    const names: string[] = [];
    let chars = 0;
    if (i < end && b[i] === RBRACE) i++;
    else {
      for (;;) {
        const labelEnd = scanName(b, i, end, 4, 8);
        if (labelEnd === i || labelEnd + 1 >= end || b[labelEnd] !== EQUALS || b[labelEnd + 1] !== QUOTE) {
          throw new Decline('exemplar label syntax');
        }
        const name = b.toString('latin1', i, labelEnd);
        if (name === '__name__' || names.includes(name)) throw new Decline('exemplar label name');
        names.push(name);
        chars += name.length;
        const valueStart = labelEnd + 2;
        i = closingQuote(b, valueStart, end);
        if (i < 0) throw new Decline(i === -1 ? 'unterminated label value' : 'escape');
        chars += codePoints(b, valueStart, i) - escapeCount(b, valueStart, i);
        i++;
        const c = i < end ? b[i] : -1;
        if (c === RBRACE) {
          i++;
          break;
        }
        if (c !== COMMA) throw new Decline('exemplar label syntax');
        i++;
      }
    }
    if (chars > 128) throw new Decline('exemplar labels too long');
    const labels = b.toString('utf8', open, i);
    if (i >= end || b[i] !== SPACE) throw new Decline('exemplar value');
    const valueEnd = spaceOrEnd(b, i + 1, end);
    const value = floatAt(b, i + 1, valueEnd);
    if (value === undefined) throw new Decline('exemplar value');
    let out = ' # ' + labels + ' ' + formatValue(value);
    if (valueEnd === end) return out;
    const tsEnd = spaceOrEnd(b, valueEnd + 1, end);
    const ts = floatAt(b, valueEnd + 1, tsEnd);
    if (ts === undefined || !Number.isFinite(ts) || tsEnd !== end) throw new Decline('exemplar timestamp');
    out += ' ' + formatValue(ts);
    return out;
  }

  private splitOf(f: OmFamily, suffix: string): Split {
    f.split ??= [];
    for (const s of f.split) if (s.suffix === suffix) return s;
    const s: Split = { suffix, samples: 0, pieces: [], bytes: 0 };
    f.split.push(s);
    return s;
  }

  /** Makes `names` the family's current variant: the same names in another order are declined. */
  private useVariant(f: OmFamily, names: string[]): void {
    const reserved =
      f.type === 'histogram' || f.type === 'gaugehistogram'
        ? 'le'
        : f.type === 'summary'
          ? 'quantile'
          : f.type === 'stateset'
            ? f.name
            : undefined;
    if (reserved !== undefined && this.cfNames.has(reserved))
      throw new Decline('a CF label named le/quantile');
    for (let a = 0; a < names.length; a++) {
      const n = names[a]!;
      if (n === '__name__') throw new Decline('__name__');
      if (n === reserved) throw new Decline('le/quantile on another sample');
      if (this.cfNames.has(n)) throw new Decline('app label named like a CF label');
      for (let c = 0; c < a; c++) if (names[c] === n) throw new Decline('duplicate label name');
    }
    // A series or group written with its labels in two orders would escape the byte comparisons.
    const key = names.length < 2 ? names.join(',') : [...names].sort().join(',');
    f.variants ??= new Map();
    const known = f.variants.get(key);
    if (known === undefined) {
      const v: Variant = { names, specialAt: -1 };
      f.variants.set(key, v);
      f.variant = v;
      return;
    }
    for (let k = 0; k < names.length; k++) {
      if (known.names[k] !== names[k]) throw new Decline('label order changes within a family');
    }
    f.variant = known;
  }

  /**
   * Scans the label set from `i` (after `{`) to its `}` and returns the index of `}`: the special label's
   * place goes to `specialStart`, `specialEnd`, `specialValueStart`, `specialAt`. With `expected`, answers
   * MISMATCH as soon as the other names differ; else collects them into `fresh`.
   */
  private labels(
    i: number,
    end: number,
    special: string | undefined,
    expected: readonly string[] | undefined,
    fresh: string[] | undefined,
  ): number {
    const b = this.b;
    let n = 0;
    this.specialStart = -1;
    for (;;) {
      const labelStart = i;
      const labelEnd = scanName(b, i, end, 4, 8);
      if (labelEnd === i || labelEnd + 1 >= end || b[labelEnd] !== EQUALS || b[labelEnd + 1] !== QUOTE) {
        throw new Decline('label syntax');
      }
      const isSpecial =
        special !== undefined &&
        labelEnd - labelStart === special.length &&
        sameAscii(b, labelStart, special);
      if (isSpecial) {
        if (this.specialStart >= 0) throw new Decline('duplicate label name');
        this.specialStart = labelStart;
        this.specialAt = n;
      } else {
        if (expected !== undefined) {
          const name = expected[n];
          if (
            name === undefined ||
            name.length !== labelEnd - labelStart ||
            !sameAscii(b, labelStart, name)
          ) {
            return MISMATCH;
          }
        } else fresh!.push(b.toString('latin1', labelStart, labelEnd));
        n++;
      }
      const valueStart = labelEnd + 2;
      i = closingQuote(b, valueStart, end);
      if (i < 0) throw new Decline(i === -1 ? 'unterminated label value' : 'escape');
      i++;
      if (isSpecial) {
        this.specialValueStart = valueStart;
        this.specialEnd = i;
      }
      const c = i < end ? b[i] : -1;
      if (c === RBRACE) break;
      if (c !== COMMA) throw new Decline('label syntax');
      i++;
    }
    if (expected !== undefined && n !== expected.length) return MISMATCH;
    return i;
  }

  /**
   * The parser's HistogramRun.add, and the OpenMetrics writer's integer counts (checkHistogramGroup; the
   * text writer does not check them).
   */
  private histogramSample(f: OmFamily, kind: number, value: number, le: number): void {
    switch (kind) {
      case K_BUCKET:
        if (le < 0) f.negativeBuckets = true;
        if (f.buckets > 0 && le <= f.le) throw new Decline('buckets out of order');
        if (value < f.bucketValue) throw new Decline('buckets not cumulative');
        if (this.om && !Number.isInteger(value)) throw new Decline('non-integer bucket');
        f.le = le;
        f.bucketValue = value;
        f.buckets++;
        break;
      case K_COUNT:
        if (this.om && !Number.isInteger(value)) throw new Decline('non-integer count');
        f.count = value;
        break;
      case K_SUM:
        f.hasSum = true;
        if (value < 0) f.negativeSum = true;
        break;
      default:
    }
  }

  /**
   * Ends the family's open group: the parser's HistogramRun.finish and, for OpenMetrics output, the
   * writer's order of a histogram group (buckets, count, sum, created; buckets are in order already).
   */
  private closeGroup(f: OmFamily): void {
    if (!f.groupOpen) return;
    f.groupOpen = false;
    f.summaryCounts = 0;
    f.summarySums = 0;
    const type = f.type;
    if (type !== 'histogram' && type !== 'gaugehistogram') return;
    if (f.buckets === 0 || f.le !== Infinity) throw new Decline('histogram without +Inf');
    if (f.count !== undefined && f.count !== f.bucketValue) throw new Decline('histogram count');
    if (f.hasSum !== (f.count !== undefined)) throw new Decline('count without sum');
    if (type === 'histogram' ? f.negativeBuckets && f.hasSum : !f.negativeBuckets && f.negativeSum) {
      throw new Decline('histogram sum');
    }
    f.le = -Infinity;
    f.bucketValue = 0;
    f.buckets = 0;
    f.count = undefined;
    f.hasSum = false;
    f.negativeBuckets = false;
    f.negativeSum = false;
    const kinds = f.kinds;
    const n = kinds.length;
    if (n === 0) return;
    const rank = (k: number): number => RANK[kinds[k]!]!;
    let ordered = true;
    for (let k = 1; k < n && ordered; k++) if (rank(k) < rank(k - 1)) ordered = false;
    if (!ordered) {
      const pieces = f.pieces;
      const from = f.groupStart;
      if ((pieces.length - from) / LINE !== n)
        throw new Error('fast path: histogram group bookkeeping is off');
      const order = Array.from({ length: n }, (_, k) => k).sort((x, y) => rank(x) - rank(y) || x - y);
      const copy = pieces.slice(from);
      for (let j = 0; j < n; j++) {
        const k = order[j]!;
        for (let x = 0; x < LINE; x++) pieces[from + j * LINE + x] = copy[k * LINE + x]!;
      }
    }
    kinds.length = 0;
  }

  private finish(): FastPart {
    const families: FastFamily[] = [];
    for (const f of this.families) {
      const family: FastFamily & { unit?: string; split?: readonly FastSplit[] } = {
        name: f.name,
        type: f.type,
        help: f.help,
        unsuffixed: false,
        samples: f.samples,
        duplicates: f.duplicates,
        from: this.from,
        pieces: f.pieces,
        bytes: f.bytes,
      };
      if (f.unit !== undefined && f.unit !== '') family.unit = f.unit;
      if (f.split !== undefined) family.split = f.split;
      families.push(family);
    }
    return { families };
  }
}

/**
 * The suffix of the sample name `b[start, end)` within family `family` of `type`, or undefined
 * (scan-om-rules.ts omSuffix, on bytes).
 */
function suffixAt(
  b: Buffer,
  start: number,
  end: number,
  family: string,
  type: MetricType,
): string | undefined {
  const rest = end - start - family.length;
  if (rest < 0 || !sameAscii(b, start, family)) return undefined;
  const at = start + family.length;
  for (const suffix of OM_SUFFIXES[type]) {
    if (suffix.length === rest && sameAscii(b, at, suffix)) return suffix;
  }
  return undefined;
}

/** The float in `b[start, end)` as the parser reads it (scanFloat), or undefined. */
function floatAt(b: Buffer, start: number, end: number): number | undefined {
  const text = b.toString('latin1', start, end);
  return scanFloat(text, 0, text.length);
}

function spaceOrEnd(b: Buffer, i: number, end: number): number {
  while (i < end && b[i] !== SPACE) i++;
  return i;
}

/** Code points of the UTF-8 bytes `b[start, end)` (bytes that do not continue a sequence). */
function codePoints(b: Buffer, start: number, end: number): number {
  let n = 0;
  for (let i = start; i < end; i++) if ((b[i]! & 0xc0) !== 0x80) n++;
  return n;
}

/**
 * The number of an `le` or `quantile` value as both the parser (scanFloat, `+Inf`/`-Inf` only) and the
 * writers (parseGoFloat) read it, NaN when they might not agree (other infinities, NaN, escapes).
 */
function boundValue(b: Buffer, start: number, end: number): number {
  // `+Inf` and `-?\d+(\.\d+)?`, the usual spellings, read exactly without a string.
  const usual = leValue(b, start, end);
  if (usual === usual) return usual;
  const text = b.toString('latin1', start, end);
  if (text === '+Inf') return Infinity;
  if (text === '-Inf') return -Infinity;
  const v = scanFloat(text, 0, text.length);
  if (v === undefined || !Number.isFinite(v) || parseGoFloat(text) !== v) return NaN;
  return v;
}
