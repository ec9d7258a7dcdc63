/**
 * Rules shared by the two serializers (and by the merge): which sample names a family may hold, which
 * names it claims, how numbers and strings are written, and which samples cannot be written at all.
 *
 * What a serializer drops (in both formats alike, so that a series never exists in one format only), and
 * reports through `SerializeOptions.onDrop` — a serializer never throws and never writes an invalid line:
 * - a family whose name is not a valid metric name, or whose type is not one of `METRIC_TYPES`
 *   (`family-name`);
 * - a family that claims a name an earlier family of the same exposition already claimed (see
 *   `claimedNames`; e.g. counter `x` after gauge `x_total`) (`name-clash`);
 * - a sample whose name is not one its family's type allows (`sample-name`);
 * - a sample with an invalid, reserved (`__name__`) or repeated label name, a histogram bucket without a
 *   float `le`, a summary quantile sample without a float `quantile`, an `le`/`quantile` label on any other
 *   sample of those types, or a stateset sample without the label named after its family (`label`);
 * - a sample with the same name and label set (in any order) as an earlier one: the first is kept
 *   (`duplicate-series`; skipped for expositions that mergeExpositions marked free of duplicates).
 * Metadata that cannot be written is left out and reported with `samples: 0`: an invalid UNIT (`unit`) and,
 * in OpenMetrics, an exemplar that is not allowed on that sample or is invalid (`exemplar`). A timestamp
 * that is not finite or out of the int64 millisecond range is left out (`timestamp`).
 */
import type { Exposition, Label, Labels, MetricFamily, MetricType, Sample } from './model.js';

export type SerializeDropReason =
  | 'family-name'
  | 'name-clash'
  | 'sample-name'
  | 'label'
  | 'duplicate-series'
  | 'unit'
  | 'exemplar'
  | 'timestamp';

export interface SerializeDrop {
  readonly family: string;
  readonly reason: SerializeDropReason;
  /** How many samples were left out (0 when only metadata, an exemplar or a timestamp was). */
  readonly samples: number;
}

export interface SerializeOptions {
  /** Called for everything left out of the output; the serializers never throw. */
  readonly onDrop?: (drop: SerializeDrop) => void;
}

/** The role a sample plays in its family, from its name's suffix. */
export type SampleRole =
  | 'value' // gauge, unknown, unsuffixed counter, stateset: the family name itself
  | 'total'
  | 'created'
  | 'bucket'
  | 'count'
  | 'sum'
  | 'gcount'
  | 'gsum'
  | 'quantile'
  | 'info';

const SUFFIXES: Readonly<Record<MetricType, readonly (readonly [string, SampleRole])[]>> = {
  counter: [
    ['_total', 'total'],
    ['_created', 'created'],
  ],
  gauge: [['', 'value']],
  unknown: [['', 'value']],
  stateset: [['', 'value']],
  info: [['_info', 'info']],
  histogram: [
    ['_bucket', 'bucket'],
    ['_count', 'count'],
    ['_sum', 'sum'],
    ['_created', 'created'],
  ],
  gaugehistogram: [
    ['_bucket', 'bucket'],
    ['_gcount', 'gcount'],
    ['_gsum', 'gsum'],
  ],
  summary: [
    ['', 'quantile'],
    ['_count', 'count'],
    ['_sum', 'sum'],
    ['_created', 'created'],
  ],
};

const KNOWN_TYPES: ReadonlySet<string> = new Set(Object.keys(SUFFIXES));

export function isKnownType(type: string): type is MetricType {
  return KNOWN_TYPES.has(type);
}

/**
 * A counter whose samples carry the family name itself (a text 0.0.4 counter not named `*_total`).
 * Decided by the first sample; a counter without samples is a suffixed (OpenMetrics) one.
 */
export function isUnsuffixedCounter(family: MetricFamily): boolean {
  return family.type === 'counter' && family.samples.length > 0 && family.samples[0]!.name === family.name;
}

/** The role of `sample` in `family`, or undefined when its name does not belong to the family. */
export function sampleRole(
  family: MetricFamily,
  sample: Sample,
  unsuffixed: boolean,
): SampleRole | undefined {
  const name = sample.name;
  const base = family.name;
  if (unsuffixed) return name === base ? 'value' : undefined;
  if (!name.startsWith(base)) return undefined;
  const suffixes = SUFFIXES[family.type];
  const rest = name.length - base.length;
  for (let i = 0; i < suffixes.length; i++) {
    const [suffix, role] = suffixes[i]!;
    if (suffix.length === rest && (rest === 0 || name.endsWith(suffix))) return role;
  }
  return undefined;
}

