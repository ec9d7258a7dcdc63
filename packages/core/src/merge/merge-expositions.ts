/**
 * Merging the expositions of an app's instances into one.
 *
 * The rule (deterministic: the same parts in the same order always give the same output):
 * 1. Parts are taken in the order the caller gives (the fetch use case sorts instances by index). Families
 *    come out in the order of their first appearance; samples keep their order, part after part.
 * 2. Within each part, a counter `x_total` beside a gauge `x` (Go clients) or `x_created` first gets
 *    its unsuffixed form, family `x_total` (see separateClashingCounters), so that both are kept.
 * 3. A family is known by its name. The first part that has it fixes its type. A later family of that name
 *    with another type (a counter written with `_total` and one without count as different types) is
 *    dropped whole and counted as a `type` conflict.
 * 4. HELP and UNIT: the first part that has one fixes it; a later, different value is reported as a `help`
 *    or `unit` conflict (nothing is dropped: in this model a unit never changes a sample name).
 * 5. Name clash: a family claims its name and its name + each suffix of its type (counter `x` claims `x`,
 *    `x_total`, `x_created`; histogram `x` claims `x_bucket`, `x_count`, `x_sum`, `x_created`; …, as in
 *    OpenMetrics). A family that claims a name already claimed by an earlier family of another name (gauge
 *    `x_total` then counter `x`) is dropped whole and counted as a `name-clash` conflict.
 * 6. Duplicate series: a sample with the same name and the same label set (in any label order) as a kept
 *    sample is dropped and counted as a `duplicate-series` conflict; the first one is kept. For types whose
 *    series form groups (histogram, gaugehistogram, summary, counter: the same labels, `le`/`quantile`
 *    aside), a group that an earlier part already has is dropped whole, so that one group never mixes
 *    samples of two instances.
 * Nothing is dropped silently: `droppedSamples` is the sum of the conflicts' `dropped`, and every input
 * sample is either in the output or counted there. Conflicts are listed once per family and kind, in the
 * order they were first met. The output has no duplicate series and no clashing names, so it can be
 * written in both formats (the serializers also leave out what is invalid in itself, e.g. a bad label).
 *
 * The output is marked free of duplicate series, so the serializers skip that check.
 *
 * Speed: when a part carries labels of its own that another part has with other values (after
 * relabelling, `instance_id`), no series of the one can equal a series of the other. A family that no such
 * overlapping part also has is checked for duplicates within its part only, on the labels the part's
 * samples do not all share; the others are checked across parts on their whole label sets.
 */
import type { Label, Labels, MetricFamily, MetricType, Sample, Exposition } from '../exposition/model.js';
import { separateClashingCounters } from '../exposition/separate-clashing-counters.js';
import {
  claimedNames,
  isUnsuffixedCounter,
  LabelsKeyBuilder,
  markSeriesUnique,
} from '../exposition/serialize-common.js';

export interface MergeConflict {
  readonly family: string;
  readonly kind: 'type' | 'duplicate-series' | 'name-clash' | 'help' | 'unit';
  /** Samples dropped for this family and kind (0 for `help` and `unit`). */
  readonly dropped: number;
}

export interface MergeResult {
  readonly exposition: Exposition;
  readonly droppedSamples: number;
  readonly conflicts: readonly MergeConflict[];
}

/**
 * Conflicts listed once per family and kind, in the order first met, with the samples dropped (the merge's
 * and the fast path's bookkeeping).
 */
export class ConflictLog {
  private readonly byKey = new Map<
    string,
    { family: string; kind: MergeConflict['kind']; dropped: number }
  >();
  /** Samples dropped in all. */
  dropped = 0;

  readonly report = (family: string, kind: MergeConflict['kind'], dropped: number): void => {
    const key = family + '\u0000' + kind;
    const c = this.byKey.get(key);
    if (c === undefined) this.byKey.set(key, { family, kind, dropped });
    else c.dropped += dropped;
    this.dropped += dropped;
  };

  list(): MergeConflict[] {
    return [...this.byKey.values()];
  }
}

