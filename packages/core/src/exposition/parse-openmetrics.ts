/**
 * OpenMetrics 1.0 parser: an explicit one-pass scanner over each line (STYLE.md §4), strict to the
 * specification and its conformance suite. Families must be contiguous, metadata precedes samples, each
 * metric point's samples are contiguous with non-decreasing timestamps, and the body ends with `# EOF`.
 *
 * A metric point is the samples sharing all labels but `le` (histograms), `quantile` (summaries) or the
 * stateset's own label. Unlike Python's prometheus_client, an info family's label sets are separate points
 * (the client lumps all info samples into one, so it rejects info samples that differ in having a
 * timestamp); the conformance suite accepts and rejects the same inputs either way.
 *
 * Canonical form (model.ts): OpenMetrics names already are canonical. Timestamps (seconds, may be float)
 * become milliseconds; exemplar timestamps stay in seconds. Families without samples are kept (their
 * metadata is valid OpenMetrics).
 */
import { ExpositionParseError } from '../errors.js';
import type { Result } from '../result.js';
import type { Exemplar, Exposition, Label, Labels, MetricFamily, MetricType, Sample } from './model.js';
import {
  CH_COMMA,
  CH_CR,
  CH_EQUALS,
  CH_HASH,
  CH_LBRACE,
  CH_QUOTE,
  CH_RBRACE,
  CH_SPACE,
  codePointLength,
  isMetricNameChar,
  quote,
  scanLabelName,
  scanMetricName,
} from './scan-chars.js';
import { readQuoted, unescapeRange, type QuotedScan } from './scan-escapes.js';
import { type GroupSkip, groupKey, sameGroupInOrder } from './scan-groups.js';
import { type LineHandler, LineStream, parseWhole } from './scan-lines.js';
import { scanFloat } from './scan-number.js';
import { HistogramRun, OM_SUFFIXES, OM_TYPES, checkOmSample, omSuffix } from './scan-om-rules.js';

/** Parses a whole OpenMetrics 1.0 exposition. Never throws. */
export function parseOpenMetrics(input: string): Result<Exposition, ExpositionParseError> {
  return parseWhole(new OpenMetricsLineParser(), input);
}

/** A streaming OpenMetrics parser (see `createExpositionParser`). */
export function createOpenMetricsStream(): LineStream {
  return new LineStream(new OpenMetricsLineParser());
}

const NO_LABELS: Labels = Object.freeze([]) as Labels;
const MAX_EXEMPLAR_LABEL_CHARS = 128;

interface OmFamily {
  readonly name: string;
  type: MetricType;
  typeSet: boolean;
  help: string | undefined;
  unit: string | undefined;
  readonly samples: Sample[];
  readonly seenGroups: Set<string>;
  lastLabels: Labels | undefined;
  groupKey: string;
  groupTs: number | undefined;
  run: HistogramRun | undefined;
  /** The line of the current histogram run's last sample, where a failed run check is reported. */
  runLine: number;
}

class OpenMetricsLineParser implements LineHandler {
  lineNo = 0;
  private readonly families: MetricFamily[] = [];
  /** Every sample name claimed by a family so far (its name and its type's suffixed names). */
  private readonly claimed = new Set<string>();
  private readonly quoted: QuotedScan & { close: number } = { escaped: false, badUtf16: false, close: -1 };
  private cur: OmFamily | undefined;
  private eof = false;
  private lastSampleName: string | undefined;
  private lastSuffix = '';
  private outLabels: Labels = NO_LABELS;
  // The current sample's label text, `rawLabelsSource[rawLabelsStart, rawLabelsEnd)`, sliced on demand.
  private rawLabelsSource = '';
  private rawLabelsStart = 0;
  private rawLabelsEnd = 0;
  private rawLabels: string | undefined;

  line(s: string, start: number, end: number): void {
    this.lineNo++;
    if (this.eof) throw this.fail('text after "# EOF"');
    if (start === end) throw this.fail('blank line');
    if (s.charCodeAt(end - 1) === CH_CR) throw this.fail('CR at the end of the line');
    if (s.charCodeAt(start) === CH_HASH) this.meta(s, start, end);
    else this.sample(s, start, end);
  }

  finish(s: string, start: number, end: number): Exposition {
    if (start < end) {
      if (this.eof) throw new ExpositionParseError(this.lineNo + 1, 'text after "# EOF"');
      this.line(s, start, end);
    }
    if (!this.eof) throw new ExpositionParseError(Math.max(this.lineNo, 1), 'missing "# EOF" at the end');
    return { families: this.families };
  }

  private fail(reason: string): ExpositionParseError {
    return new ExpositionParseError(this.lineNo, reason);
  }

  private check(reason: string | undefined): void {
    if (reason !== undefined) throw this.fail(reason);
  }

