/**
 * OpenMetrics 1.0 writer. The output is always valid (the OpenMetrics conformance parser accepts it) and
 * ends with `# EOF\n`.
 *
 * - Each family: `# HELP` (escapes `\\`, `\"`, `\n`) when the model has one, `# TYPE`, `# UNIT` when the
 *   family name ends with `_<unit>` (the format's rule; otherwise the unit is left out and reported).
 * - Samples of one group (the same labels, `le`/`quantile` aside) are written together, in the order the
 *   groups first appear; histogram buckets are written in ascending `le` order, then `_count`, `_sum`,
 *   `_created`. Nothing else is reordered.
 * - Timestamps are seconds (exact decimals for whole milliseconds). Exemplars are written on counter
 *   `_total` and histogram/gaugehistogram `_bucket` samples only, when valid (label names, at most 128
 *   characters of names and values).
 * - An unsuffixed counter (sample named like its family, no `_total`) is written as `unknown`, so series
 *   names never change with the format.
 * - A family that the format's rules reject as it stands (a negative or NaN counter, a histogram without
 *   a `+Inf` bucket, with decreasing buckets, a count unequal to its `+Inf` bucket, a non-integer count,
 *   a negative `_sum`, a summary quantile outside [0, 1], an info value other than 1, a stateset value
 *   other than 0/1, different timestamps within one group — an info family is one group —, …) is written as `unknown` families, one per sample name, with
 *   its HELP: the series and values stay, only the type is lost.
 * What cannot be written at all is left out and reported: see serialize-common.ts.
 */
import type { Exemplar, Exposition, Labels, MetricType, Sample } from './model.js';
import {
  areLabelsValid,
  escapeQuoted,
  findLabel,
  formatLabels,
  formatOpenMetricsTimestamp,
  formatValue,
  isWritableTimestamp,
  LabelsFormatter,
  LabelsKeyBuilder,
  parseGoFloat,
  sizeHint,
  Utf8Sink,
  type CheckedFamily,
  type SampleRole,
  type SerializeDrop,
  type SerializeOptions,
} from './serialize-common.js';
import { checkedFamilies } from './checked-families.js';

type OnDrop = ((drop: SerializeDrop) => void) | undefined;

export function serializeOpenMetrics(input: Exposition, options?: SerializeOptions): string {
  const onDrop = options?.onDrop;
  const w: Writer = {
    sink: new Utf8Sink(sizeHint(input.families)),
    labels: new LabelsFormatter(),
    keys: new LabelsKeyBuilder(),
    omittedTimestamps: 0,
    droppedExemplars: 0,
  };
  for (const checked of checkedFamilies(input, onDrop)) writeFamily(checked, w, onDrop);
  w.sink.write('# EOF\n');
  return w.sink.toString();
}

interface Writer {
  readonly sink: Utf8Sink;
  readonly labels: LabelsFormatter;
  readonly keys: LabelsKeyBuilder;
  omittedTimestamps: number;
  droppedExemplars: number;
}

/** Samples in output order with their roles, or undefined when the family must be written as unknown. */
interface Plan {
  readonly samples: readonly Sample[];
  readonly roles: readonly SampleRole[];
}

const UNIT = /^[a-zA-Z0-9_:]+$/;