/**
 * Every name a family takes in either format: its own name and its name + each suffix of its type
 * (OpenMetrics' clash rule; it also covers the text form, where counter `x` is written as `x_total` and
 * `x_created`, info `x` as `x_info`). Two families of one exposition must not share a claimed name.
 */
export function claimedNames(family: MetricFamily): readonly string[] {
  return claimedNamesOf(family.name, family.type, isUnsuffixedCounter(family));
}

/** `claimedNames` of a family known by its name, type and (counters) whether its samples lack `_total`. */
export function claimedNamesOf(base: string, type: MetricType, unsuffixed: boolean): readonly string[] {
  if (type === 'counter' && unsuffixed) return [base];
  const suffixes = SUFFIXES[type] ?? [];
  const names = [base];
  for (const [suffix] of suffixes) if (suffix !== '') names.push(base + suffix);
  return names;
}

function isNameStart(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === 95;
}

function isNameChar(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === 95 || (c >= 48 && c <= 57);
}

/** `[a-zA-Z_:][a-zA-Z0-9_:]*` */
export function isMetricName(s: string): boolean {
  const n = s.length;
  if (n === 0) return false;
  const c0 = s.charCodeAt(0);
  if (!isNameStart(c0) && c0 !== 58) return false;
  for (let i = 1; i < n; i++) {
    const c = s.charCodeAt(i);
    if (!isNameChar(c) && c !== 58) return false;
  }
  return true;
}

/** `[a-zA-Z_][a-zA-Z0-9_]*` */
export function isLabelName(s: string): boolean {
  const n = s.length;
  if (n === 0 || !isNameStart(s.charCodeAt(0))) return false;
  for (let i = 1; i < n; i++) if (!isNameChar(s.charCodeAt(i))) return false;
  return true;
}

/** Valid names, none `__name__`, no name twice. */
export function areLabelsValid(labels: Labels): boolean {
  const n = labels.length;
  for (let i = 0; i < n; i++) {
    const name = labels[i]!.name;
    if (!isLabelName(name) || name === '__name__') return false;
    for (let j = 0; j < i; j++) if (labels[j]!.name === name) return false;
  }
  return true;
}

export function findLabel(labels: Labels, name: string): Label | undefined {
  for (let i = 0; i < labels.length; i++) if (labels[i]!.name === name) return labels[i];
  return undefined;
}