  // --- families ---

  private open(name: string): OmFamily {
    this.close();
    if (this.claimed.has(name))
      throw this.fail(`clashing name ${quote(name)}: already used by an earlier family`);
    this.claimed.add(name);
    const f: OmFamily = {
      name,
      type: 'unknown',
      typeSet: false,
      help: undefined,
      unit: undefined,
      samples: [],
      seenGroups: new Set(),
      lastLabels: undefined,
      groupKey: '',
      groupTs: undefined,
      run: undefined,
      runLine: 0,
    };
    this.cur = f;
    return f;
  }

  private close(): void {
    const f = this.cur;
    if (f === undefined) return;
    if (f.run?.active === true) this.checkRun(f);
    const family: MetricFamily = { name: f.name, type: f.type, samples: f.samples };
    if (f.help !== undefined) (family as { help?: string }).help = f.help;
    if (f.unit !== undefined && f.unit !== '') (family as { unit?: string }).unit = f.unit;
    this.families.push(family);
    this.cur = undefined;
    this.lastSampleName = undefined;
  }

  // --- metadata: `# HELP|TYPE|UNIT name value`, `# EOF` ---

  private meta(s: string, start: number, end: number): void {
    if (end - start === 5 && s.startsWith('# EOF', start)) {
      this.close();
      this.eof = true;
      return;
    }
    const kw = end - start >= 7 && s.charCodeAt(start + 1) === CH_SPACE ? s.slice(start + 2, start + 6) : '';
    if ((kw !== 'HELP' && kw !== 'TYPE' && kw !== 'UNIT') || s.charCodeAt(start + 6) !== CH_SPACE) {
      throw this.fail(
        `invalid comment line ${quote(s, start, end)}: only # HELP, # TYPE, # UNIT and # EOF are allowed`,
      );
    }
    const nameStart = start + 7;
    const nameEnd = scanMetricName(s, nameStart, end);
    if (nameEnd === nameStart || (nameEnd < end && s.charCodeAt(nameEnd) !== CH_SPACE)) {
      throw this.fail(`invalid metric name ${quote(s, nameStart, end)} in # ${kw}`);
    }
    if (nameEnd === end) throw this.fail(`# ${kw} ${s.slice(nameStart, nameEnd)} has no value`);
    const name = s.slice(nameStart, nameEnd);
    const valueStart = nameEnd + 1;
    let f = this.cur;
    if (f === undefined || f.name !== name) f = this.open(name);
    else if (f.samples.length > 0) throw this.fail(`# ${kw} for ${quote(name)} after its samples`);
    if (kw === 'HELP') {
      if (f.help !== undefined) throw this.fail(`second # HELP for ${quote(name)}`);
      f.help = unescapeRange(s, valueStart, end, 'keep') as string;
    } else if (kw === 'TYPE') {
      if (f.typeSet) throw this.fail(`second # TYPE for ${quote(name)}`);
      const type = s.slice(valueStart, end);
      if (!OM_TYPES.has(type)) throw this.fail(`unknown metric type ${quote(type)} for ${quote(name)}`);
      f.type = type as MetricType;
      f.typeSet = true;
      for (const suffix of OM_SUFFIXES[f.type]) {
        if (suffix === '') continue;
        if (this.claimed.has(name + suffix))
          throw this.fail(`clashing name ${quote(name + suffix)} of ${type} ${quote(name)}`);
        this.claimed.add(name + suffix);
      }
      this.checkUnit(f);
    } else {
      if (f.unit !== undefined) throw this.fail(`second # UNIT for ${quote(name)}`);
      for (let i = valueStart; i < end; i++) {
        if (!isMetricNameChar(s.charCodeAt(i))) throw this.fail(`invalid unit ${quote(s, valueStart, end)}`);
      }
      f.unit = s.slice(valueStart, end);
      if (f.unit !== '' && !name.endsWith(`_${f.unit}`)) {
        throw this.fail(`metric name ${quote(name)} does not end with its unit ${quote(`_${f.unit}`)}`);
      }
      this.checkUnit(f);
    }
  }

  private checkUnit(f: OmFamily): void {
    if (f.unit !== undefined && f.unit !== '' && (f.type === 'info' || f.type === 'stateset')) {
      throw this.fail(`${f.type} ${quote(f.name)} cannot have a unit`);
    }
  }

  // --- samples: `name[{labels}] value [timestamp] [# {labels} value [timestamp]]` ---

