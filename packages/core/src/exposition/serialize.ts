import type { Exposition, ExpositionFormat } from './model.js';
import type { SerializeOptions } from './serialize-common.js';
import { serializeOpenMetrics } from './serialize-openmetrics.js';
import { serializeText } from './serialize-text.js';

/** Writes `exposition` in `format` (see serializeText and serializeOpenMetrics for the rules). */
export function serialize(
  exposition: Exposition,
  format: ExpositionFormat,
  options?: SerializeOptions,
): string {
  return format === 'openmetrics-1.0.0'
    ? serializeOpenMetrics(exposition, options)
    : serializeText(exposition, options);
}