interface Acc {
  readonly name: string;
  readonly type: MetricType;
  /** Counter only: whether its samples lack `_total`; undefined while it has no samples. */
  unsuffixed: boolean | undefined;
  help: string | undefined;
  unit: string | undefined;
  readonly first: MetricFamily;
  samples: readonly Sample[];
  /** False while `samples` and the metadata are the first family's own. */
  changed: boolean;
}

/** The label that splits a group into series, or '' when groups of the type are single series. */
function groupSpecial(type: MetricType): string | undefined {
  switch (type) {
    case 'histogram':
    case 'gaugehistogram':
      return 'le';
    case 'summary':
      return 'quantile';
    case 'counter':
      return '';
    default:
      return undefined;
  }
}

function sameLabel(a: Label, b: Label): boolean {
  return a === b || (a.name === b.name && a.value === b.value);
}

/** How many trailing labels (by position from the end) all samples of the part share. */
function commonTail(part: Exposition): Labels {
  let tail: Labels | undefined;
  let len = 0;
  for (const f of part.families) {
    for (const s of f.samples) {
      const labels = s.labels;
      if (tail === undefined) {
        tail = labels;
        len = labels.length;
        continue;
      }
      const k = Math.min(len, labels.length);
      let j = 0;
      while (j < k && sameLabel(labels[labels.length - 1 - j]!, tail[tail.length - 1 - j]!)) j++;
      len = j;
      if (len === 0) return [];
    }
  }
  return tail === undefined ? [] : tail.slice(tail.length - len);
}

/**
 * For each part, the other parts whose samples might equal some of its own: those with which it shares no
 * tail label of a different value (`le` and `quantile` aside, as they split groups, not series).
 */
function overlappingParts(tails: readonly Labels[]): number[][] {
  const maps = tails.map(
    (t) => new Map(t.filter((l) => l.name !== 'le' && l.name !== 'quantile').map((l) => [l.name, l.value])),
  );
  return maps.map((mine, p) => {
    const overlapping: number[] = [];
    maps.forEach((other, q) => {
      if (q === p) return;
      for (const [name, value] of mine) {
        const v = other.get(name);
        if (v !== undefined && v !== value) return;
      }
      overlapping.push(q);
    });
    return overlapping;
  });
}

export function mergeExpositions(input: readonly Exposition[]): MergeResult {
  const parts = input.map(separateClashingCounters);
  const accs = new Map<string, Acc>();
  const claimOwner = new Map<string, string>();
  const log = new ConflictLog();
  const report = log.report;

  const tails = parts.map(commonTail);
  const overlapping = overlappingParts(tails);
  const familiesOf = parts.map((x) => new Set(x.families.map((f) => f.name)));
  /** Series keys of the parts that are not isolated, and which part owns each group. */
  const sharedSeries = new Set<string>();
  const groupOwner = new Map<string, number>();
  const keys = new LabelsKeyBuilder();

  for (let p = 0; p < parts.length; p++) {
    const localSeries = new Set<string>();
    const tailLen = tails[p]!.length;
    for (const family of parts[p]!.families) {
      let acc = accs.get(family.name);
      const hasSamples = family.samples.length > 0;
      const unsuffixed = family.type === 'counter' && hasSamples ? isUnsuffixedCounter(family) : undefined;
      if (acc === undefined) {
        const names = claimedNames(family);
        if (names.some((n) => claimOwner.has(n))) {
          report(family.name, 'name-clash', family.samples.length);
          continue;
        }
        for (const n of names) claimOwner.set(n, family.name);
        acc = {
          name: family.name,
          type: family.type,
          unsuffixed,
          help: family.help,
          unit: family.unit,
          first: family,
          samples: [],
          changed: false,
        };
        accs.set(family.name, acc);
      } else {
        if (
          acc.type !== family.type ||
          (unsuffixed !== undefined && acc.unsuffixed !== undefined && unsuffixed !== acc.unsuffixed)
        ) {
          report(family.name, 'type', family.samples.length);
          continue;
        }
        if (family.help !== undefined && family.help !== acc.help) {
          if (acc.help === undefined) {
            acc.help = family.help;
            acc.changed = true;
          } else report(family.name, 'help', 0);
        }
        if (family.unit !== undefined && family.unit !== acc.unit) {
          if (acc.unit === undefined) {
            acc.unit = family.unit;
            acc.changed = true;
          } else report(family.name, 'unit', 0);
        }
      }
      if (!hasSamples) continue;
      acc.unsuffixed ??= unsuffixed;

      const kept =
        // Isolated: no overlapping part has this family, so only this part's own series can repeat.
        overlapping[p]!.every((q) => !familiesOf[q]!.has(family.name))
          ? keepLocal(family.samples, tailLen, localSeries, keys)
          : keepShared(family, p, sharedSeries, groupOwner, keys);
      const dropped = family.samples.length - kept.length;
      if (dropped > 0) report(family.name, 'duplicate-series', dropped);
      if (kept.length === 0) continue;
      if (acc.samples.length === 0 && !acc.changed && acc.first === family && dropped === 0) {
        acc.samples = family.samples;
      } else {
        if (acc.samples === acc.first.samples) acc.samples = acc.samples.slice();
        const into = acc.samples as Sample[];
        for (let i = 0; i < kept.length; i++) into.push(kept[i]!);
        acc.changed = true;
      }
    }
  }

  const families: MetricFamily[] = [];
  for (const acc of accs.values()) {
    if (!acc.changed && acc.samples === acc.first.samples) {
      families.push(acc.first);
      continue;
    }
    const f: { -readonly [K in keyof MetricFamily]: MetricFamily[K] } = {
      name: acc.name,
      type: acc.type,
      samples: acc.samples,
    };
    if (acc.help !== undefined) f.help = acc.help;
    if (acc.unit !== undefined) f.unit = acc.unit;
    families.push(f);
  }
  return { exposition: markSeriesUnique({ families }), droppedSamples: log.dropped, conflicts: log.list() };
}

