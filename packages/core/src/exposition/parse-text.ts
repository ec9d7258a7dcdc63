/**
 * Prometheus text format 0.0.4 parser: an explicit one-pass scanner over each line (STYLE.md §4, after
 * expfmt's `TextParser`), producing the canonical model of `model.ts`.
 *
 * Semantics follow expfmt: a sample joins the family of its exact name, else (for `_sum`/`_count`/`_bucket`)
 * the summary or histogram it suffixes, else a new untyped family. So samples of one family may be
 * interleaved with others ("evil summary") and are gathered by family; summary and histogram samples are
 * further gathered by series (all labels but `quantile`/`le`), in order of first appearance. HELP may come
 * after the samples; TYPE may not. Families without samples are dropped.
 *
 * Canonical form: a counter `x_total` becomes family `x`; a gaugehistogram's `x_sum`/`x_count` become
 * `x_gsum`/`x_gcount`; `untyped` becomes `unknown`.
 */
import { ExpositionParseError } from '../errors.js';
import type { Result } from '../result.js';
import type { Exposition, Label, Labels, Sample } from './model.js';
import {
  CH_COMMA,
  CH_EQUALS,
  CH_HASH,
  CH_LBRACE,
  CH_QUOTE,
  CH_RBRACE,
  CH_SPACE,
  CH_TAB,
  findBlank,
  isBlank,
  isMetricNameChar,
  quote,
  scanLabelName,
  scanMetricName,
  skipBlanks,
} from './scan-chars.js';
import { firstBadEscape, readQuoted, scanQuoted, unescapeRange, type QuotedScan } from './scan-escapes.js';
import { type LineHandler, LineStream, parseWhole } from './scan-lines.js';
import {
  KIND_BUCKET,
  KIND_COUNT,
  KIND_PLAIN,
  type Resolution,
  type SampleKind,
  TEXT_TYPES,
  type TextFamily,
  TextFamilies,
} from './scan-text-families.js';
import { isOverflow, scanFloat, scanInt64 } from './scan-number.js';

/** Parses a whole text 0.0.4 exposition. Never throws. */
export function parseText(input: string): Result<Exposition, ExpositionParseError> {
  return parseWhole(new TextLineParser(), input);
}

/** A streaming text 0.0.4 parser (see `createExpositionParser`). */
export function createTextStream(): LineStream {
  return new LineStream(new TextLineParser());
}

const NO_LABELS: Labels = Object.freeze([]) as Labels;

class TextLineParser implements LineHandler {
  lineNo = 0;
  private readonly families = new TextFamilies();
  private readonly quoted: QuotedScan & { close: number } = { escaped: false, badUtf16: false, close: -1 };
  // One-entry cache of the last sample name's resolution (cleared with the families' resolutions).
  private lastName: string | undefined;
  /** The last metric name read unquoted (valid by construction): a line starting with it skips the scan. */
  private lastBareName: string | undefined;
  private last: Resolution | undefined;
  // Outputs of `labels()`.
  private outLabels: Labels = NO_LABELS;
  private outBraceName: string | undefined;
  /** The previous label set: its name and value strings are reused when the next line repeats them. */
  private prevLabels: Labels = NO_LABELS;

  line(s: string, start: number, end: number): void {
    this.lineNo++;
    let i = start;
    let c = i < end ? s.charCodeAt(i) : -1;
    while (c === CH_SPACE || c === CH_TAB) c = ++i < end ? s.charCodeAt(i) : -1;
    if (c < 0) return;
    if (c === CH_HASH) this.comment(s, i + 1, end);
    else this.sample(s, i, end);
  }

  finish(s: string, start: number, end: number): Exposition {
    if (skipBlanks(s, start, end) < end) {
      throw new ExpositionParseError(
        this.lineNo + 1,
        'unexpected end of input stream: the last line has no LF',
      );
    }
    return { families: this.families.build() };
  }

  private fail(reason: string): ExpositionParseError {
    return new ExpositionParseError(this.lineNo, reason);
  }

  // --- comments: `# HELP name text`, `# TYPE name type`, anything else is ignored ---