  private sample(s: string, start: number, end: number): void {
    const nameEnd = scanMetricName(s, start, end);
    if (nameEnd === start) throw this.fail(`invalid metric name ${quote(s, start, end)}`);
    const name = s.slice(start, nameEnd);
    let i = nameEnd;
    let labels = NO_LABELS;
    this.rawLabels = '';
    if (i < end && s.charCodeAt(i) === CH_LBRACE) {
      const open = i;
      i = this.labels(s, i + 1, end);
      labels = this.outLabels;
      this.rawLabelsSource = s;
      this.rawLabelsStart = open + 1;
      this.rawLabelsEnd = i - 1;
      this.rawLabels = undefined;
    }
    if (i === end) throw this.fail(`missing value for ${quote(name)}`);
    if (s.charCodeAt(i) !== CH_SPACE)
      throw this.fail(`unexpected ${quote(s, i, i + 1)} after ${quote(s, start, i)}`);
    const valueEnd = spaceOrEnd(s, i + 1, end);
    const value = scanFloat(s, i + 1, valueEnd);
    if (value === undefined) throw this.fail(`invalid value ${quote(s, i + 1, valueEnd)} for ${quote(name)}`);
    i = valueEnd;
    let timestampMs: number | undefined;
    let exemplar: Exemplar | undefined;
    if (i < end) {
      i++;
      if (i === end) throw this.fail(`trailing space after ${quote(s, start, end - 1)}`);
      if (s.charCodeAt(i) !== CH_HASH) {
        const tsEnd = spaceOrEnd(s, i, end);
        const ts = scanFloat(s, i, tsEnd);
        if (ts === undefined || !Number.isFinite(ts))
          throw this.fail(`invalid timestamp ${quote(s, i, tsEnd)}`);
        timestampMs = ts * 1000;
        i = tsEnd;
        if (i < end) {
          i++;
          if (i === end) throw this.fail(`trailing space after ${quote(s, start, end - 1)}`);
        }
      }
      if (i < end) exemplar = this.exemplar(s, i, end);
    }
    this.add(name, labels, value, timestampMs, exemplar);
  }

  private exemplar(s: string, i: number, end: number): Exemplar {
    if (
      s.charCodeAt(i) !== CH_HASH ||
      s.charCodeAt(i + 1) !== CH_SPACE ||
      s.charCodeAt(i + 2) !== CH_LBRACE
    ) {
      throw this.fail(`expected an exemplar " # {…} value" at ${quote(s, i, end)}`);
    }
    i = this.labels(s, i + 3, end);
    const labels = this.outLabels;
    let chars = 0;
    for (const l of labels) chars += codePointLength(l.name) + codePointLength(l.value);
    if (chars > MAX_EXEMPLAR_LABEL_CHARS) {
      throw this.fail(`exemplar labels have ${chars} characters, more than ${MAX_EXEMPLAR_LABEL_CHARS}`);
    }
    if (i === end || s.charCodeAt(i) !== CH_SPACE)
      throw this.fail('expected a space and a value after the exemplar labels');
    const valueEnd = spaceOrEnd(s, i + 1, end);
    const value = scanFloat(s, i + 1, valueEnd);
    if (value === undefined) throw this.fail(`invalid exemplar value ${quote(s, i + 1, valueEnd)}`);
    if (valueEnd === end) return { labels, value };
    const tsEnd = spaceOrEnd(s, valueEnd + 1, end);
    const timestamp = scanFloat(s, valueEnd + 1, tsEnd);
    if (timestamp === undefined || !Number.isFinite(timestamp) || tsEnd !== end) {
      throw this.fail(`invalid exemplar timestamp ${quote(s, valueEnd + 1, end)}`);
    }
    return { labels, value, timestamp };
  }

  private add(
    name: string,
    labels: Labels,
    value: number,
    ts: number | undefined,
    exemplar: Exemplar | undefined,
  ): void {
    let f = this.cur;
    let suffix: string | undefined;
    if (f !== undefined && name === this.lastSampleName) suffix = this.lastSuffix;
    else {
      suffix = f === undefined ? undefined : omSuffix(f.name, f.type, name);
      if (suffix === undefined) {
        f = this.open(name);
        suffix = '';
      }
      this.lastSampleName = name;
      this.lastSuffix = suffix;
    }
    const fam = f as OmFamily;
    this.check(checkOmSample(fam.name, fam.type, suffix, labels, value, exemplar !== undefined));
    this.group(fam, suffix, labels, value, ts);
    let sample: Sample;
    if (exemplar === undefined) {
      sample = ts === undefined ? { name, labels, value } : { name, labels, value, timestampMs: ts };
    } else {
      sample =
        ts === undefined
          ? { name, labels, value, exemplar }
          : { name, labels, value, timestampMs: ts, exemplar };
    }
    fam.samples.push(sample);
  }

