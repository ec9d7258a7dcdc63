/**
 * Format dispatch: the parser for a scrape's Content-Type, whole or streamed.
 */
import type { ExpositionParseError } from '../errors.js';
import type { Result } from '../result.js';
import type { Exposition, ExpositionFormat } from './model.js';
import { createOpenMetricsStream, parseOpenMetrics } from './parse-openmetrics.js';
import { createTextStream, parseText } from './parse-text.js';

/** An incremental parser: feed chunks as they arrive (lines may split across chunks), then `end()`. */
export interface ExpositionParser {
  push(chunk: string): void;
  end(): Result<Exposition, ExpositionParseError>;
}

/** The exposition format a Content-Type names: OpenMetrics for `application/openmetrics-text` (any version), else text 0.0.4. */
export function formatOfContentType(contentType: string | undefined): ExpositionFormat {
  if (contentType === undefined) return 'text-0.0.4';
  const semi = contentType.indexOf(';');
  const mediaType = (semi < 0 ? contentType : contentType.slice(0, semi)).trim().toLowerCase();
  return mediaType === 'application/openmetrics-text' ? 'openmetrics-1.0.0' : 'text-0.0.4';
}

/** OpenMetrics when contentType is application/openmetrics-text (any version), else text 0.0.4. */
export function parseExposition(
  input: string,
  contentType?: string,
): Result<Exposition, ExpositionParseError> {
  return formatOfContentType(contentType) === 'openmetrics-1.0.0'
    ? parseOpenMetrics(input)
    : parseText(input);
}

/** A streaming parser for `format`; gives exactly what the whole-string parser gives for the joined chunks. */
export function createExpositionParser(format: ExpositionFormat): ExpositionParser {
  return format === 'openmetrics-1.0.0' ? createOpenMetricsStream() : createTextStream();
}
