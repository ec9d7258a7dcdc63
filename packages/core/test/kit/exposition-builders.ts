/** Terse builders for expositions in unit tests: `ex(family…)`, `s(name, value, labels?, extra?)`, `L(labels)`. */
import type { Exposition, Labels, MetricFamily, Sample } from '../../src/exposition/model.js';

export const L = (o: Record<string, string> = {}): Labels =>
  Object.entries(o).map(([name, value]) => ({ name, value }));

export const s = (
  name: string,
  value: number,
  labels: Record<string, string> = {},
  extra: Partial<Sample> = {},
): Sample => ({ name, labels: L(labels), value, ...extra });

export const ex = (...families: MetricFamily[]): Exposition => ({ families });