  /** Metric points must be contiguous, with timestamps all present or all absent and not going backwards. */
  private group(f: OmFamily, suffix: string, labels: Labels, value: number, ts: number | undefined): void {
    const skip: GroupSkip = groupSkip(f);
    let same = false;
    let key = '';
    if (f.lastLabels !== undefined) {
      same = sameGroupInOrder(f.lastLabels, labels, skip);
      if (!same) {
        key = this.groupKeyOf(labels, skip);
        same = key === f.groupKey;
      }
    } else {
      key = this.groupKeyOf(labels, skip);
    }
    f.lastLabels = labels;
    const histogram = f.type === 'histogram' || f.type === 'gaugehistogram';
    if (same) {
      if ((ts === undefined) !== (f.groupTs === undefined)) {
        throw this.fail(
          `samples of one ${f.type} ${quote(f.name)} metric point mix present and absent timestamps`,
        );
      }
      if (ts !== undefined && (f.groupTs as number) > ts && f.type !== 'info') {
        throw this.fail(`timestamp of ${quote(f.name)} went backwards`);
      }
      if (histogram && ts !== f.groupTs) this.newRun(f);
    } else {
      if (f.seenGroups.has(key))
        throw this.fail(`samples of ${quote(f.name)} with the same labels are not contiguous`);
      f.seenGroups.add(key);
      f.groupKey = key;
      if (histogram) this.newRun(f);
    }
    f.groupTs = ts;
    if (histogram) {
      this.check((f.run as HistogramRun).add(f.name, suffix, labels, value));
      f.runLine = this.lineNo;
    }
  }

  /**
   * The group key; for a family whose group is the whole label set, the label text as written when its names
   * are sorted (one slice instead of a sorted rebuild; it cannot collide with `groupKey`'s length-prefixed
   * form, which starts with a digit).
   */
  private groupKeyOf(labels: Labels, skip: GroupSkip): string {
    if (skip !== undefined || !sortedByName(labels)) return groupKey(labels, skip);
    if (this.rawLabels === undefined) {
      this.rawLabels = this.rawLabelsSource.slice(this.rawLabelsStart, this.rawLabelsEnd);
    }
    return this.rawLabels;
  }

  private checkRun(f: OmFamily): void {
    const reason = (f.run as HistogramRun).finish(f.name);
    if (reason !== undefined) throw new ExpositionParseError(f.runLine, reason);
  }

  private newRun(f: OmFamily): void {
    if (f.run === undefined) f.run = new HistogramRun();
    else if (f.run.active) this.checkRun(f);
    f.run.start();
  }

  /** Scans a strict OpenMetrics label set after `{` into `outLabels`; returns the index after `}`. */
  private labels(s: string, i: number, end: number): number {
    const labels: Label[] = [];
    if (i < end && s.charCodeAt(i) === CH_RBRACE) {
      this.outLabels = labels;
      return i + 1;
    }
    for (;;) {
      const nameEnd = scanLabelName(s, i, end);
      if (nameEnd === i) throw this.fail(`invalid label name at ${quote(s, i, end)}`);
      const labelName = s.slice(i, nameEnd);
      if (s.charCodeAt(nameEnd) !== CH_EQUALS || s.charCodeAt(nameEnd + 1) !== CH_QUOTE) {
        throw this.fail(`expected '="' after label name ${quote(labelName)}`);
      }
      let value = readQuoted(s, nameEnd + 1, end, this.quoted);
      const q = this.quoted.close;
      if (q < 0) throw this.fail(`unterminated value of label ${quote(labelName)}`);
      if (value === undefined) value = unescapeRange(s, nameEnd + 2, q, 'keep') as string;
      if (this.quoted.badUtf16) throw this.fail(`invalid UTF-8 in the value of label ${quote(labelName)}`);
      for (const l of labels) {
        if (l.name === labelName) throw this.fail(`duplicate label name ${quote(labelName)}`);
      }
      labels.push({ name: labelName, value });
      const c = q + 1 < end ? s.charCodeAt(q + 1) : -1;
      if (c === CH_RBRACE) {
        this.outLabels = labels;
        return q + 2;
      }
      if (c !== CH_COMMA) throw this.fail(`expected "," or "}" after the value of label ${quote(labelName)}`);
      i = q + 2;
    }
  }
}

function groupSkip(f: OmFamily): GroupSkip {
  switch (f.type) {
    case 'summary':
      return 'quantile';
    case 'histogram':
    case 'gaugehistogram':
      return 'le';
    case 'stateset':
      return f.name;
    default:
      return undefined;
  }
}

function spaceOrEnd(s: string, i: number, end: number): number {
  while (i < end && s.charCodeAt(i) !== CH_SPACE) i++;
  return i;
}

function sortedByName(labels: Labels): boolean {
  for (let i = 1; i < labels.length; i++) {
    if ((labels[i - 1] as Label).name >= (labels[i] as Label).name) return false;
  }
  return true;
}
