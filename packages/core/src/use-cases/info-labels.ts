/**
 * Info-metric mode (issue 7 item 5): instead of the nine CF labels on every sample of an instance, the
 * samples keep `app_id` and `index`, and each instance gets one `cf_app_instance_info{…9 CF labels…} 1`
 * series to join on (`group_left` in PromQL).
 *
 * - Representation: an OpenMetrics `info` family named `cf_app_instance` (sample `cf_app_instance_info`).
 *   The text 0.0.4 serializer writes it as `# TYPE cf_app_instance_info gauge` with the same sample line, so
 *   the series name is the same in both formats and both are valid.
 * - Uniqueness: `app_id` + `index` identify an instance, except when two instances of one app share an index
 *   (the old and new instances during a rolling deploy) or an instance has no index (an endpoint without
 *   tags). The samples of those instances, and only those, also keep `instance` (the address scraped), so
 *   that no series of different instances collide and the merge drops nothing.
 * - Exporter targets are not instances: they keep their six app labels (see fetch-app-metrics.ts).
 */
import type { Exposition, Label, Labels, Sample } from '../exposition/model.js';

export type LabelMode = 'full' | 'info';
export const LABEL_MODES: readonly LabelMode[] = Object.freeze(['full', 'info'] as const);
export const DEFAULT_LABEL_MODE: LabelMode = 'full';

/** The OpenMetrics family name; its one sample name is `INSTANCE_INFO_METRIC`. */
export const INSTANCE_INFO_FAMILY = 'cf_app_instance';
export const INSTANCE_INFO_METRIC = 'cf_app_instance_info';
/** The labels kept on every sample in info mode (`instance` is added only when needed, see above). */
export const INFO_SAMPLE_LABEL_NAMES: readonly string[] = Object.freeze(['app_id', 'index']);

const INFO_HELP =
  'One series per Cloud Foundry app instance, value 1: join on app_id and index for its CF labels.';

export interface InfoLabels {
  /** The labels to stamp on each instance's samples, in the order of the input. */
  readonly sampleLabels: readonly Labels[];
  /** The `cf_app_instance` info family (one sample per distinct instance), to merge before the instances'. */
  readonly exposition: Exposition;
}

function valueOf(labels: Labels, name: string): string | undefined {
  for (const l of labels) if (l.name === name) return l.value;
  return undefined;
}

/**
 * Info-mode labels for a fetch's instances, given each instance's full CF labels (`cfLabelsFor`'s output,
 * one entry per instance target).
 */
export function infoLabelsFor(instances: readonly Labels[]): InfoLabels {
  const keyOf = (labels: Labels): string | undefined => {
    const index = valueOf(labels, 'index');
    return index === undefined || index === '' ? undefined : `${valueOf(labels, 'app_id') ?? ''}\n${index}`;
  };
  const counts = new Map<string, number>();
  for (const labels of instances) {
    const key = keyOf(labels);
    if (key !== undefined) counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  const sampleLabels: Labels[] = [];
  const infoSamples: Sample[] = [];
  const seen = new Set<string>();
  for (const labels of instances) {
    const key = keyOf(labels);
    const unique = key !== undefined && counts.get(key) === 1;
    const kept: Label[] = labels.filter(
      (l) => INFO_SAMPLE_LABEL_NAMES.includes(l.name) || (!unique && l.name === 'instance'),
    );
    sampleLabels.push(Object.freeze(kept));
    const identity = labels.map((l) => `${l.name}=${l.value}`).join('\n');
    if (seen.has(identity)) continue;
    seen.add(identity);
    infoSamples.push({ name: INSTANCE_INFO_METRIC, labels, value: 1 });
  }
  const exposition: Exposition =
    infoSamples.length === 0
      ? { families: [] }
      : { families: [{ name: INSTANCE_INFO_FAMILY, type: 'info', help: INFO_HELP, samples: infoSamples }] };
  return { sampleLabels, exposition };
}

/** Parses the `labels` query parameter / `cf_labels` key; undefined when the text is not a mode. */
export function parseLabelMode(text: string): LabelMode | undefined {
  return (LABEL_MODES as readonly string[]).includes(text) ? (text as LabelMode) : undefined;
}
