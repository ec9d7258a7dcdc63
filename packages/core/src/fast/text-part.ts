/**
 * The fast path's reader of one scraped text 0.0.4 body: one pass over its UTF-8 bytes that yields, per
 * family, the output lines as byte ranges of the body with the instance's pre-encoded CF label suffix
 * between them — no Sample or Label objects, no strings per line, no second validation. A canonical line
 * (`name{a="x"} 1`, as every client library writes it) becomes three ranges: the body up to `}`, the
 * suffix, the body from `}` to the end of the line. Duplicate series are found with an open-addressing
 * hash of those bytes.
 *
 * It answers exactly what `parseText` → `relabel` → the merge's per-part duplicate check → a serializer
 * would, or declines (`{ declined: reason }`): the caller then takes the model path for the whole request.
 * It declines whatever it does not reproduce exactly, and every parse error (so the model path reports it):
 * quoted (UTF-8) names, blanks or a trailing comma inside `{…}`, `{}`, a label set of a family that changes
 * names or order between samples, an app label named like a CF label, `le`/`quantile` at another place in
 * one family, a non-canonical infinity in `le`, summary/histogram groups that are not contiguous,
 * gaugehistograms, and, for OpenMetrics output, any family the OpenMetrics writer would turn into `unknown`
 * (a negative counter, an invalid histogram or summary group, timestamps in a group). `fast-path.test.ts`
 * checks the equivalence on random and real inputs.
 *
 * The bytes must be valid UTF-8 (the scraper checks; `bytesOf` checks a string).
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
import {
  canonicalValue,
  CLASS,
  closingQuote,
  GroupBytes,
  leValue,
  SeriesSet,
  sameAscii,
  sameBytes,
  scanName,
} from './bytes.js';

export type OutputFormat = 'text' | 'openmetrics';

/**
 * Where a family's output bytes come from. `pieces` holds pairs: `(a, b)` with `a >= 0` is `source[a, b)`;
 * `(-1, k)` is `suffixes[k]`; `(-2, k)` is the ASCII string `strings[k]`.
 */
export interface PieceSource {
  readonly source: Buffer;
  readonly suffixes: readonly Buffer[];
  readonly strings: readonly string[];
}

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
  readonly from: PieceSource;
  readonly pieces: readonly number[];
  /** Output size of the pieces, in bytes. */
  readonly bytes: number;
  /** OpenMetrics parts: the family's UNIT (never ''), written by the OpenMetrics writer's rule. */
  readonly unit?: string;
  /**
   * OpenMetrics parts read for text output: the lines the text writer moves into a `gauge` family of their
   * own after the family (`_created`, `_gcount`, `_gsum`), by suffix; `pieces` then holds the other lines.
   * Their lines are counted in `samples`.
   */
  readonly split?: readonly FastSplit[];
}

/** Lines of one split-off suffix (see FastFamily.split), from the family's PieceSource. */
export interface FastSplit {
  readonly suffix: string;
  readonly samples: number;
  readonly pieces: readonly number[];
  readonly bytes: number;
}

export interface FastPart {
  readonly families: readonly FastFamily[];
}

export interface Declined {
  readonly declined: string;
}