  private comment(s: string, i: number, end: number): void {
    i = skipBlanks(s, i, end);
    const kwEnd = findBlank(s, i, end);
    if (kwEnd === end || kwEnd - i !== 4) return;
    const isHelp = s.startsWith('HELP', i);
    if (!isHelp && !s.startsWith('TYPE', i)) return;
    i = skipBlanks(s, kwEnd, end);
    if (i === end) return;
    let name: string;
    let nameEnd: number;
    if (s.charCodeAt(i) === CH_QUOTE) {
      nameEnd = this.quotedName(s, i, end);
      name = this.outBraceName as string;
    } else {
      nameEnd = scanMetricName(s, i, end);
      name = s.slice(i, nameEnd);
    }
    if (nameEnd === end) return;
    if (!isBlank(s.charCodeAt(nameEnd))) {
      throw this.fail(`invalid metric name in comment ${quote(s, i, findBlank(s, i, end))}`);
    }
    i = skipBlanks(s, nameEnd, end);
    if (i === end) return;
    if (!this.families.has(name)) this.families.invalidate();
    this.lastName = undefined;
    const f = this.families.family(name);
    if (isHelp) {
      if (f.help !== undefined) throw this.fail(`second HELP line for metric name ${quote(name)}`);
      const raw = s.slice(i, end);
      const help = raw.indexOf('\\') < 0 ? raw : unescapeRange(s, i, end, 'reject');
      if (help === undefined) {
        throw this.fail(
          `invalid escape sequence ${quote(firstBadEscape(s, i, end))} in HELP of ${quote(name)}`,
        );
      }
      f.help = help;
      return;
    }
    if (f.type !== undefined) {
      throw this.fail(`second TYPE line for metric name ${quote(name)}, or TYPE reported after samples`);
    }
    const typeEnd = findBlank(s, i, end);
    const type = TEXT_TYPES.get(s.slice(i, typeEnd).toLowerCase());
    if (type === undefined || skipBlanks(s, typeEnd, end) !== end) {
      throw this.fail(`unknown metric type ${quote(s, i, end)} for ${quote(name)}`);
    }
    this.families.setType(f, type);
  }

  /** Scans a quoted name at `i` into `outBraceName`; returns the index after the closing quote. */
  private quotedName(s: string, i: number, end: number): number {
    const q = scanQuoted(s, i, end, this.quoted);
    if (q < 0) throw this.fail(`unterminated quoted name ${quote(s, i, end)}`);
    const name = this.quoted.escaped ? unescapeRange(s, i + 1, q, 'reject') : s.slice(i + 1, q);
    if (name === undefined) {
      throw this.fail(`invalid escape sequence ${quote(firstBadEscape(s, i + 1, q))} in quoted name`);
    }
    if (this.quoted.badUtf16) throw this.fail(`invalid UTF-8 in quoted name ${quote(name)}`);
    if (name.length === 0) throw this.fail('empty quoted name');
    this.outBraceName = name;
    return q + 1;
  }

  // --- samples: `name{labels} value [timestamp]` ---

  private sample(s: string, i: number, end: number): void {
    let name: string | undefined;
    if (s.charCodeAt(i) !== CH_LBRACE) {
      const last = this.lastBareName;
      let nameEnd: number;
      if (
        last !== undefined &&
        s.startsWith(last, i) &&
        (i + last.length === end || !isMetricNameChar(s.charCodeAt(i + last.length)))
      ) {
        name = last;
        nameEnd = i + last.length;
      } else {
        nameEnd = scanMetricName(s, i, end);
        if (nameEnd === i) throw this.fail(`invalid metric name ${quote(s, i, findBlank(s, i, end))}`);
        name = s.slice(i, nameEnd);
        this.lastBareName = name;
      }
      i = skipBlanks(s, nameEnd, end);
    }
    let labels = NO_LABELS;
    if (i < end && s.charCodeAt(i) === CH_LBRACE) {
      i = this.labels(s, i + 1, end, name !== undefined);
      labels = this.outLabels;
      if (name === undefined) name = this.outBraceName;
      i = skipBlanks(s, i, end);
    }
    if (name === undefined) throw this.fail('sample without a metric name');
    if (i === end) throw this.fail(`missing value for ${quote(name)}`);
    const valueEnd = findBlank(s, i, end);
    const value = scanFloat(s, i, valueEnd);
    if (value === undefined || isOverflow(value, s, i)) {
      throw this.fail(`invalid value ${quote(s, i, valueEnd)} for ${quote(name)}`);
    }
    let timestampMs: number | undefined;
    i = skipBlanks(s, valueEnd, end);
    if (i < end) {
      const tsEnd = findBlank(s, i, end);
      timestampMs = scanInt64(s, i, tsEnd);
      if (timestampMs === undefined)
        throw this.fail(`invalid timestamp ${quote(s, i, tsEnd)} for ${quote(name)}`);
      i = skipBlanks(s, tsEnd, end);
      if (i < end) throw this.fail(`unexpected text after timestamp ${quote(s, i, end)}`);
    }
    this.add(name, labels, value, timestampMs);
  }

  private add(name: string, labels: Labels, value: number, timestampMs: number | undefined): void {
    let r = this.last as Resolution;
    if (name !== this.lastName) {
      r = this.families.resolve(name);
      this.last = r;
      this.lastName = name;
    }
    const f = r.family;
    if (f.type === undefined) f.type = 'unknown';
    const sampleName = r.sampleName;
    const sample: Sample =
      timestampMs === undefined
        ? { name: sampleName, labels, value }
        : { name: sampleName, labels, value, timestampMs };
    if (f.groups === undefined) {
      f.samples.push(sample);
      return;
    }
    this.check(f, r.kind, name, labels, value);
    this.families.addGrouped(f, sample);
  }

