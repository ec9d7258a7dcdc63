import type { ExpositionFormat } from './model.js';
import { contentTypeFor, negotiateFormat } from './negotiate.js';

const OM: ExpositionFormat = 'openmetrics-1.0.0';
const TEXT: ExpositionFormat = 'text-0.0.4';

describe('negotiateFormat', () => {
  it.each([
    [undefined, TEXT],
    ['', TEXT],
    [
      'application/openmetrics-text;version=1.0.0,application/openmetrics-text;version=0.0.1;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1',
      OM,
    ],
    ['application/openmetrics-text; version=0.0.1', OM],
    ['application/openmetrics-text', OM],
    ['Application/OpenMetrics-Text; Version="1.0.0"', OM],
    ['application/openmetrics-text; version=2.0.0', TEXT],
    ['text/plain;version=0.0.4', TEXT],
    ['text/plain;q=0.5, application/openmetrics-text;q=0.9', OM],
    ['application/openmetrics-text;q=0.2, text/plain;q=0.9', TEXT],
    ['application/openmetrics-text;q=0, */*', TEXT],
    ['application/openmetrics-text;q=0', TEXT],
    ['application/*', OM],
    ['text/*;q=0.3, application/*;q=0.4', OM],
    ['*/*', TEXT],
    ['application/json', TEXT],
    ['application/openmetrics-text;q=abc', TEXT],
    ['application/openmetrics-text;q=1.5, text/plain;q=0.1', TEXT],
    ['text/plain, application/openmetrics-text', TEXT],
    ['application/openmetrics-text, text/plain', OM],
    [
      'application/vnd.google.protobuf;proto=io.prometheus.client.MetricFamily;encoding=delimited;q=0.7,text/plain;version=0.0.4;q=0.3',
      TEXT,
    ],
    ['garbage;;;,,,', TEXT],
  ])('%j → %s', (accept, expected) => {
    expect(negotiateFormat(accept)).toBe(expected);
  });

  it('names the content type of each format', () => {
    expect(contentTypeFor(TEXT)).toBe('text/plain; version=0.0.4; charset=utf-8');
    expect(contentTypeFor(OM)).toBe('application/openmetrics-text; version=1.0.0; charset=utf-8');
  });
});