function writeFamily(c: CheckedFamily, w: Writer, onDrop: OnDrop): void {
  const { family } = c;
  w.omittedTimestamps = 0;
  w.droppedExemplars = 0;
  const plan = c.unsuffixed ? undefined : planFamily(c, w.keys);
  if (plan === undefined && !c.unsuffixed) {
    writeUnknownPerName(c, w);
    if (family.unit !== undefined) onDrop?.({ family: family.name, reason: 'unit', samples: 0 });
  } else {
    const head = openMetricsHead(family.name, family.type, c.unsuffixed, family.help, family.unit);
    if (family.unit !== undefined && !head.unit) {
      onDrop?.({ family: family.name, reason: 'unit', samples: 0 });
    }
    w.sink.write(head.text);
    const samples = plan?.samples ?? c.samples;
    const roles = plan?.roles ?? c.roles;
    const exemplars =
      !c.unsuffixed &&
      (family.type === 'counter' || family.type === 'histogram' || family.type === 'gaugehistogram');
    for (let i = 0; i < samples.length; i++) w.sink.write(line(samples[i]!, roles[i]!, exemplars, w));
  }
  if (w.omittedTimestamps > 0) onDrop?.({ family: family.name, reason: 'timestamp', samples: 0 });
  if (w.droppedExemplars > 0) onDrop?.({ family: family.name, reason: 'exemplar', samples: 0 });
}

/**
 * A family's `# HELP`, `# TYPE` and `# UNIT` lines (the fast path writes its headers with it too). `unit`
 * says whether the unit was written: only when the family name ends with `_<unit>`, and never for info and
 * stateset.
 */
export function openMetricsHead(
  name: string,
  type: MetricType,
  unsuffixed: boolean,
  help: string | undefined,
  unit: string | undefined,
): { readonly text: string; readonly unit: boolean } {
  let text = help === undefined ? '' : '# HELP ' + name + ' ' + escapeQuoted(help) + '\n';
  text += '# TYPE ' + name + ' ' + (unsuffixed ? 'unknown' : type) + '\n';
  const writable =
    unit !== undefined &&
    UNIT.test(unit) &&
    name.endsWith('_' + unit) &&
    type !== 'info' &&
    type !== 'stateset';
  if (writable) text += '# UNIT ' + name + ' ' + unit + '\n';
  return { text, unit: writable };
}

function line(s: Sample, role: SampleRole, exemplars: boolean, w: Writer): string {
  let l = s.name + w.labels.format(s.labels, role) + ' ' + formatValue(s.value);
  const ts = s.timestampMs;
  if (ts !== undefined) {
    if (isWritableTimestamp(ts)) l += ' ' + formatOpenMetricsTimestamp(ts);
    else w.omittedTimestamps++;
  }
  const ex = s.exemplar;
  if (ex !== undefined) {
    if (exemplars && (role === 'total' || role === 'bucket') && isValidExemplar(ex)) {
      l +=
        ' # ' +
        (ex.labels.length === 0 ? '{}' : formatLabels(ex.labels, 'value')) +
        ' ' +
        formatValue(ex.value);
      if (ex.timestamp !== undefined) l += ' ' + formatValue(ex.timestamp);
    } else w.droppedExemplars++;
  }
  return l + '\n';
}

/** OpenMetrics: valid label names, at most 128 code points of names and values together. */
export function isValidExemplar(ex: Exemplar): boolean {
  if (!areLabelsValid(ex.labels)) return false;
  if (ex.timestamp !== undefined && !Number.isFinite(ex.timestamp)) return false;
  let length = 0;
  for (const l of ex.labels) {
    length += l.name.length + l.value.length;
    if (length > 128) length = codePoints(ex.labels);
    if (length > 128) return false;
  }
  return true;
}

function codePoints(labels: Labels): number {
  let n = 0;
  for (const l of labels) {
    for (const _ of l.name) n++;
    for (const _ of l.value) n++;
  }
  return n;
}

function writeUnknownPerName(c: CheckedFamily, w: Writer): void {
  const byName = new Map<string, string[]>();
  for (let i = 0; i < c.samples.length; i++) {
    const s = c.samples[i]!;
    let lines = byName.get(s.name);
    if (lines === undefined) byName.set(s.name, (lines = []));
    lines.push(line(s, c.roles[i]!, false, w));
  }
  const help = c.family.help === undefined ? undefined : escapeQuoted(c.family.help);
  for (const [name, lines] of byName) {
    w.sink.write(
      (help === undefined ? '' : '# HELP ' + name + ' ' + help + '\n') + '# TYPE ' + name + ' unknown\n',
    );
    for (const l of lines) w.sink.write(l);
  }
}

