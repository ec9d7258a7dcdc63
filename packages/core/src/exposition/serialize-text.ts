/**
 * Prometheus text format 0.0.4 writer. The output is always valid (promtool accepts it) and every line,
 * the last included, ends with LF; an exposition with nothing writable gives ''.
 *
 * OpenMetrics-only shapes are written the way Prometheus' own clients (client_python) write them, so that
 * series names never change with the format:
 * - counter `x` (samples `x_total`) → `# TYPE x_total counter`; an unsuffixed counter keeps its name;
 * - `x_created` (counter, histogram, summary), `x_gcount` and `x_gsum` (gaugehistogram) → their own
 *   `gauge` family right after the family, with the same HELP;
 * - info `x` → `# TYPE x_info gauge`; stateset → `gauge`; gaugehistogram → `histogram` (buckets only);
 *   unknown → `untyped`.
 * - UNIT lines and exemplars do not exist in 0.0.4 and are left out; timestamps are whole milliseconds
 *   (truncated toward zero, as Prometheus reads OpenMetrics ones).
 * - A histogram or summary with a negative bucket or count (rejected by newer text parsers) is written as
 *   `untyped` families, one per sample name, so the series stay as they are.
 * What cannot be written at all is left out and reported: see serialize-common.ts.
 */
import type { Exposition, MetricType, Sample } from './model.js';
import {
  formatTextTimestamp,
  formatValue,
  isWritableTimestamp,
  LabelsFormatter,
  sizeHint,
  Utf8Sink,
  type CheckedFamily,
  type SampleRole,
  type SerializeOptions,
} from './serialize-common.js';
import { checkedFamilies } from './checked-families.js';

/** HELP in 0.0.4 escapes only `\` and LF (Debian's promtool 2.42 rejects `\"`). */
export function escapeTextHelp(help: string): string {
  if (help.indexOf('\\') < 0 && help.indexOf('\n') < 0) return help;
  return help.replace(/[\\\n]/g, (c) => (c === '\n' ? '\\n' : '\\\\'));
}

export function serializeText(input: Exposition, options?: SerializeOptions): string {
  const onDrop = options?.onDrop;
  const w: Writer = {
    sink: new Utf8Sink(sizeHint(input.families)),
    labels: new LabelsFormatter(),
    omittedTimestamps: 0,
  };
  for (const checked of checkedFamilies(input, onDrop)) {
    if (checked.samples.length === 0) continue;
    w.omittedTimestamps = 0;
    writeFamily(checked, w);
    if (w.omittedTimestamps > 0) onDrop?.({ family: checked.family.name, reason: 'timestamp', samples: 0 });
  }
  return w.sink.toString();
}

interface Writer {
  readonly sink: Utf8Sink;
  readonly labels: LabelsFormatter;
  omittedTimestamps: number;
}

export interface TextShape {
  readonly name: string;
  readonly type: 'counter' | 'gauge' | 'histogram' | 'summary' | 'untyped';
}

/** Roles written as a `gauge` family of their own (name suffix). */
const SPLIT_ROLES: Readonly<Partial<Record<SampleRole, string>>> = {
  created: '_created',
  gcount: '_gcount',
  gsum: '_gsum',
};

function mainShape(c: CheckedFamily): TextShape {
  return textShape(c.family.name, c.family.type, c.unsuffixed);
}

/** The name and 0.0.4 type a family is written under (the fast path writes its headers with it too). */
export function textShape(name: string, type: MetricType, unsuffixed: boolean): TextShape {
  switch (type) {
    case 'counter':
      return unsuffixed ? { name, type } : { name: name + '_total', type };
    case 'gauge':
    case 'stateset':
      return { name, type: 'gauge' };
    case 'info':
      return { name: name + '_info', type: 'gauge' };
    case 'histogram':
    case 'gaugehistogram':
      return { name, type: 'histogram' };
    case 'summary':
      return { name, type: 'summary' };
    default:
      return { name, type: 'untyped' };
  }
}

/** `# HELP` (when there is a help) and `# TYPE` lines. */
export function textHeader(name: string, type: string, help: string | undefined): string {
  const h = help === undefined ? '' : '# HELP ' + name + ' ' + escapeTextHelp(help) + '\n';
  return h + '# TYPE ' + name + ' ' + type + '\n';
}

function line(s: Sample, role: SampleRole, w: Writer): string {
  let l = s.name + w.labels.format(s.labels, role) + ' ' + formatValue(s.value);
  const ts = s.timestampMs;
  if (ts !== undefined) {
    if (isWritableTimestamp(ts)) l += ' ' + formatTextTimestamp(ts);
    else w.omittedTimestamps++;
  }
  return l + '\n';
}

function hasNegativeCounts(c: CheckedFamily): boolean {
  const { type } = c.family;
  if (type !== 'histogram' && type !== 'gaugehistogram' && type !== 'summary') return false;
  for (let i = 0; i < c.samples.length; i++) {
    const r = c.roles[i];
    if ((r === 'bucket' || r === 'count') && c.samples[i]!.value < 0) return true;
  }
  return false;
}

function writeFamily(c: CheckedFamily, w: Writer): void {
  const { samples, roles } = c;
  const help = c.family.help;
  if (hasNegativeCounts(c)) {
    writeUntypedPerName(c, w);
    return;
  }
  let main = 0;
  for (let i = 0; i < roles.length; i++) if (SPLIT_ROLES[roles[i]!] === undefined) main++;
  if (main > 0) {
    const shape = mainShape(c);
    w.sink.write(textHeader(shape.name, shape.type, help));
  }
  let split: Map<string, string[]> | undefined;
  for (let i = 0; i < samples.length; i++) {
    const role = roles[i]!;
    const suffix = SPLIT_ROLES[role];
    if (suffix === undefined) {
      w.sink.write(line(samples[i]!, role, w));
      continue;
    }
    split ??= new Map();
    let lines = split.get(suffix);
    if (lines === undefined) split.set(suffix, (lines = []));
    lines.push(line(samples[i]!, role, w));
  }
  if (split === undefined) return;
  for (const suffix of [...split.keys()].sort()) {
    w.sink.write(textHeader(c.family.name + suffix, 'gauge', help));
    for (const l of split.get(suffix)!) w.sink.write(l);
  }
}

function writeUntypedPerName(c: CheckedFamily, w: Writer): void {
  const byName = new Map<string, string[]>();
  for (let i = 0; i < c.samples.length; i++) {
    const s = c.samples[i]!;
    let lines = byName.get(s.name);
    if (lines === undefined) byName.set(s.name, (lines = []));
    lines.push(line(s, c.roles[i]!, w));
  }
  for (const [name, lines] of byName) {
    w.sink.write(textHeader(name, 'untyped', c.family.help));
    for (const l of lines) w.sink.write(l);
  }
}
