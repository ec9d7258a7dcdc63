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
  CH_BACKSLASH,
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
  isLabelNameChar,
  isLabelNameStart,
  isMetricNameStart,
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
  /** The last metric name the fast path read: a repeat reuses the string. */
  private lastBareName: string | undefined;
  private last: Resolution | undefined;
  /** The family of the last HELP or TYPE line (its TYPE or HELP line mostly follows). */
  private lastCommented: TextFamily | undefined;
  // Outputs of `labels()`.
  private outLabels: Labels = NO_LABELS;
  private outBraceName: string | undefined;
  /**
   * The fast path's previous label set (plain values only: no escapes, no surrogates), whose strings and
   * labels a repeating line reuses; the general path empties it.
   */
  private prevLabels: Labels = NO_LABELS;
  /** The fast path's label buffer (copied out at the end of a label set, at its exact size). */
  private readonly scratch: Label[] = [];
  /**
   * Where the previous set was written: label k spans `prevSource[prevAt[2k], prevAt[2k + 1])`, and
   * `prevRun[k]` is the end of the run of labels from k on that it repeated from the line before (k itself
   * when label k was new). `curAt` and `curRun` are their scratch twins.
   */
  private prevSource = '';
  private prevAt: number[] = [];
  private prevRun: number[] = [];
  private curAt: number[] = [];
  private curRun: number[] = [];

  line(s: string, start: number, end: number): void {
    this.lineNo++;
    let i = start;
    let c = i < end ? s.charCodeAt(i) : -1;
    while (c === CH_SPACE || c === CH_TAB) c = ++i < end ? s.charCodeAt(i) : -1;
    if (c < 0) return;
    if (c === CH_HASH) this.comment(s, i + 1, end);
    else if (!isMetricNameStart(c) || !this.fastSample(s, i, end)) this.sample(s, i, end);
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
    const isHelp = isKeyword(s, i, 'HELP');
    if (!isHelp && !isKeyword(s, i, 'TYPE')) return;
    i = skipBlanks(s, kwEnd, end);
    if (i === end) return;
    let name: string;
    let nameEnd: number;
    let bare = false;
    if (s.charCodeAt(i) === CH_QUOTE) {
      nameEnd = this.quotedName(s, i, end);
      name = this.outBraceName as string;
    } else {
      nameEnd = scanMetricName(s, i, end);
      name = s.slice(i, nameEnd);
      bare = true;
    }
    if (nameEnd === end) return;
    if (!isBlank(s.charCodeAt(nameEnd))) {
      throw this.fail(`invalid metric name in comment ${quote(s, i, findBlank(s, i, end))}`);
    }
    i = skipBlanks(s, nameEnd, end);
    if (i === end) return;
    this.lastName = undefined;
    let f = this.lastCommented;
    if (f === undefined || f.key !== name) {
      f = this.families.get(name);
      if (f === undefined) {
        this.families.invalidate();
        f = this.families.family(name);
      }
      this.lastCommented = f;
    }
    // The samples that follow mostly carry this very name: let the fast path reuse the string.
    if (bare) this.lastBareName = f.key;
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
    const keyword = s.slice(i, typeEnd);
    const type = TEXT_TYPES.get(keyword) ?? TEXT_TYPES.get(keyword.toLowerCase());
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

  // --- the fast path for common sample lines ---

  /**
   * The fast path for the common sample line `name{a="x",b="y"} value [timestamp]`: bare names, no blanks
   * inside the braces, values without escapes or surrogates. Returns false for anything else (having changed
   * nothing but the reuse caches), and the general path parses the line, and reports its errors, anew.
   *
   * Consecutive lines mostly repeat the previous line's metric name, label names and many label values at
   * the same positions. A repeat is found by comparing the source text (a short char loop, cheaper than
   * slicing and much cheaper than `startsWith`) and reuses the previous string, or the whole previous
   * `Label`: later comparisons of these strings (duplicate names, series grouping, serializers) are then
   * pointer comparisons.
   */
  private fastSample(s: string, i: number, end: number): boolean {
    // The same name as the last line's (checked with one native compare, no scan), else a new one.
    let name = this.lastBareName;
    const n = name === undefined ? 0 : name.length;
    let c = i + n < end ? s.charCodeAt(i + n) : -1;
    if (name !== undefined && (c === CH_LBRACE || c === CH_SPACE) && s.slice(i, i + n) === name) i += n;
    else {
      const nameEnd = scanMetricName(s, i, end);
      name = s.slice(i, nameEnd);
      this.lastBareName = name;
      i = nameEnd;
      c = i < end ? s.charCodeAt(i) : -1;
    }
    let labels = NO_LABELS;
    if (c === CH_LBRACE) {
      i = this.fastLabels(s, i + 1, end);
      if (i < 0) return false;
      labels = this.outLabels;
      c = i < end ? s.charCodeAt(i) : -1;
    }
    if (c !== CH_SPACE && c !== CH_TAB) return false;
    i = skipBlanks(s, i + 1, end);
    // The value ends at a space (a native search; a tab inside the token fails `scanFloat`).
    let valueEnd = s.indexOf(' ', i);
    if (valueEnd < 0 || valueEnd > end) valueEnd = end;
    const value = scanFloat(s, i, valueEnd);
    if (value === undefined || isOverflow(value, s, i)) return false;
    let timestampMs: number | undefined;
    i = skipBlanks(s, valueEnd, end);
    if (i < end) {
      const tsEnd = findBlank(s, i, end);
      timestampMs = scanInt64(s, i, tsEnd);
      if (timestampMs === undefined || skipBlanks(s, tsEnd, end) < end) return false;
    }
    this.add(name, labels, value, timestampMs);
    return true;
  }

  /**
   * The strict label set after `{` (see `fastSample`) into `outLabels`: the index after `}`, or -1.
   *
   * Each label is compared with the previous set's label at the same position (one native string compare
   * each for its name and its value) and reused when equal. Labels that the previous line repeated from the
   * line before are likely to repeat again, so such a run of labels is compared in one go, as text.
   */
  private fastLabels(s: string, i: number, end: number): number {
    const prev = this.prevLabels;
    const prevSource = this.prevSource;
    const prevAt = this.prevAt;
    const prevRun = this.prevRun;
    const at = this.curAt;
    const run = this.curRun;
    const labels = this.scratch;
    let n = 0;
    // Whether every name so far is the previous set's name at the same position (so no duplicates).
    let sameNames = true;
    let tryRuns = true;
    let c = i < end ? s.charCodeAt(i) : -1;
    while (c !== CH_RBRACE) {
      const m = tryRuns && n < prev.length ? (prevRun[n] as number) : n;
      let repeated = false;
      if (m - n >= 2) {
        // Labels n..m-1 as one text, from the start of label n to the closing quote of label m-1.
        const from = prevAt[2 * n] as number;
        const len = (prevAt[2 * m - 1] as number) - from;
        if (i + len <= end && s.slice(i, i + len) === prevSource.slice(from, from + len)) {
          for (let k = n; k < m; k++) {
            const l = prev[k] as Label;
            if (!sameNames && hasName(labels, k, l.name)) return -1;
            labels[k] = l;
            at[2 * k] = i + (prevAt[2 * k] as number) - from;
            at[2 * k + 1] = i + (prevAt[2 * k + 1] as number) - from;
            run[k] = 0;
          }
          n = m;
          i += len;
          repeated = true;
        } else tryRuns = false;
      }
      if (!repeated) {
        const p = n < prev.length ? (prev[n] as Label) : undefined;
        at[2 * n] = i;
        let labelName: string;
        if (
          p !== undefined &&
          s.charCodeAt(i + p.name.length) === CH_EQUALS &&
          s.slice(i, i + p.name.length) === p.name
        ) {
          // The previous set's name at this position (the `=` ends it).
          labelName = p.name;
          i += labelName.length;
          if (!sameNames && hasName(labels, n, labelName)) return -1;
        } else {
          const nameAt = i;
          if (!isLabelNameStart(c)) return -1;
          i++;
          while (i < end && isLabelNameChar(s.charCodeAt(i))) i++;
          labelName = s.slice(nameAt, i);
          if (labelName === '__name__' || hasName(labels, n, labelName)) return -1;
          sameNames = false;
        }
        if (i + 1 >= end || s.charCodeAt(i) !== CH_EQUALS || s.charCodeAt(i + 1) !== CH_QUOTE) return -1;
        const valueAt = i + 2;
        i = s.indexOf('"', valueAt);
        if (i < 0 || i >= end) return -1;
        const value = s.slice(valueAt, i);
        let label: Label;
        if (p !== undefined && value === p.value) {
          // The text equals a value read here before: it holds no backslash and no lone surrogate.
          label = labelName === p.name ? p : { name: labelName, value: p.value };
        } else {
          for (let j = valueAt; j < i; j++) {
            c = s.charCodeAt(j);
            if (c === CH_BACKSLASH || (c >= 0xd800 && c <= 0xdfff)) return -1;
          }
          label = { name: labelName, value };
        }
        labels[n] = label;
        i++;
        at[2 * n + 1] = i;
        run[n] = label === p ? 0 : 1;
        n++;
      }
      c = i < end ? s.charCodeAt(i) : -1;
      if (c === CH_COMMA) {
        i++;
        c = i < end ? s.charCodeAt(i) : -1;
      } else if (c !== CH_RBRACE) return -1;
    }
    const out = labels.slice(0, n);
    this.outLabels = out;
    if (n > 0) {
      // From the flags (1: not repeated), run[k] becomes the end of the run of repeated labels from k on.
      for (let k = n - 1, e = n; k >= 0; k--) {
        if (run[k] === 1) {
          run[k] = k;
          e = k;
        } else run[k] = e;
      }
      this.prevLabels = out;
      this.prevSource = s;
      this.prevAt = at;
      this.prevRun = run;
      this.curAt = prevAt;
      this.curRun = prevRun;
    }
    return i + 1;
  }

  // --- samples: `name{labels} value [timestamp]` ---

  private sample(s: string, i: number, end: number): void {
    let name: string | undefined;
    if (s.charCodeAt(i) !== CH_LBRACE) {
      const nameEnd = scanMetricName(s, i, end);
      if (nameEnd === i) throw this.fail(`invalid metric name ${quote(s, i, findBlank(s, i, end))}`);
      name = s.slice(i, nameEnd);
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
      this.checkDuplicate(labels, labelName);
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
    // Labels read here are not tracked for reuse (the fast path starts over).
    this.prevLabels = NO_LABELS;
    return i;
  }

  private checkDuplicate(labels: readonly Label[], name: string): void {
    if (hasName(labels, labels.length, name)) throw this.fail(`duplicate label name ${quote(name)}`);
  }
}

/** True when `s` holds the four-letter `keyword` at `i`. */
function isKeyword(s: string, i: number, keyword: string): boolean {
  return (
    s.charCodeAt(i) === keyword.charCodeAt(0) &&
    s.charCodeAt(i + 1) === keyword.charCodeAt(1) &&
    s.charCodeAt(i + 2) === keyword.charCodeAt(2) &&
    s.charCodeAt(i + 3) === keyword.charCodeAt(3)
  );
}

/** True when one of `labels[0, n)` is named `name`. */
function hasName(labels: Labels, n: number, name: string): boolean {
  for (let k = 0; k < n; k++) if ((labels[k] as Label).name === name) return true;
  return false;
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