const GO_FLOAT = /^[+-]?(?:(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?|inf(?:inity)?)$|^nan$/i;

/**
 * A float as Go's strconv.ParseFloat reads it (the text parsers' rule for `le` and `quantile`): decimal
 * or exponent form, `Inf`/`Infinity` with an optional sign, `NaN`; no hex, no `_`, no overflow to ±Inf.
 * Returns undefined when `s` is not such a float.
 */
export function parseGoFloat(s: string): number | undefined {
  if (!GO_FLOAT.test(s)) return undefined;
  const c = s.charCodeAt(s.length - 1) | 0x20;
  if (c === 0x6e) return NaN; // nan
  if (c === 0x66 || c === 0x79) return s.charCodeAt(0) === 45 ? -Infinity : Infinity; // inf, infinity
  const v = Number(s);
  return Number.isFinite(v) ? v : undefined;
}

/**
 * Why a sample cannot be written at all (in either format), or undefined when it can. `role` is the
 * sample's role from `sampleRole`.
 */
export function sampleProblem(
  family: MetricFamily,
  sample: Sample,
  role: SampleRole | undefined,
  checker?: LabelsChecker,
): 'sample-name' | 'label' | undefined {
  if (role === undefined) return 'sample-name';
  const labels = sample.labels;
  if (!(checker === undefined ? areLabelsValid(labels) : checker.valid(labels))) return 'label';
  const type = family.type;
  if (type === 'histogram' || type === 'gaugehistogram') {
    const le = findLabel(labels, 'le');
    if (role === 'bucket' ? le === undefined || parseGoFloat(le.value) === undefined : le !== undefined)
      return 'label';
  } else if (type === 'summary') {
    const q = findLabel(labels, 'quantile');
    if (role === 'quantile' ? q === undefined || parseGoFloat(q.value) === undefined : q !== undefined)
      return 'label';
  } else if (type === 'stateset') {
    if (findLabel(labels, family.name) === undefined) return 'label';
  }
  return undefined;
}

/** Shortest round-tripping form; `+Inf`, `-Inf`, `NaN`; `-0` keeps its sign. */
export function formatValue(v: number): string {
  if (v === Infinity) return '+Inf';
  if (v === -Infinity) return '-Inf';
  if (v !== v) return 'NaN';
  if (v === 0 && 1 / v < 0) return '-0';
  return String(v);
}

/** Largest magnitude written as a timestamp: int64 milliseconds. */
const MAX_TIMESTAMP_MS = 9_223_372_036_854_775_000;

export function isWritableTimestamp(ms: number): boolean {
  return Number.isFinite(ms) && Math.abs(ms) <= MAX_TIMESTAMP_MS;
}

/** Text 0.0.4: an int64 of milliseconds, truncated toward zero as Prometheus does. */
export function formatTextTimestamp(ms: number): string {
  const t = Math.trunc(ms);
  // Below 1e21 String() writes plain digits; larger values are not writable (isWritableTimestamp).
  return t === 0 ? '0' : String(t);
}

/** OpenMetrics: seconds, written exactly as a decimal when the model holds whole milliseconds. */
export function formatOpenMetricsTimestamp(ms: number): string {
  if (Number.isInteger(ms) && Math.abs(ms) < Number.MAX_SAFE_INTEGER) {
    const neg = ms < 0;
    const abs = neg ? -ms : ms;
    const whole = Math.floor(abs / 1000);
    const frac = abs - whole * 1000;
    let s = (neg ? '-' : '') + String(whole);
    if (frac !== 0) s += '.' + String(frac).padStart(3, '0').replace(/0+$/, '');
    return s;
  }
  return formatValue(ms / 1000);
}

const LABEL_VALUE_SPECIAL = /[\\"\n]/;

/** Label values (both formats) and OpenMetrics HELP: `\\`, `\"`, `\n`. */
export function escapeQuoted(s: string): string {
  if (!LABEL_VALUE_SPECIAL.test(s)) return s;
  return s.replace(/[\\"\n]/g, (c) => (c === '\n' ? '\\n' : '\\' + c));
}

/** The canonical `+Inf`/`-Inf` spelling for an `le` label value that reads as an infinity, else the value. */
export function canonicalLe(value: string): string {
  if (value === '+Inf' || value === '-Inf') return value;
  const c = value.charCodeAt(0);
  if (c !== 43 && c !== 45 && c !== 73 && c !== 105) return value; // '+', '-', 'I', 'i'
  const v = parseGoFloat(value);
  return v === Infinity ? '+Inf' : v === -Infinity ? '-Inf' : value;
}

function formatLabelRun(labels: Labels, from: number, to: number, role: SampleRole): string {
  let s = '';
  for (let i = from; i < to; i++) {
    const l = labels[i]!;
    const value = role === 'bucket' && l.name === 'le' ? canonicalLe(l.value) : l.value;
    s += (i === from ? '' : ',') + l.name + '="' + escapeQuoted(value) + '"';
  }
  return s;
}

/** `{a="x",b="y"}` or '' for no labels. Buckets get the canonical `+Inf`. */
export function formatLabels(labels: Labels, role: SampleRole): string {
  return labels.length === 0 ? '' : '{' + formatLabelRun(labels, 0, labels.length, role) + '}';
}

/**
 * How many trailing label objects `a` and `b` share (by identity). Relabelled samples end with the very
 * same CF label objects, so the writers and checkers below handle such a shared tail once, not per sample.
 */
function sharedTail(a: Labels, b: Labels): number {
  let i = a.length - 1;
  let j = b.length - 1;
  let n = 0;
  while (i >= 0 && j >= 0 && a[i] === b[j]) {
    i--;
    j--;
    n++;
  }
  return n;
}

const MIN_TAIL = 2;

interface Tail<T> {
  /** A label array that ends with the tail. */
  readonly source: Labels;
  readonly len: number;
  readonly value: T;
}

/**
 * Shared tails met so far, found again by their last label object: a merged family holds a run of
 * samples per instance, each ending with that instance's CF label objects.
 */
class TailCache<T> {
  private readonly byLast = new Map<Label, Tail<T>>();

  constructor(private readonly make: (labels: Labels, len: number) => T) {}

  /** The known tail of `labels`, else a new one shared with `prev` (of at least MIN_TAIL labels). */
  find(labels: Labels, prev: Labels): Tail<T> | undefined {
    const n = labels.length;
    if (n < MIN_TAIL) return undefined;
    const last = labels[n - 1]!;
    const known = this.byLast.get(last);
    if (known !== undefined && known.len <= n && sharedTail(labels, known.source) >= known.len) return known;
    const len = sharedTail(labels, prev);
    if (len < MIN_TAIL) return undefined;
    const tail: Tail<T> = { source: labels, len, value: this.make(labels, len) };
    this.byLast.set(last, tail);
    return tail;
  }
}

interface FormattedTail {
  readonly text: string;
  /** The tail holds an `le` that a bucket would write differently (a non-canonical infinity). */
  readonly le: boolean;
}

/** `formatLabels` with shared tails (the CF labels) formatted once per serialize call. */
export class LabelsFormatter {
  private prev: Labels = [];
  private readonly tails = new TailCache<FormattedTail>((labels, len) => {
    const n = labels.length;
    const text = formatLabelRun(labels, n - len, n, 'value');
    return { text, le: formatLabelRun(labels, n - len, n, 'bucket') !== text };
  });

  format(labels: Labels, role: SampleRole): string {
    const n = labels.length;
    if (n === 0) return '';
    const tail = this.tails.find(labels, this.prev);
    this.prev = labels;
    if (tail === undefined || (role === 'bucket' && tail.value.le)) {
      return '{' + formatLabelRun(labels, 0, n, role) + '}';
    }
    const head = n - tail.len;
    return head === 0
      ? '{' + tail.value.text + '}'
      : '{' + formatLabelRun(labels, 0, head, role) + ',' + tail.value.text + '}';
  }
}

/** `areLabelsValid` with shared tails checked once per serialize call. */
export class LabelsChecker {
  /** The last labels found valid: a tail shared with them is valid. */
  private prev: Labels = [];
  private readonly tails = new TailCache<ReadonlySet<string>>((labels, len) => {
    const names = new Set<string>();
    for (let i = labels.length - len; i < labels.length; i++) names.add(labels[i]!.name);
    return names;
  });

  valid(labels: Labels): boolean {
    const tail = this.tails.find(labels, this.prev);
    if (tail === undefined) {
      if (!areLabelsValid(labels)) return false;
      this.prev = labels;
      return true;
    }
    const names = tail.value;
    const head = labels.length - tail.len;
    for (let i = 0; i < head; i++) {
      const name = labels[i]!.name;
      if (!isLabelName(name) || name === '__name__' || names.has(name)) return false;
      for (let j = 0; j < i; j++) if (labels[j]!.name === name) return false;
    }
    this.prev = labels;
    return true;
  }
}

/**
 * Collects the output as bytes: far less garbage than one long concatenated string (whose pieces all
 * survive until it is read). Pure ASCII output, the usual case, is read back as latin1, a plain copy.
 */
export class Utf8Sink {
  private buf: Buffer;
  private n = 0;
  private ascii = true;

  /** `sizeHint` may be generous: untouched capacity costs no memory pages. */
  constructor(sizeHint: number) {
    this.buf = Buffer.allocUnsafe(Math.max(4096, sizeHint));
  }

  write(s: string): void {
    // 3 bytes per UTF-16 unit is the worst case (a lone surrogate becomes U+FFFD).
    if (this.n + s.length * 3 > this.buf.length) this.grow(this.n + s.length * 3);
    const written = this.buf.write(s, this.n);
    if (written !== s.length) this.ascii = false;
    this.n += written;
  }

  private grow(need: number): void {
    let size = this.buf.length * 2;
    while (size < need) size *= 2;
    const next = Buffer.allocUnsafe(size);
    this.buf.copy(next, 0, 0, this.n);
    this.buf = next;
  }

  toString(): string {
    return this.buf.toString(this.ascii ? 'latin1' : 'utf8', 0, this.n);
  }
}

/** A generous first guess at the output size (relabelled lines run to ~400 bytes): avoids regrowth. */
export function sizeHint(families: readonly MetricFamily[]): number {
  let samples = 0;
  for (const f of families) samples += f.samples.length;
  return samples * 512 + families.length * 256;
}

/**
 * Marks an exposition known to hold no duplicate series (mergeExpositions sets it, non-enumerable, on its
 * output); the serializers then skip their own duplicate check, the costliest part of their validation.
 */
export const SERIES_UNIQUE: unique symbol = Symbol.for('promfetcher.exposition.seriesUnique');

export function isMarkedSeriesUnique(exposition: Exposition): boolean {
  return (exposition as { [SERIES_UNIQUE]?: boolean })[SERIES_UNIQUE] === true;
}

export function markSeriesUnique<E extends Exposition>(exposition: E): E {
  Object.defineProperty(exposition, SERIES_UNIQUE, { value: true });
  return exposition;
}

/**
 * Builds label-set keys (labels sorted by name, `skip` left out). Consecutive samples mostly carry the same
 * label names in the same order, so the sort order of the last one is kept and reused.
 */
export class LabelsKeyBuilder {
  private names: string[] = [];
  private order: number[] = [];

  key(labels: Labels, from: number, to: number, skip: string | undefined): string {
    const n = to - from;
    let same = n === this.names.length;
    for (let i = 0; same && i < n; i++) same = labels[from + i]!.name === this.names[i];
    if (!same) this.learn(labels, from, to);
    const order = this.order;
    let key = '';
    for (let i = 0; i < n; i++) {
      const l = labels[from + order[i]!]!;
      if (l.name !== skip) key += l.name + '\u0001' + l.value + '\u0002';
    }
    return key;
  }

  private learn(labels: Labels, from: number, to: number): void {
    const n = to - from;
    this.names = new Array<string>(n);
    for (let i = 0; i < n; i++) this.names[i] = labels[from + i]!.name;
    const names = this.names;
    this.order = Array.from({ length: n }, (_, i) => i).sort((a, b) => (names[a]! < names[b]! ? -1 : 1));
  }
}

/** Sample name + label set as written, label order aside. */
export function seriesKey(sample: Sample): string {
  const labels = sample.labels;
  let sorted = true;
  for (let i = 1; i < labels.length; i++) {
    if (labels[i - 1]!.name > labels[i]!.name) {
      sorted = false;
      break;
    }
  }
  const list = sorted ? labels : [...labels].sort((x, y) => (x.name < y.name ? -1 : 1));
  let key = sample.name;
  // `le` is written in its canonical spelling (`Inf` → `+Inf`), so two spellings are one series.
  for (const l of list)
    key += '\u0001' + l.name + '\u0002' + (l.name === 'le' ? canonicalLe(l.value) : l.value);
  return key;
}

/**
 * Tracks the names claimed by the families written so far; `claim` answers false (and claims nothing)
 * when one of the family's names is taken.
 */
export class NameClaims {
  private readonly taken = new Set<string>();

  claim(family: MetricFamily): boolean {
    const names = claimedNames(family);
    for (const n of names) if (this.taken.has(n)) return false;
    for (const n of names) this.taken.add(n);
    return true;
  }
}

/**
 * The family's samples that can be written, with their roles, and the reports for the others; undefined
 * when the whole family is dropped (its name, type or claims).
 */
export interface CheckedFamily {
  readonly family: MetricFamily;
  readonly unsuffixed: boolean;
  readonly samples: readonly Sample[];
  readonly roles: readonly SampleRole[];
}

export function checkFamily(
  family: MetricFamily,
  claims: NameClaims,
  checker: LabelsChecker,
  /** Series seen so far; undefined when the exposition is marked free of duplicates. */
  seen: Set<string> | undefined,
  onDrop: ((drop: SerializeDrop) => void) | undefined,
): CheckedFamily | undefined {
  const all = family.samples;
  if (!isMetricName(family.name) || !isKnownType(family.type)) {
    onDrop?.({ family: family.name, reason: 'family-name', samples: all.length });
    return undefined;
  }
  if (!claims.claim(family)) {
    onDrop?.({ family: family.name, reason: 'name-clash', samples: all.length });
    return undefined;
  }
  const unsuffixed = isUnsuffixedCounter(family);
  const roles: SampleRole[] = new Array<SampleRole>(all.length);
  let kept: Sample[] | undefined;
  let badName = 0;
  let badLabel = 0;
  let duplicates = 0;
  for (let i = 0; i < all.length; i++) {
    const s = all[i]!;
    const role = sampleRole(family, s, unsuffixed);
    let problem: SerializeDropReason | undefined = sampleProblem(family, s, role, checker);
    if (problem === undefined && seen !== undefined) {
      const key = seriesKey(s);
      if (seen.has(key)) problem = 'duplicate-series';
      else seen.add(key);
    }
    if (problem === undefined) {
      if (kept !== undefined) {
        roles[kept.length] = role!;
        kept.push(s);
      } else roles[i] = role!;
      continue;
    }
    if (problem === 'sample-name') badName++;
    else if (problem === 'label') badLabel++;
    else duplicates++;
    if (kept === undefined) kept = all.slice(0, i);
  }
  if (kept !== undefined) roles.length = kept.length;
  if (badName > 0) onDrop?.({ family: family.name, reason: 'sample-name', samples: badName });
  if (badLabel > 0) onDrop?.({ family: family.name, reason: 'label', samples: badLabel });
  if (duplicates > 0) onDrop?.({ family: family.name, reason: 'duplicate-series', samples: duplicates });
  return { family, unsuffixed, samples: kept ?? all, roles };
}
