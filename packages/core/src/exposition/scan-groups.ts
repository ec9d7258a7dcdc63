/**
 * Series groups: the samples of one histogram, summary or stateset "metric point" share every label but
 * `le`, `quantile` or the stateset's own label. Both parsers use these helpers to tell groups apart; the
 * fast path compares a sample's labels with the previous sample's in order, without allocating (a label
 * object that the parser reused from the line before compares by identity).
 */
import type { Label, Labels } from './model.js';

/** Which label does not identify the group: none, or one named label (`le`, `quantile`, a stateset's). */
export type GroupSkip = undefined | string;

/** True when `a` and `b` are equal in order, ignoring the label named `skip`. */
export function sameGroupInOrder(a: Labels, b: Labels, skip: GroupSkip): boolean {
  if (skip === undefined) {
    if (a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) {
      const x = a[i] as Label;
      const y = b[i] as Label;
      if (x !== y && (x.name !== y.name || x.value !== y.value)) return false;
    }
    return true;
  }
  let i = 0;
  let j = 0;
  for (;;) {
    while (i < a.length && (a[i] as Label).name === skip) i++;
    while (j < b.length && (b[j] as Label).name === skip) j++;
    if (i === a.length || j === b.length) return i === a.length && j === b.length;
    const x = a[i] as Label;
    const y = b[j] as Label;
    if (x !== y && (x.name !== y.name || x.value !== y.value)) return false;
    i++;
    j++;
  }
}

/** An order-independent key of the labels, ignoring the label named `skip`. */
export function groupKey(labels: Labels, skip: GroupSkip): string {
  if (labels.length === 0) return '';
  let kept: Label[] = [];
  for (const l of labels) if (l.name !== skip) kept.push(l);
  if (kept.length > 1) kept = kept.sort((x, y) => (x.name < y.name ? -1 : x.name > y.name ? 1 : 0));
  let key = '';
  for (const l of kept) key += `${l.name.length}:${l.name}${l.value.length}:${l.value}`;
  return key;
}