/** Within one isolated part: the first of each series, keyed on the labels outside the common tail. */
function keepLocal(
  samples: readonly Sample[],
  tailLen: number,
  seen: Set<string>,
  keys: LabelsKeyBuilder,
): readonly Sample[] {
  let kept: Sample[] | undefined;
  for (let i = 0; i < samples.length; i++) {
    const s = samples[i]!;
    const own = s.labels.length - tailLen;
    const key =
      own === 0
        ? s.name
        : own === 1
          ? s.name + '\u0003' + s.labels[0]!.name + '\u0001' + s.labels[0]!.value
          : s.name + '\u0003' + keys.key(s.labels, 0, own, undefined);
    if (seen.has(key)) {
      kept ??= samples.slice(0, i);
      continue;
    }
    seen.add(key);
    kept?.push(s);
  }
  return kept ?? samples;
}

/** Across the parts that are not isolated: the first of each series, and each group from one part only. */
function keepShared(
  family: MetricFamily,
  part: number,
  seen: Set<string>,
  groupOwner: Map<string, number>,
  keys: LabelsKeyBuilder,
): readonly Sample[] {
  const special = groupSpecial(family.type);
  const samples = family.samples;
  let kept: Sample[] | undefined;
  for (let i = 0; i < samples.length; i++) {
    const s = samples[i]!;
    let drop: boolean;
    if (special === undefined) {
      const key = s.name + '\u0003' + keys.key(s.labels, 0, s.labels.length, undefined);
      drop = seen.has(key);
      if (!drop) seen.add(key);
    } else {
      const gk = keys.key(s.labels, 0, s.labels.length, special);
      const groupKey = family.name + '\u0003' + gk;
      const owner = groupOwner.get(groupKey);
      const specialValue = special === '' ? '' : (s.labels.find((l) => l.name === special)?.value ?? '');
      const key = s.name + '\u0003' + gk + '\u0003' + specialValue;
      drop = (owner !== undefined && owner !== part) || seen.has(key);
      if (!drop) {
        groupOwner.set(groupKey, part);
        seen.add(key);
      }
    }
    if (drop) kept ??= samples.slice(0, i);
    else kept?.push(s);
  }
  return kept ?? samples;
}
