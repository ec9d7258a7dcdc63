import type { Exposition } from './model.js';
import {
  checkFamily,
  isMarkedSeriesUnique,
  LabelsChecker,
  NameClaims,
  type CheckedFamily,
  type SerializeDrop,
} from './serialize-common.js';
import { separateClashingCounters } from './separate-clashing-counters.js';

/**
 * The families both serializers can write, checked once: clashing counters separated, names claimed, labels
 * and roles validated, duplicate series dropped (each drop reported through `onDrop`). An exposition that
 * mergeExpositions marked free of duplicates skips the separation and the duplicate check (already done).
 */
export function checkedFamilies(
  input: Exposition,
  onDrop: ((drop: SerializeDrop) => void) | undefined,
): CheckedFamily[] {
  const unique = isMarkedSeriesUnique(input);
  const exposition = unique ? input : separateClashingCounters(input);
  const claims = new NameClaims();
  const checker = new LabelsChecker();
  const seen = unique ? undefined : new Set<string>();
  const checked: CheckedFamily[] = [];
  for (const family of exposition.families) {
    const c = checkFamily(family, claims, checker, seen, onDrop);
    if (c !== undefined) checked.push(c);
  }
  return checked;
}