function isCount(v: number): boolean {
  return Number.isInteger(v) && v >= 0;
}

function planFamily(c: CheckedFamily, keys: LabelsKeyBuilder): Plan | undefined {
  const { samples, roles } = c;
  switch (c.family.type) {
    case 'gauge':
    case 'unknown':
      return c;
    case 'info': {
      // OpenMetrics cannot tell an info's metric points apart: the whole family is one, so its samples
      // must all have a timestamp or none, in order.
      let prev = -Infinity;
      const timed = samples.length > 0 && samples[0]!.timestampMs !== undefined;
      for (const s of samples) {
        if (s.value !== 1 || (s.timestampMs !== undefined) !== timed) return undefined;
        if (timed && !(s.timestampMs! >= prev)) return undefined;
        if (timed) prev = s.timestampMs!;
      }
      return c;
    }
    case 'stateset':
      for (const s of samples) if (s.value !== 0 && s.value !== 1) return undefined;
      return planGroups(c, c.family.name, checkSameTimestamps, keys);
    case 'counter': {
      let created = false;
      for (let i = 0; i < samples.length; i++) {
        if (roles[i] === 'created') created = true;
        else if (!(samples[i]!.value >= 0)) return undefined; // NaN or negative _total
      }
      return created ? planGroups(c, undefined, checkSameTimestamps, keys) : c;
    }
    case 'summary':
      return planGroups(c, 'quantile', checkSummaryGroup, keys);
    case 'histogram':
    case 'gaugehistogram':
      return planGroups(c, 'le', checkHistogramGroup, keys);
  }
}

type GroupCheck = (group: Sample[], roles: SampleRole[], gauge: boolean) => boolean;

/** Same labels, `special` aside, in the same order. */
function sameGroup(a: Labels, b: Labels, special: string | undefined): boolean {
  let i = 0;
  let j = 0;
  for (;;) {
    if (i < a.length && a[i]!.name === special) i++;
    if (j < b.length && b[j]!.name === special) j++;
    if (i >= a.length || j >= b.length) return i >= a.length && j >= b.length;
    const x = a[i]!;
    const y = b[j]!;
    if (x !== y && (x.name !== y.name || x.value !== y.value)) return false;
    i++;
    j++;
  }
}

/**
 * Splits the family into groups (contiguous when the input already is; otherwise by first appearance),
 * checks each group and returns the samples in output order, or undefined when a group is invalid.
 */
function planGroups(
  c: CheckedFamily,
  special: string | undefined,
  check: GroupCheck,
  keys: LabelsKeyBuilder,
): Plan | undefined {
  const { samples, roles } = c;
  const gauge = c.family.type === 'gaugehistogram';
  const groups: { samples: Sample[]; roles: SampleRole[] }[] = [];
  const index = new Map<string, number>();
  let current: { samples: Sample[]; roles: SampleRole[] } | undefined;
  for (let i = 0; i < samples.length; i++) {
    const s = samples[i]!;
    if (current === undefined || !sameGroup(current.samples[0]!.labels, s.labels, special)) {
      const key = keys.key(s.labels, 0, s.labels.length, special);
      const at = index.get(key);
      if (at === undefined) {
        current = { samples: [], roles: [] };
        index.set(key, groups.length);
        groups.push(current);
      } else current = groups[at]!;
    }
    current.samples.push(s);
    current.roles.push(roles[i]!);
  }
  const outSamples: Sample[] = [];
  const outRoles: SampleRole[] = [];
  for (const g of groups) {
    if (!check(g.samples, g.roles, gauge)) return undefined;
    for (let i = 0; i < g.samples.length; i++) {
      outSamples.push(g.samples[i]!);
      outRoles.push(g.roles[i]!);
    }
  }
  return { samples: outSamples, roles: outRoles };
}