/** A string's UTF-8 bytes, or undefined when it holds a lone surrogate (the parser rejects those). */
export function bytesOf(body: string): Buffer | undefined {
  // String.prototype.isWellFormed: Node 20 has it; the ES2022 lib typings do not.
  return (body as string & { isWellFormed(): boolean }).isWellFormed()
    ? Buffer.from(body, 'utf8')
    : undefined;
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

const LF = 0x0a;
const SPACE = 0x20;
const TAB = 0x09;
const QUOTE = 0x22;
const HASH = 0x23;
const COMMA = 0x2c;
const EQUALS = 0x3d;
const LBRACE = 0x7b;
const RBRACE = 0x7d;

class Decline extends Error {}

interface ScanFamily {
  readonly key: string;
  type: MetricType | undefined;
  help: string | undefined;
  samples: number;
  duplicates: number;
  readonly pieces: number[];
  bytes: number;
  /** The label names of every sample, in order (`le`/`quantile` aside). */
  names: string[] | undefined;
  /** How many other labels come before `le`/`quantile` (the same in every sample), -1 until seen. */
  specialAt: number;
  /** Grouped families: the current group's label bytes (two ranges), where its lines start in `pieces`. */
  groupOpen: boolean;
  /** The open group's label bytes (grouped families only). */
  group: GroupBytes | undefined;
  groupStart: number;
  closedGroups: Set<string> | undefined;
  /** OpenMetrics histograms: per line of the open group, its role, `le` and value. */
  roles: number[] | undefined;
  les: number[] | undefined;
  values: number[] | undefined;
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

/** Every line is exactly three pieces (six numbers): head, suffix, tail. */
const LINE = 6;

/**
 * Reads `body` (a whole text 0.0.4 exposition, valid UTF-8) into families whose lines carry `cfLabels`
 * after the app's own labels, rendered for `format`; or declines.
 */
export function scanTextPart(body: Buffer, cfLabels: Labels, format: OutputFormat): FastPart | Declined {
  try {
    return new TextPartScanner(body, cfLabels, format).run();
  } catch (e) {
    if (e instanceof Decline) return { declined: e.message };
    throw e;
  }
}

/** `,a="x",b="y"}` for appending after own labels; `{a="x",b="y"}` for a sample without. */
export function cfSuffixes(cfLabels: Labels): readonly [afterOwn: Buffer, alone: Buffer] {
  let text = '';
  for (let i = 0; i < cfLabels.length; i++) {
    const l = cfLabels[i]!;
    text += (i === 0 ? '' : ',') + l.name + '="' + escapeQuoted(l.value) + '"';
  }
  return cfLabels.length === 0
    ? [Buffer.from('}'), Buffer.alloc(0)]
    : [Buffer.from(',' + text + '}'), Buffer.from('{' + text + '}')];
}

class TextPartScanner {
  private readonly b: Buffer;
  private readonly om: boolean;
  private readonly from: PieceSource;
  private readonly afterOwnBytes: number;
  private readonly aloneBytes: number;
  private readonly strings: string[] = [];
  private readonly cfNames: ReadonlySet<string>;
  private readonly byKey = new Map<string, ScanFamily>();
  private readonly order: ScanFamily[] = [];
  private readonly resolved = new Map<string, Resolution>();
  /** Sample names read into a summary or histogram by their suffix. */
  private readonly suffixNames = new Set<string>();
  private readonly seen: SeriesSet;
  /** The current sample's group (scratch). */
  private readonly group = new GroupBytes();
  /** The last sample name, as a range of the body. */
  private lastStart = -1;
  private lastLen = 0;
  private last: Resolution | undefined;

  constructor(body: Buffer, cfLabels: Labels, format: OutputFormat) {
    this.b = body;
    this.om = format === 'openmetrics';
    const suffixes = cfSuffixes(cfLabels);
    this.afterOwnBytes = suffixes[0].length;
    this.aloneBytes = suffixes[1].length;
    this.from = { source: body, suffixes, strings: this.strings };
    this.cfNames = new Set(cfLabels.map((l) => l.name));
    this.seen = new SeriesSet(body, Math.max(64, body.length >> 6));
  }

  run(): FastPart {
    const b = this.b;
    const n = b.length;
    let start = 0;
    for (;;) {
      const nl = b.indexOf(LF, start);
      if (nl < 0) break;
      this.line(start, nl);
      start = nl + 1;
    }
    for (let i = start; i < n; i++) {
      const c = b[i]!;
      if (c !== SPACE && c !== TAB) throw new Decline('last line without LF');
    }
    return this.finish();
  }

  private line(start: number, end: number): void {
    const b = this.b;
    let i = start;
    let c = i < end ? b[i]! : -1;
    while (c === SPACE || c === TAB) c = ++i < end ? b[i]! : -1;
    if (c < 0) return;
    if (c === HASH) this.comment(i + 1, end);
    else if (i !== start) throw new Decline('blanks before a sample');
    else this.sample(start, end);
  }

  // --- `# HELP name text`, `# TYPE name type`; other comments are ignored (as parse-text.ts does) ---

  private comment(i: number, end: number): void {
    const b = this.b;
    i = skipBlanks(b, i, end);
    const kwEnd = findBlank(b, i, end);
    if (kwEnd === end || kwEnd - i !== 4) return;
    const isHelp = sameAscii(b, i, 'HELP');
    if (!isHelp && !sameAscii(b, i, 'TYPE')) return;
    i = skipBlanks(b, kwEnd, end);
    if (i === end) return;
    if (b[i] === QUOTE) throw new Decline('quoted name');
    const nameEnd = scanName(b, i, end, 1, 2);
    if (nameEnd === end) return;
    const c = b[nameEnd];
    if (c !== SPACE && c !== TAB) throw new Decline('invalid name in comment');
    const name = b.toString('latin1', i, nameEnd);
    i = skipBlanks(b, nameEnd, end);
    if (i === end) return;
    if (!this.byKey.has(name)) {
      // A family named like a sample already read into another family (`x_sum` of histogram `x`): the
      // parser then splits that sample name over two families; not reproduced here.
      if (this.suffixNames.has(name)) throw new Decline('comment names a sample of another family');
      this.resolved.clear();
    }
    this.lastStart = -1;
    const f = this.family(name);
    if (isHelp) {
      if (f.help !== undefined) throw new Decline('second HELP');
      const raw = b.toString('utf8', i, end);
      const help = raw.indexOf('\\') < 0 ? raw : unescapeRange(raw, 0, raw.length, 'reject');
      if (help === undefined) throw new Decline('bad escape in HELP');
      f.help = help;
      return;
    }
    if (f.type !== undefined) throw new Decline('second TYPE or TYPE after samples');
    const typeEnd = findBlank(b, i, end);
    const type = TEXT_TYPES.get(b.toString('latin1', i, typeEnd).toLowerCase());
    if (type === undefined || skipBlanks(b, typeEnd, end) !== end) throw new Decline('unknown type');
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
        bytes: 0,
        names: undefined,
        specialAt: -1,
        groupOpen: false,
        group: undefined,
        groupStart: 0,
        closedGroups: undefined,
        roles: undefined,
        les: undefined,
        values: undefined,
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
    const b = this.b;
    let nameEnd: number;
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
      if (nameEnd === start) throw new Decline('no metric name');
      this.last = this.resolve(b.toString('latin1', start, nameEnd));
      this.lastStart = start;
      this.lastLen = nameEnd - start;
    }
    const r = this.last!;
    const f = r.family;
    if (f.type === undefined) f.type = 'unknown';
    const type = f.type;
    const grouped = isGrouped(type);
    const special =
      type === 'histogram'
        ? r.kind === KIND_BUCKET
          ? 'le'
          : undefined
        : type === 'summary' && r.kind === KIND_PLAIN
          ? 'quantile'
          : undefined;
    if (type === 'histogram' && r.kind === KIND_PLAIN) throw new Decline('histogram sample without suffix');

    // Labels: canonical syntax only; names checked against the family's first sample.
    let i = nameEnd;
    let close = -1; // index of `}` when there are labels
    let specialStart = -1; // where the special label (`le`, `quantile`) starts
    let specialEnd = -1; // and ends (after its closing quote)
    let specialValueStart = -1;
    if (i < end && b[i] === LBRACE) {
      i++;
      let n = 0;
      const names = f.names;
      const fresh: string[] | undefined = names === undefined ? [] : undefined;
      for (;;) {
        const labelStart = i;
        const labelEnd = scanName(b, i, end, 4, 8);
        if (labelEnd === i || labelEnd >= end || b[labelEnd] !== EQUALS) throw new Decline('label syntax');
        const isSpecial =
          special !== undefined &&
          labelEnd - labelStart === special.length &&
          sameAscii(b, labelStart, special);
        if (isSpecial) {
          specialStart = labelStart;
          if (f.specialAt < 0) f.specialAt = n;
          else if (f.specialAt !== n) throw new Decline('le/quantile moves within a family');
        } else if (fresh !== undefined) fresh.push(b.toString('latin1', labelStart, labelEnd));
        else {
          const expected = names![n];
          if (
            expected === undefined ||
            expected.length !== labelEnd - labelStart ||
            !sameAscii(b, labelStart, expected)
          ) {
            throw new Decline('label names change within a family');
          }
        }
        if (!isSpecial) n++;
        i = labelEnd + 1;
        if (i >= end || b[i] !== QUOTE) throw new Decline('label syntax');
        const valueStart = i + 1;
        i = closingQuote(b, valueStart, end);
        if (i < 0) throw new Decline(i === -1 ? 'unterminated label value' : 'bad escape');
        i++;
        if (isSpecial) {
          specialValueStart = valueStart;
          specialEnd = i;
        }
        const c = i < end ? b[i] : -1;
        if (c === RBRACE) break;
        if (c !== COMMA || i + 1 >= end || b[i + 1] === RBRACE) throw new Decline('label syntax');
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
    if (i >= end || b[i] !== SPACE) throw new Decline('blanks before the value');
    const valueStart = i + 1;
    const valueEnd = findBlank(b, valueStart, end);
    if (valueEnd === valueStart) throw new Decline('value syntax');
    let tsText = '';
    if (valueEnd < end) {
      if (b[valueEnd] !== SPACE) throw new Decline('blanks after the value');
      const tsEnd = findBlank(b, valueEnd + 1, end);
      if (tsEnd !== end || tsEnd === valueEnd + 1) throw new Decline('timestamp syntax');
      const ts = b.toString('latin1', valueEnd + 1, tsEnd);
      const ms = scanInt64(ts, 0, ts.length);
      if (ms === undefined) throw new Decline('bad timestamp');
      if (!isWritableTimestamp(ms)) throw new Decline('timestamp not writable');
      tsText = ' ' + (this.om ? formatOpenMetricsTimestamp(ms) : formatTextTimestamp(ms));
    }
    let value = canonicalValue(b, valueStart, valueEnd);
    const canonical = value === value; // canonicalValue is NaN for any other spelling
    if (!canonical) {
      const text = b.toString('latin1', valueStart, valueEnd);
      const v = scanFloat(text, 0, text.length);
      if (v === undefined || isOverflow(v, text, 0)) throw new Decline('bad value');
      value = v;
    }

    // Duplicate series within the part: the first is kept (the merge's rule).
    if (!this.seen.add(start, close < 0 ? nameEnd : close)) {
      f.duplicates++;
      return;
    }

    // Render: name{own labels,CF labels} value [timestamp]
    const pieces = f.pieces;
    const headEnd = close < 0 ? nameEnd : close;
    const n = pieces.length;
    // The previous line's tail and this line's head are one range of the body when the lines are adjacent:
    // one copy instead of two. Not in OpenMetrics histograms, whose lines (LINE numbers each) get reordered.
    if (n >= 2 && pieces[n - 1] === start && pieces[n - 2]! >= 0 && !(this.om && type === 'histogram')) {
      pieces[n - 1] = headEnd;
    } else pieces.push(start, headEnd);
    pieces.push(-1, close < 0 ? 1 : 0);
    f.bytes += headEnd - start + (close < 0 ? this.aloneBytes : this.afterOwnBytes);
    if (canonical && tsText === '') {
      pieces.push(valueStart - 1, end + 1); // ` value\n` as written
      f.bytes += end + 2 - valueStart;
    } else {
      const tail =
        ' ' + (canonical ? b.toString('latin1', valueStart, valueEnd) : formatValue(value)) + tsText + '\n';
      pieces.push(-2, this.strings.length);
      this.strings.push(tail);
      f.bytes += tail.length;
    }
    f.samples++;
    if (!grouped) {
      if (type === 'counter' && this.om && !(value >= 0)) throw new Decline('negative or NaN counter');
      return;
    }
    if (tsText !== '' && this.om) throw new Decline('timestamp in a group');
    // The group: own labels without the special label, as one or two byte ranges.
    const g = this.group.set(nameEnd, close, specialStart, specialEnd);
    if (!f.groupOpen || !f.group!.equals(b, g)) {
      this.closeGroup(f, pieces.length - LINE);
      const key = g.key(b);
      if (f.closedGroups!.has(key)) throw new Decline('group not contiguous');
      f.closedGroups!.add(key);
      f.groupOpen = true;
      (f.group ??= new GroupBytes()).copyFrom(g);
      f.groupStart = pieces.length - LINE;
    }
    if (type === 'summary') {
      const quantile = specialStart < 0 ? '' : b.toString('utf8', specialValueStart, specialEnd - 1);
      this.summarySample(f, r.kind, value, quantile);
    } else this.histogramSample(f, r.kind, value, specialValueStart, specialEnd - 1);
  }

  private learnNames(f: ScanFamily, names: string[]): void {
    for (let a = 0; a < names.length; a++) {
      const n = names[a]!;
      if (n === '__name__') throw new Decline('__name__');
      if (this.cfNames.has(n)) throw new Decline('app label named like a CF label');
      for (let c = 0; c < a; c++) if (names[c] === n) throw new Decline('duplicate label name');
    }
    f.names = names;
    if (isGrouped(f.type)) f.closedGroups = new Set();
  }

  private summarySample(f: ScanFamily, kind: Kind, value: number, quantile: string): void {
    if (kind === KIND_PLAIN) {
      const q = parseGoFloat(quantile);
      if (q === undefined || scanFloat(quantile, 0, quantile.length) === undefined) {
        throw new Decline('bad quantile');
      }
      if (this.om && (!(q >= 0 && q <= 1) || value < 0))
        throw new Decline('summary not valid in OpenMetrics');
    } else if (kind === KIND_COUNT) {
      if (value < 0) throw new Decline('negative summary count');
      if (this.om && (!Number.isInteger(value) || ++f.summaryCounts > 1)) throw new Decline('summary count');
    } else if (kind === KIND_SUM) {
      if (this.om && (!(value >= 0) || ++f.summarySums > 1)) throw new Decline('summary sum');
    }
  }

  /** `le` is `b[leStart, leEnd)` for a bucket. */
  private histogramSample(f: ScanFamily, kind: Kind, value: number, leStart: number, leEnd: number): void {
    let bound = NaN;
    if (kind === KIND_BUCKET) {
      bound = leValue(this.b, leStart, leEnd);
      if (bound !== bound) throw new Decline('le spelling');
    }
    if ((kind === KIND_BUCKET || kind === KIND_COUNT) && value < 0) throw new Decline('negative count');
    if (!this.om) return;
    (f.roles ??= []).push(kind);
    (f.les ??= []).push(bound);
    (f.values ??= []).push(value);
  }

  /**
   * Ends the family's open group, whose lines run from `groupStart` to `upTo` in `pieces`: OpenMetrics
   * histograms are checked (serialize-openmetrics.ts checkHistogramGroup) and put in order (buckets by
   * `le`, then count, then sum).
   */
  private closeGroup(f: ScanFamily, upTo: number): void {
    if (!f.groupOpen) return;
    f.groupOpen = false;
    f.summaryCounts = 0;
    f.summarySums = 0;
    const roles = f.roles;
    if (roles === undefined || roles.length === 0) return;
    const les = f.les!;
    const values = f.values!;
    const n = roles.length;
    // Output rank: buckets (by le), count, sum.
    const rank = (k: number): number => (roles[k] === KIND_BUCKET ? 0 : roles[k] === KIND_COUNT ? 1 : 2);
    let ordered = true;
    for (let k = 1; k < n; k++) {
      const d = rank(k) - rank(k - 1);
      if (d < 0 || (d === 0 && roles[k] === KIND_BUCKET && !(les[k]! > les[k - 1]!))) ordered = false;
    }
    let order: number[] | undefined;
    if (!ordered) {
      order = Array.from({ length: n }, (_, k) => k);
      order.sort((x, y) => rank(x) - rank(y) || (roles[x] === KIND_BUCKET ? les[x]! - les[y]! : x - y));
    }
    let lastLe = -Infinity;
    let lastValue = 0;
    let buckets = 0;
    let negative = false;
    let count: number | undefined;
    let sum: number | undefined;
    for (let j = 0; j < n; j++) {
      const k = order === undefined ? j : order[j]!;
      const v = values[k]!;
      if (roles[k] === KIND_BUCKET) {
        const le = les[k]!;
        if (le !== le || (buckets > 0 && !(le > lastLe)) || !Number.isInteger(v) || v < 0 || v < lastValue) {
          throw new Decline('histogram not valid in OpenMetrics');
        }
        if (le < 0) negative = true;
        lastLe = le;
        lastValue = v;
        buckets++;
      } else if (roles[k] === KIND_COUNT) {
        if (count !== undefined || !Number.isInteger(v) || v < 0) throw new Decline('histogram count');
        count = v;
      } else {
        if (sum !== undefined || v !== v) throw new Decline('histogram sum');
        sum = v;
      }
    }
    if (buckets === 0 || lastLe !== Infinity) throw new Decline('histogram without +Inf');
    if (count !== undefined && count !== lastValue) throw new Decline('histogram count');
    if ((count === undefined) !== (sum === undefined)) throw new Decline('count without sum');
    if (sum !== undefined && (negative || sum < 0)) throw new Decline('histogram sum');
    roles.length = 0;
    les.length = 0;
    values.length = 0;
    if (order === undefined) return;
    const pieces = f.pieces;
    const from = f.groupStart;
    if ((upTo - from) / LINE !== n) throw new Error('fast path: histogram group bookkeeping is off');
    const copy = pieces.slice(from, upTo);
    for (let j = 0; j < n; j++) {
      const k = order[j]!;
      for (let x = 0; x < LINE; x++) pieces[from + j * LINE + x] = copy[k * LINE + x]!;
    }
  }

  private finish(): FastPart {
    const built: { f: ScanFamily; name: string; unsuffixed: boolean }[] = [];
    for (const f of this.order) {
      this.closeGroup(f, f.pieces.length);
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
    for (const x of built) counts.set(x.name, (counts.get(x.name) ?? 0) + 1);
    const families: FastFamily[] = [];
    for (const x of built) {
      let name = x.name;
      let unsuffixed = x.unsuffixed;
      const type = x.f.type ?? 'unknown';
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
        help: x.f.help,
        unsuffixed,
        samples: x.f.samples,
        duplicates: x.f.duplicates,
        from: this.from,
        pieces: x.f.pieces,
        bytes: x.f.bytes,
      });
    }
    return { families };
  }
}

function skipBlanks(b: Buffer, i: number, end: number): number {
  while (i < end) {
    const c = b[i];
    if (c !== SPACE && c !== TAB) return i;
    i++;
  }
  return end;
}

function findBlank(b: Buffer, i: number, end: number): number {
  while (i < end) {
    const c = b[i];
    if (c === SPACE || c === TAB) return i;
    i++;
  }
  return end;
}
