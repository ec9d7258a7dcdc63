/**
 * Content negotiation for the merged exposition.
 *
 * Rule: each media range of `Accept` gets its q-value (default 1; a range with an invalid q is ignored;
 * q=0 means "not acceptable"). `application/openmetrics-text` with no version, `version=1.0.0` or
 * `version=0.0.1` offers OpenMetrics (always written as 1.0.0); `text/plain` (any version) offers text
 * 0.0.4; `application/*` offers OpenMetrics; `text/*` and `*\/*` offer text. The offer with the highest
 * q wins; on a tie the range written first wins. No Accept, or nothing acceptable → text 0.0.4.
 * Prometheus' scrape header (OpenMetrics 1.0.0 first) therefore picks OpenMetrics 1.0.0.
 */
import type { ExpositionFormat } from './model.js';

const TEXT_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';
const OPENMETRICS_CONTENT_TYPE = 'application/openmetrics-text; version=1.0.0; charset=utf-8';

export function contentTypeFor(format: ExpositionFormat): string {
  return format === 'openmetrics-1.0.0' ? OPENMETRICS_CONTENT_TYPE : TEXT_CONTENT_TYPE;
}

const Q_VALUE = /^(?:0(?:\.\d{0,3})?|1(?:\.0{0,3})?)$/;

function offerFor(mediaType: string, version: string | undefined): ExpositionFormat | undefined {
  switch (mediaType) {
    case 'application/openmetrics-text':
      return version === undefined || version === '1.0.0' || version === '0.0.1'
        ? 'openmetrics-1.0.0'
        : undefined;
    case 'application/*':
      return 'openmetrics-1.0.0';
    case 'text/plain':
    case 'text/*':
    case '*/*':
      return 'text-0.0.4';
    default:
      return undefined;
  }
}

export function negotiateFormat(accept: string | undefined): ExpositionFormat {
  if (accept === undefined) return 'text-0.0.4';
  let best: ExpositionFormat = 'text-0.0.4';
  let bestQ = 0;
  for (const range of accept.split(',')) {
    const parts = range.split(';');
    const mediaType = parts[0]!.trim().toLowerCase();
    let q = 1;
    let version: string | undefined;
    let valid = true;
    for (let i = 1; i < parts.length; i++) {
      const p = parts[i]!;
      const eq = p.indexOf('=');
      if (eq < 0) continue;
      const key = p.slice(0, eq).trim().toLowerCase();
      const value = p
        .slice(eq + 1)
        .trim()
        .replace(/^"(.*)"$/, '$1');
      if (key === 'q') {
        if (Q_VALUE.test(value)) q = Number(value);
        else valid = false;
      } else if (key === 'version') version = value;
    }
    if (!valid || q <= bestQ) continue;
    const offer = offerFor(mediaType, version);
    if (offer === undefined) continue;
    best = offer;
    bestQ = q;
  }
  return best;
}