  /** Summary and histogram rules: `quantile`/`le` present and numeric, no negative counts. */
  private check(f: TextFamily, kind: SampleKind, name: string, labels: Labels, value: number): void {
    if (f.type === 'summary') {
      if (kind !== KIND_PLAIN) return;
      const q = labelValue(labels, 'quantile');
      if (q === undefined) throw this.fail(`summary sample ${quote(name)} without a "quantile" label`);
      if (scanFloat(q, 0, q.length) === undefined) {
        throw this.fail(`expected float as value for "quantile" label, got ${quote(q)}`);
      }
      return;
    }
    if (kind === KIND_PLAIN) {
      throw this.fail(
        `sample ${quote(name)} of ${f.type} ${quote(f.key)} needs a _bucket, _sum or _count suffix`,
      );
    }
    if (kind === KIND_BUCKET) {
      const le = labelValue(labels, 'le');
      if (le === undefined) throw this.fail(`histogram bucket ${quote(name)} without an "le" label`);
      if (scanFloat(le, 0, le.length) === undefined) {
        throw this.fail(`expected float as value for "le" label, got ${quote(le)}`);
      }
    }
    if ((kind === KIND_BUCKET || kind === KIND_COUNT) && value < 0) {
      throw this.fail(`negative histogram count ${value} in ${quote(name)}`);
    }
  }

  /** Scans a label set after `{`; leaves labels in `outLabels` and a quoted metric name in `outBraceName`. */
  private labels(s: string, i: number, end: number, hasName: boolean): number {
    const labels: Label[] = [];
    let braceName: string | undefined;
    for (;;) {
      i = skipBlanks(s, i, end);
      if (i === end) throw this.fail('unexpected end of line inside the label set');
      let c = s.charCodeAt(i);
      if (c === CH_RBRACE) {
        i++;
        break;
      }
      let labelName: string;
      if (c === CH_QUOTE) {
        i = skipBlanks(s, this.quotedName(s, i, end), end);
        labelName = this.outBraceName as string;
        c = i < end ? s.charCodeAt(i) : -1;
        if (c === CH_COMMA || c === CH_RBRACE) {
          if (hasName || braceName !== undefined)
            throw this.fail(`metric name given twice: ${quote(labelName)}`);
          braceName = labelName;
          if (c === CH_COMMA) i++;
          continue;
        }
      } else {
        const nameEnd = scanLabelName(s, i, end);
        if (nameEnd === i) throw this.fail(`invalid label name ${quote(s, i, labelTokenEnd(s, i, end))}`);
        labelName = s.slice(i, nameEnd);
        i = skipBlanks(s, nameEnd, end);
        c = i < end ? s.charCodeAt(i) : -1;
      }
      if (c !== CH_EQUALS) throw this.fail(`expected "=" after label name ${quote(labelName)}`);
      if (labelName === '__name__') throw this.fail('label name "__name__" is reserved');
      for (const l of labels) {
        if (l.name === labelName) throw this.fail(`duplicate label name ${quote(labelName)}`);
      }
      i = skipBlanks(s, i + 1, end);
      if (i === end || s.charCodeAt(i) !== CH_QUOTE) {
        throw this.fail(`expected '"' at start of the value of label ${quote(labelName)}`);
      }
      let value = readQuoted(s, i, end, this.quoted);
      const q = this.quoted.close;
      if (q < 0) throw this.fail(`unterminated value of label ${quote(labelName)}`);
      if (value === undefined) {
        value = unescapeRange(s, i + 1, q, 'reject');
        if (value === undefined) {
          throw this.fail(
            `invalid escape sequence ${quote(firstBadEscape(s, i + 1, q))} in the value of label ${quote(labelName)}`,
          );
        }
      }
      if (this.quoted.badUtf16) throw this.fail(`invalid UTF-8 in the value of label ${quote(labelName)}`);
      labels.push({ name: labelName, value });
      i = skipBlanks(s, q + 1, end);
      c = i < end ? s.charCodeAt(i) : -1;
      if (c === CH_COMMA) {
        i++;
        continue;
      }
      if (c === CH_RBRACE) {
        i++;
        break;
      }
      throw this.fail(
        `unexpected ${c < 0 ? 'end of line' : quote(s, i, i + 1)} after the value of label ${quote(labelName)}`,
      );
    }
    this.outLabels = labels;
    this.outBraceName = braceName;
    this.prevLabels = labels;
    return i;
  }
}

function labelValue(labels: Labels, name: string): string | undefined {
  for (const l of labels) if (l.name === name) return l.value;
  return undefined;
}

/** End of a bad label-name token, for the error message. */
function labelTokenEnd(s: string, i: number, end: number): number {
  let j = i;
  while (j < end) {
    const c = s.charCodeAt(j);
    if (c === CH_EQUALS || c === CH_COMMA || c === CH_RBRACE || isBlank(c)) break;
    j++;
  }
  return j === i ? Math.min(i + 1, end) : j;
}