function checkSameTimestamps(group: Sample[]): boolean {
  const ts = group[0]!.timestampMs;
  for (let i = 1; i < group.length; i++) if (group[i]!.timestampMs !== ts) return false;
  return true;
}

function checkSummaryGroup(group: Sample[], roles: SampleRole[]): boolean {
  if (!checkSameTimestamps(group)) return false;
  let counts = 0;
  let sums = 0;
  for (let i = 0; i < group.length; i++) {
    const v = group[i]!.value;
    switch (roles[i]) {
      case 'quantile': {
        const q = parseGoFloat(findLabel(group[i]!.labels, 'quantile')!.value)!;
        if (!(q >= 0 && q <= 1) || v < 0) return false;
        break;
      }
      case 'count':
        if (!isCount(v) || ++counts > 1) return false;
        break;
      case 'sum':
        if (!(v >= 0) || ++sums > 1) return false;
        break;
      default:
    }
  }
  return true;
}

const HISTOGRAM_ORDER: Readonly<Partial<Record<SampleRole, number>>> = {
  bucket: 0,
  count: 1,
  gcount: 1,
  sum: 2,
  gsum: 2,
  created: 3,
};

/** Sorts the group in place (buckets by `le`, then count, sum, created) and checks it. */
function checkHistogramGroup(group: Sample[], roles: SampleRole[], gauge: boolean): boolean {
  if (!checkSameTimestamps(group)) return false;
  const n = group.length;
  const le = new Array<number>(n);
  let ordered = true;
  let prev = -1;
  let prevLe = -Infinity;
  for (let i = 0; i < n; i++) {
    const r = roles[i]!;
    const rank = HISTOGRAM_ORDER[r]!;
    const b = r === 'bucket' ? parseGoFloat(findLabel(group[i]!.labels, 'le')!.value)! : NaN;
    le[i] = b;
    if (rank < prev || (r === 'bucket' && prev === 0 && !(b > prevLe))) ordered = false;
    if (r === 'bucket') prevLe = b;
    prev = rank;
  }
  if (!ordered) {
    const idx = Array.from({ length: n }, (_, i) => i);
    idx.sort((a, b) => {
      const d = HISTOGRAM_ORDER[roles[a]!]! - HISTOGRAM_ORDER[roles[b]!]!;
      if (d !== 0) return d;
      return roles[a] === 'bucket' ? le[a]! - le[b]! : a - b;
    });
    const s2 = idx.map((i) => group[i]!);
    const r2 = idx.map((i) => roles[i]!);
    const l2 = idx.map((i) => le[i]!);
    for (let i = 0; i < n; i++) {
      group[i] = s2[i]!;
      roles[i] = r2[i]!;
      le[i] = l2[i]!;
    }
  }
  let lastLe = -Infinity;
  let lastValue = 0;
  let buckets = 0;
  let negativeBuckets = false;
  let count: number | undefined;
  let sum: number | undefined;
  for (let i = 0; i < n; i++) {
    const v = group[i]!.value;
    switch (roles[i]) {
      case 'bucket': {
        const b = le[i]!;
        if (b !== b || (buckets > 0 && !(b > lastLe)) || !isCount(v) || v < lastValue) return false;
        if (b < 0) negativeBuckets = true;
        lastLe = b;
        lastValue = v;
        buckets++;
        break;
      }
      case 'count':
      case 'gcount':
        if (count !== undefined || !isCount(v)) return false;
        count = v;
        break;
      case 'sum':
      case 'gsum':
        if (sum !== undefined || v !== v) return false;
        sum = v;
        break;
      default:
    }
  }
  if (buckets === 0 || lastLe !== Infinity) return false;
  if (count !== undefined && count !== lastValue) return false;
  if ((count === undefined) !== (sum === undefined)) return false;
  if (sum !== undefined) {
    if (!gauge && (negativeBuckets || sum < 0)) return false;
    if (gauge && sum < 0 && !negativeBuckets) return false;
  }
  return true;
}
